"""Persistence. Storage only ever sees ciphertext for secret values and key material."""
