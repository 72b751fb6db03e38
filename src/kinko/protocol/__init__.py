"""The wire: AWS JSON 1.1 framing, SigV4, model-driven validation. Knows nothing of secrets."""
