"""KMS key tags: {"TagKey", "TagValue"} pairs, at most 50, `aws:` keys reserved."""

from __future__ import annotations

from kinko.domain.kms import errors

MAX_TAGS = 50


def check_tags(tags: list[dict[str, str]]) -> None:
    keys = [tag["TagKey"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise errors.tag_error("Duplicate tag keys are not allowed in one request.")
    for key in keys:
        if key.lower().startswith("aws:"):
            raise errors.tag_error("Tags beginning with aws: are reserved")
    if len(keys) > MAX_TAGS:
        raise too_many()


def too_many() -> errors.KmsError:
    return errors.limit_exceeded(f"A KMS key can have at most {MAX_TAGS} tags.")


def merged(existing: list[dict[str, str]], added: list[dict[str, str]]) -> list[dict[str, str]]:
    """`existing` with `added` on top (a key given again takes the new value)."""
    values = {tag["TagKey"]: tag["TagValue"] for tag in existing}
    values.update({tag["TagKey"]: tag["TagValue"] for tag in added})
    if len(values) > MAX_TAGS:
        raise too_many()
    return [{"TagKey": k, "TagValue": v} for k, v in values.items()]


def without(existing: list[dict[str, str]], keys: list[str]) -> list[dict[str, str]]:
    return [tag for tag in existing if tag["TagKey"] not in keys]
