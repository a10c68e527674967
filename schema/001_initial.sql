-- Consumers, their credentials and their ordered group memberships.
-- Names are compared byte for byte (utf8mb4_bin): "XYZ-Corp" and
-- "xyz-corp" are two consumers, as they were in the original service.

CREATE TABLE consumers (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    username    VARCHAR(255) NOT NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY consumers_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE credentials (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    consumer_id BIGINT UNSIGNED NOT NULL,
    `key`       VARCHAR(255) NOT NULL,
    secret      VARCHAR(64) NULL,
    algorithm   VARCHAR(15) NOT NULL DEFAULT 'HS256',
    public_key  TEXT NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    revoked_at  TIMESTAMP(3) NULL DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY credentials_key (`key`),
    KEY credentials_consumer (consumer_id, id),
    CONSTRAINT credentials_consumer_fk FOREIGN KEY (consumer_id)
        REFERENCES consumers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE consumer_groups (
    consumer_id BIGINT UNSIGNED NOT NULL,
    group_name  VARCHAR(255) NOT NULL,
    position    INT UNSIGNED NOT NULL,
    PRIMARY KEY (consumer_id, group_name),
    KEY consumer_groups_order (consumer_id, position),
    CONSTRAINT consumer_groups_consumer_fk FOREIGN KEY (consumer_id)
        REFERENCES consumers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
