CREATE TABLE kms_keys (
    key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    key_manager TEXT NOT NULL,
    key_state TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    material BLOB NOT NULL,
    created_date REAL NOT NULL,
    deletion_date REAL,
    policy TEXT
);
CREATE TABLE kms_aliases (
    account_id TEXT NOT NULL,
    alias_name TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES kms_keys (key_id),
    PRIMARY KEY (account_id, alias_name)
);
CREATE TABLE secrets (
    pk INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    description TEXT,
    kms_key_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    policy TEXT,
    created_date REAL NOT NULL,
    last_changed_date REAL NOT NULL,
    last_accessed_date REAL,
    deleted_date REAL,
    deletion_date REAL,
    primary_region TEXT,
    owning_service TEXT,
    type TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (account_id, name)
);
CREATE INDEX secrets_deletion ON secrets (deletion_date) WHERE deletion_date IS NOT NULL;
CREATE TABLE versions (
    pk INTEGER PRIMARY KEY,
    secret_pk INTEGER NOT NULL REFERENCES secrets (pk) ON DELETE CASCADE,
    version_id TEXT NOT NULL,
    created_date REAL NOT NULL,
    kms_key_id TEXT,
    wrapped_key BLOB,
    ciphertext BLOB,
    is_binary INTEGER NOT NULL DEFAULT 0,
    last_accessed_date REAL,
    UNIQUE (secret_pk, version_id)
);
CREATE TABLE stages (
    secret_pk INTEGER NOT NULL REFERENCES secrets (pk) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    version_id TEXT NOT NULL,
    PRIMARY KEY (secret_pk, stage)
);
