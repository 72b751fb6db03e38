-- KMS API: material versions (rotation), tags and rotation settings, alias dates.
-- A key's material moves to kms_key_materials. Materials wrapped before this migration
-- are bound to the key ARN alone (legacy_wrap = 1), later ones to the ARN and version.
-- kms_keys.material stays (SQLite keeps columns) and is written empty from now on.
CREATE TABLE kms_key_materials (
    key_id TEXT NOT NULL REFERENCES kms_keys (key_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    material BLOB NOT NULL,
    material_id TEXT NOT NULL,
    created_date REAL NOT NULL,
    rotation_type TEXT,
    legacy_wrap INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, version)
);
INSERT INTO kms_key_materials (key_id, version, material, material_id, created_date, legacy_wrap)
    SELECT key_id, 1, material, lower(hex(randomblob(32))), created_date, 1 FROM kms_keys;
ALTER TABLE kms_keys ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kms_keys ADD COLUMN material_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE kms_keys ADD COLUMN rotation_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kms_keys ADD COLUMN rotation_period_days INTEGER;
ALTER TABLE kms_keys ADD COLUMN next_rotation_date REAL;
-- AWS managed keys rotate every year.
UPDATE kms_keys SET rotation_enabled = 1, rotation_period_days = 365,
    next_rotation_date = created_date + 365 * 86400
    WHERE key_manager = 'AWS';
ALTER TABLE kms_aliases ADD COLUMN created_date REAL NOT NULL DEFAULT 0;
ALTER TABLE kms_aliases ADD COLUMN last_updated_date REAL NOT NULL DEFAULT 0;
UPDATE kms_aliases SET
    created_date = (SELECT k.created_date FROM kms_keys k WHERE k.key_id = kms_aliases.key_id),
    last_updated_date = (SELECT k.created_date FROM kms_keys k WHERE k.key_id = kms_aliases.key_id);
CREATE INDEX kms_keys_account ON kms_keys (account_id, created_date);
CREATE INDEX kms_keys_deletion ON kms_keys (deletion_date) WHERE deletion_date IS NOT NULL;
CREATE INDEX kms_keys_rotation ON kms_keys (next_rotation_date) WHERE rotation_enabled = 1;
CREATE INDEX kms_aliases_key ON kms_aliases (key_id)
