ALTER TABLE access_keys ADD COLUMN partition TEXT;
ALTER TABLE access_keys ADD COLUMN user_id TEXT;
CREATE INDEX access_keys_by_owner ON access_keys (account_id, user_id);
CREATE TABLE iam_users (
    user_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    partition TEXT NOT NULL,
    user_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    created_date REAL NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    UNIQUE (account_id, partition, user_name)
);
CREATE TABLE iam_roles (
    role_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    partition TEXT NOT NULL,
    role_name TEXT NOT NULL COLLATE NOCASE,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    trust_policy TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL,
    created_date REAL NOT NULL,
    description TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    UNIQUE (account_id, partition, role_name)
);
CREATE TABLE iam_inline_policies (
    owner_id TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (owner_id, policy_name)
);
CREATE TABLE sts_sessions (
    access_key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    partition TEXT NOT NULL,
    role_id TEXT NOT NULL,
    role_name TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    session_name TEXT NOT NULL,
    arn TEXT NOT NULL,
    secret_wrapped BLOB NOT NULL,
    token_hash BLOB NOT NULL,
    expiration REAL NOT NULL,
    created_date REAL NOT NULL,
    source_arn TEXT NOT NULL
);
CREATE INDEX sts_sessions_by_expiration ON sts_sessions (expiration);
