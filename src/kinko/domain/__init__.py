"""Domain rules: secrets, keys, identity. Calls storage; knows nothing of the wire."""
