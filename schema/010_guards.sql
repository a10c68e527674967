-- The rows a check writes so that it holds on a Galera cluster.  A
-- locking read (FOR UPDATE, LOCK IN SHARE MODE) locks on its own node
-- only: two changes on two nodes that each read "another admin is
-- left" under such a lock both commit.  Galera orders writes: two
-- transactions that write one row in common conflict, and the one
-- certified second gets a deadlock (1213) and runs again, seeing the
-- other's change.  So each check that must see every other change of
-- its kind also writes its row here, or its owner's row below.
--
-- Every audited change writes audit_seq's one row too, which makes any
-- two of them conflict already; these rows make each check hold by
-- itself, whatever becomes of the audit's sequence.
CREATE TABLE guards (
    name        VARCHAR(64) NOT NULL,           -- 'admins'
    turn        BIGINT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Written by each change that may take an admin away (delete, groups,
-- credential revoke), before it asks whether an admin is left.
INSERT INTO guards (name, turn) VALUES ('admins', 0);

-- Written by each generation of the owner's (its caps) and by each
-- change of what the owner is entitled to (a decision, a revoked
-- approval, groups an admin took from its consumers).
ALTER TABLE portal_owners
    ADD COLUMN turn BIGINT UNSIGNED NOT NULL DEFAULT 0;
