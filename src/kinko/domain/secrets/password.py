"""GetRandomPassword."""

from __future__ import annotations

import secrets as random
import string

from kinko.errors import invalid_parameter

PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def random_password(
    length: int = 32,
    exclude_characters: str = "",
    exclude_numbers: bool = False,
    exclude_punctuation: bool = False,
    exclude_uppercase: bool = False,
    exclude_lowercase: bool = False,
    include_space: bool = False,
    require_each_included_type: bool = True,
) -> str:
    groups = []
    for excluded, chars in (
        (exclude_lowercase, string.ascii_lowercase),
        (exclude_uppercase, string.ascii_uppercase),
        (exclude_numbers, string.digits),
        (exclude_punctuation, PUNCTUATION),
    ):
        if not excluded:
            usable = "".join(c for c in chars if c not in exclude_characters)
            if usable:
                groups.append(usable)
    if not groups:
        raise invalid_parameter(
            "The password cannot be generated because every character type is excluded."
        )
    if require_each_included_type and length < len(groups):
        raise invalid_parameter(
            f"The password length {length} is too short to include one character "
            f"of each of the {len(groups)} included types."
        )
    alphabet = "".join(groups) + (" " if include_space and " " not in exclude_characters else "")
    while True:
        password = "".join(random.choice(alphabet) for _ in range(length))
        if not require_each_included_type or all(
            any(c in group for c in password) for group in groups
        ):
            return password
