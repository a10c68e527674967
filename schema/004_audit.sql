-- The audit trail: one row per change, written in the change's own
-- transaction.  Its id is also the change feed: ids are handed out by
-- the one row of audit_seq, locked by the statement just before the
-- commit, so a change with a higher id never commits before one with a
-- lower id, and a reader that has seen id n has seen every id below it.
CREATE TABLE audit_seq (
    one         TINYINT UNSIGNED NOT NULL,
    id          BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (one)
) ENGINE=InnoDB;

INSERT INTO audit_seq (one, id) VALUES (1, 0);

CREATE TABLE audit_log (
    id          BIGINT UNSIGNED NOT NULL,
    at          BIGINT NOT NULL,                -- epoch milliseconds
    actor_kind  ENUM('consumer', 'local', 'anonymous') NOT NULL,
    actor       VARCHAR(255) NULL,              -- the caller's consumer
    actor_key   VARCHAR(255) NULL,              -- and its credential
    remote_addr VARCHAR(64) NULL,
    action      VARCHAR(96) NOT NULL,           -- the route id
    consumer    VARCHAR(255) NULL,
    `key`       VARCHAR(255) NULL,
    `change`    TEXT NOT NULL,                  -- JSON, never a secret
    resmsgid    CHAR(36) NOT NULL,
    PRIMARY KEY (id),
    KEY audit_consumer (consumer, id),
    KEY audit_actor (actor, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
