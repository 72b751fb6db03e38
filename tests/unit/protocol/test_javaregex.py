"""botocore's Java patterns, matched as AWS's front end matches them."""

from __future__ import annotations

import pytest

from kinko.protocol.javaregex import compile_java

NAME = r"[\w+=,.@-]+"
TAG = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        (NAME, "alice.o'neil", False),  # the whole value must match, not a part of it
        (NAME, "bad name", False),
        (NAME, "ålice", False),  # Java's \w is ASCII
        (NAME, "Alice_1+=,.@-", True),
        (TAG, "Équipe 7 ٣", True),  # letters, separators and numbers of any script
        (TAG, "a\u00a0b", True),  # a no-break space is a separator
        (TAG, "a!b", False),
        (TAG, "", True),
    ],
)
def test_patterns(pattern: str, value: str, matches: bool) -> None:
    assert (compile_java(pattern).fullmatch(value) is not None) is matches
