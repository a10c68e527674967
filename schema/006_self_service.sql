-- Self-service access: the requests of portal users for API groups, the
-- notifications the portal shows, the outbox of mails, and who owns a
-- consumer made through the portal (NULL: an operator's).
ALTER TABLE consumers
    ADD COLUMN owner VARCHAR(255) NULL,
    ADD KEY consumers_owner (owner);

ALTER TABLE credentials
    ADD COLUMN notes VARCHAR(1024) NULL;

CREATE TABLE access_requests (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    requester   VARCHAR(255) NOT NULL,          -- the portal user
    email       VARCHAR(254) NULL,
    group_names TEXT NOT NULL,                  -- JSON array of names
    notes       VARCHAR(1024) NOT NULL DEFAULT '',
    state       ENUM('pending', 'approved', 'rejected', 'withdrawn')
                NOT NULL DEFAULT 'pending',
    reason      VARCHAR(1024) NULL,             -- of a rejection
    note        VARCHAR(1024) NULL,             -- of an approval
    decided_by  VARCHAR(255) NULL,
    created_at  BIGINT NOT NULL,                -- epoch milliseconds
    decided_at  BIGINT NULL,
    PRIMARY KEY (id),
    KEY access_requester (requester, id),
    KEY access_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE notifications (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    recipient   VARCHAR(255) NOT NULL,          -- a portal user
    message     VARCHAR(2048) NOT NULL,
    at          BIGINT NOT NULL,
    read_at     BIGINT NULL,
    PRIMARY KEY (id),
    KEY notifications_recipient (recipient, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A mail waits here until the sender has handed it to the relay (or
-- written it to mail_dir).  A sender claims a row by setting
-- claimed_until (a lease) in a transaction of its own, sends, then
-- sets sent_at; a sender that dies in between leaves the lease to run
-- out, and the mail goes again with the same Message-ID.
CREATE TABLE outbox (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    created_at  BIGINT NOT NULL,
    rcpt        VARCHAR(254) NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    body        TEXT NOT NULL,
    message_id  VARCHAR(128) NOT NULL,
    attempts    INT UNSIGNED NOT NULL DEFAULT 0,
    next_at     BIGINT NOT NULL,                -- not before (ms)
    claimed_until BIGINT NULL,
    sent_at     BIGINT NULL,
    last_error  VARCHAR(255) NULL,
    PRIMARY KEY (id),
    KEY outbox_due (sent_at, next_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A portal user is the actor of its own changes.
ALTER TABLE audit_log
    MODIFY actor_kind ENUM('consumer', 'local', 'anonymous', 'portal')
    NOT NULL;
