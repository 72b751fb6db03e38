"""Staging-label movement and pruning of deprecated versions."""

from __future__ import annotations

from kinko.domain.secrets import labels


def test_current_moves_and_leaves_previous() -> None:
    stages = {"AWSCURRENT": "v1"}
    stages = labels.attach(stages, "v2", ["AWSCURRENT"])
    assert stages == {"AWSCURRENT": "v2", "AWSPREVIOUS": "v1"}
    stages = labels.attach(stages, "v3", ["AWSCURRENT"])
    assert stages == {"AWSCURRENT": "v3", "AWSPREVIOUS": "v2"}


def test_custom_labels_leave_current_alone() -> None:
    stages = labels.attach({"AWSCURRENT": "v1"}, "v2", ["MyLabel"])
    assert stages == {"AWSCURRENT": "v1", "MyLabel": "v2"}


def test_moving_current_to_itself_keeps_previous() -> None:
    stages = {"AWSCURRENT": "v2", "AWSPREVIOUS": "v1"}
    assert labels.attach(stages, "v2", ["AWSCURRENT"]) == stages


def test_grouping_by_version() -> None:
    grouped = labels.by_version({"AWSCURRENT": "v2", "AWSPENDING": "v2", "AWSPREVIOUS": "v1"})
    assert grouped == {"v2": ["AWSCURRENT", "AWSPENDING"], "v1": ["AWSPREVIOUS"]}


def test_prunes_only_old_unlabelled_versions_beyond_100() -> None:
    day = 86400.0
    now = 1000 * day
    versions = [(f"v{i}", now - 10 * day) for i in range(101)] + [("fresh", now - 60)]
    stages = {"AWSCURRENT": "v100", "AWSPREVIOUS": "v0"}
    assert labels.deprecated_to_prune(versions, stages, now) == ["v1", "v2"]


def test_never_prunes_versions_younger_than_a_day() -> None:
    now = 1_000_000.0
    versions = [(f"v{i}", now - 3600) for i in range(150)]
    assert labels.deprecated_to_prune(versions, {"AWSCURRENT": "v149"}, now) == []
