"""Staging-label rules, as pure functions over {label: version_id}."""

from __future__ import annotations

CURRENT = "AWSCURRENT"
PREVIOUS = "AWSPREVIOUS"
PENDING = "AWSPENDING"
MAX_LABELS = 20
MAX_VERSIONS = 100
DEPRECATED_GRACE_SECONDS = 24 * 3600


def attach(stages: dict[str, str], version_id: str, labels: list[str]) -> dict[str, str]:
    """Move each label onto `version_id`, taking it from wherever it was.

    When AWSCURRENT moves, the version it leaves gets AWSPREVIOUS.
    """
    result = dict(stages)
    old_current = result.get(CURRENT)
    for label in labels:
        result[label] = version_id
    if CURRENT in labels and old_current is not None and old_current != version_id:
        result[PREVIOUS] = old_current
    return result


def labels_of(stages: dict[str, str], version_id: str) -> list[str]:
    return [label for label, owner in stages.items() if owner == version_id]


def by_version(stages: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for label, version_id in stages.items():
        grouped.setdefault(version_id, []).append(label)
    return grouped


def deprecated_to_prune(
    versions: list[tuple[str, float]], stages: dict[str, str], now: float
) -> list[str]:
    """Unlabelled versions to delete so at most 100 remain; never one under 24 hours old.

    `versions` is (version_id, created_date), oldest first.
    """
    excess = len(versions) - MAX_VERSIONS
    if excess <= 0:
        return []
    labelled = set(stages.values())
    prunable = [
        version_id
        for version_id, created in versions
        if version_id not in labelled and now - created >= DEPRECATED_GRACE_SECONDS
    ]
    return prunable[:excess]
