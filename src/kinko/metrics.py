"""Prometheus metrics. Several worker processes share them through a directory
(prometheus_client's multiprocess mode), so /metrics answers the same in any worker."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REPLICATION_ATTEMPTS = Counter(
    "kinko_replication_attempts_total",
    "Replication attempts by source region, replica region and outcome.",
    ["source", "target", "outcome"],
)
REPLICATION_LAG = Histogram(
    "kinko_replication_lag_seconds",
    "Time from a change committed in the primary to its application in the replica.",
    ["source", "target"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


def exposition() -> tuple[bytes, str]:
    """The metrics page: this process's, or every worker's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
