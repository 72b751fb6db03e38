"""botocore's constraint patterns are Java regular expressions; Python's `re` differs.

AWS's front end matches the whole value (`Matcher.matches()`), `\\w` is ASCII-only, and
classes such as `\\p{L}` (letters), `\\p{Z}` (separators), `\\p{N}` (numbers) exist. This
module compiles such a pattern into an equivalent Python one.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

_PROPERTY = re.compile(r"\\p\{([A-Z][a-z]?)\}")


@cache
def _category_ranges(category: str) -> str:
    """A character-class body (ranges, escaped) for a Unicode general category prefix."""
    ranges: list[tuple[int, int]] = []
    start = None
    for code in range(sys.maxunicode + 2):
        inside = code <= sys.maxunicode and unicodedata.category(chr(code)).startswith(category)
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append((start, code - 1))
            start = None
    return "".join(
        f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges
    )


def _translate(pattern: str) -> str:
    return _PROPERTY.sub(lambda found: _category_ranges(found.group(1)), pattern)


@cache
def compile_java(pattern: str) -> re.Pattern[str]:
    """Compile a Java pattern; use `.fullmatch` for Java's `matches()`."""
    return re.compile(_translate(pattern), re.ASCII)
