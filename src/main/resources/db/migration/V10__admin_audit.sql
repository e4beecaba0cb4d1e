-- What the admin API changed, and when: one row per action, written in the action's own transaction.
CREATE TABLE admin_audit (
    id      bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    action  text        NOT NULL,
    target  text,
    detail  jsonb
);
CREATE INDEX admin_audit_at ON admin_audit (at DESC, id DESC);

-- Webhook secrets are stored sealed (AES-GCM, "sealed:v1:<key id>:<base64>") from now on; a value still in plain text
-- (written before) is sealed the first time it is read.
COMMENT ON COLUMN tenants.webhook_secret IS 'sealed with BATCHWIRE_SECRETS_KEY (AES-GCM); plain only if written before V10';
