-- Secrets at rest sealed with AES-256-GCM (src/seal.h): the column holds
-- the base64 text of a sealed secret, seal_key the id of the key that
-- sealed it (NULL: a plaintext row of before, sealed by --migrate).
ALTER TABLE credentials
    MODIFY secret VARCHAR(255) NULL,
    ADD COLUMN seal_key CHAR(8) NULL AFTER secret;
