-- An approval can be taken back, and an admin's change to a consumer
-- the portal made is not undone by its owner's next generation.
--
-- A request moves approved -> revoked (who, when; the reason in
-- `reason`, which an approved request does not otherwise hold).
ALTER TABLE access_requests
    MODIFY state ENUM('pending', 'approved', 'rejected', 'withdrawn',
        'revoked') NOT NULL DEFAULT 'pending',
    ADD COLUMN revoked_by VARCHAR(255) NULL,
    ADD COLUMN revoked_at BIGINT NULL;

-- The groups an admin took from a portal user's consumers (revoke,
-- grant without them, delete): its approvals no longer give them, until
-- an approver approves them again.
CREATE TABLE access_withdrawn (
    owner       VARCHAR(255) NOT NULL,          -- the portal user
    group_name  VARCHAR(255) NOT NULL,
    at          BIGINT NOT NULL,                -- epoch milliseconds
    PRIMARY KEY (owner, group_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row a portal user, made with its first request and locked by
-- each of its generations, so that two at once are counted one after
-- the other against its caps.
CREATE TABLE portal_owners (
    owner       VARCHAR(255) NOT NULL,
    PRIMARY KEY (owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO portal_owners (owner) SELECT DISTINCT requester FROM access_requests;

-- Every text a person may type fits where it is kept: a notification
-- names up to 8,192 bytes of groups and a 1,024-byte reason; a mail's
-- subject a 255-byte portal user.
ALTER TABLE notifications MODIFY message TEXT NOT NULL;
ALTER TABLE outbox MODIFY subject VARCHAR(512) NOT NULL;
