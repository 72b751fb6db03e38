CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    created_date REAL NOT NULL
);
CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    principal_arn TEXT NOT NULL,
    user_name TEXT,
    secret_wrapped BLOB NOT NULL,
    status TEXT NOT NULL,
    created_date REAL NOT NULL
);
