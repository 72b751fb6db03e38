"""Every operation Kinko serves, and every `kinko serve` option, is documented."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kinko.api.dispatch import HANDLERS
from tests.conftest import KINKO

ROOT = Path(__file__).resolve().parents[2]
DOCS = "\n".join(
    path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)


@pytest.mark.parametrize(
    ("service", "operation"),
    sorted((service, op) for service, ops in HANDLERS.items() for op in ops),
)
def test_operation_is_documented(service: str, operation: str) -> None:
    assert operation in DOCS, f"{service}:{operation} is served but not documented"


def test_serve_options_are_documented() -> None:
    help_text = subprocess.run(
        [KINKO, "serve", "--help"], capture_output=True, text=True, check=True
    ).stdout
    options = {word.rstrip(",") for word in help_text.split() if word.startswith("--")}
    missing = sorted(option for option in options - {"--help"} if option not in DOCS)
    assert not missing, f"undocumented options: {missing}"
