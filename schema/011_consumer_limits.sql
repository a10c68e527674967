-- A consumer's own rate limits, one a window (passes in that window of
-- the clock, per host): set by POST /v1/consumer/{username}/limits,
-- read with its credential by the gateway's one lookup.  NULL: the
-- ACL rule's limit holds for that window.  A consumer's limit replaces
-- the rule's for a window the rule limits; it never adds one.
--
-- IF NOT EXISTS: a database a failed run left half-migrated (the
-- statements of a file are not one transaction) takes this file again.
ALTER TABLE consumers
    ADD COLUMN IF NOT EXISTS limit_second BIGINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS limit_minute BIGINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS limit_hour BIGINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS limit_day BIGINT UNSIGNED NULL;
