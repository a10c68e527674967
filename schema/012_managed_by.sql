-- The tag of the declarative file that manages a consumer (POST
-- /v1/consumer/{username}/state, adminutil-ctl apply): a file changes
-- and deletes only the consumers that carry its tag, unless told to
-- adopt one.  NULL: none manages it (made by the other routes or the
-- portal).
--
-- IF NOT EXISTS: a database a failed run left half-migrated (the
-- statements of a file are not one transaction) takes this file again.
ALTER TABLE consumers
    ADD COLUMN IF NOT EXISTS managed_by VARCHAR(64) NULL;
