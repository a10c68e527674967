-- Rotation: a credential's previous secret (sealed as secret is) or
-- public key keeps verifying until grace_until (epoch milliseconds).
ALTER TABLE credentials
    ADD COLUMN prev_secret VARCHAR(255) NULL,
    ADD COLUMN prev_seal_key CHAR(8) NULL,
    ADD COLUMN prev_public_key TEXT NULL,
    ADD COLUMN grace_until BIGINT NULL;
