"""The `deployment` fixture: each replication test module runs in one process and on
three nodes."""

from tests.integration.replication.deployments import deployment

__all__ = ["deployment"]
