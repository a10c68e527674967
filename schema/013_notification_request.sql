-- The request a notification is about (NULL: one written before this
-- column), so that an approver who decides a request has its "new
-- request" notifications marked read with it: the portal's count is of
-- what still waits for them.
--
-- IF NOT EXISTS: a database a failed run left half-migrated (the
-- statements of a file are not one transaction) takes this file again.
ALTER TABLE notifications
    ADD COLUMN IF NOT EXISTS request_id BIGINT UNSIGNED NULL,
    ADD KEY IF NOT EXISTS notifications_request (recipient, request_id);
