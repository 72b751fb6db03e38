"""The embedded default: one SQLite file per region plus one for accounts."""
