"""Secrets: versions, staging labels, deletion windows, policies, listing."""
