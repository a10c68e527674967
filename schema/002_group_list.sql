-- The gateway's read of a consumer: its groups, comma-joined in granted
-- order, kept on the consumer's row beside consumer_groups (which stays
-- the record of each membership and its position).  adminutil rewrites
-- it in the same transaction as every change to consumer_groups, so the
-- lookup behind every uncached token is two unique-key reads, no join
-- over the groups, no sort.  Group names never hold a comma.

ALTER TABLE consumers
    ADD COLUMN group_list MEDIUMTEXT NOT NULL DEFAULT '' AFTER username;

UPDATE consumers c
    SET c.group_list = COALESCE((SELECT GROUP_CONCAT(g.group_name
        ORDER BY g.position SEPARATOR ',') FROM consumer_groups g
        WHERE g.consumer_id = c.id), '');
