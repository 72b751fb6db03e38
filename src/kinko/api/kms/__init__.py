"""KMS operations (AWS JSON 1.1, target prefix TrentService): wire shapes over the
`kinko.domain.kms` services. Only symmetric encryption keys exist here."""

from __future__ import annotations

from kinko.api.context import Handler
from kinko.api.kms import aliases, crypto, keys

OPERATIONS: dict[str, Handler] = {**keys.OPERATIONS, **aliases.OPERATIONS, **crypto.OPERATIONS}
