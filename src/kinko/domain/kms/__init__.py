"""KMS: keys of one region (customer keys and the AWS managed key aws/secretsmanager),
their material and rotation, aliases, key policies, and the cryptography on top.

`KeyService` is what other domains use (Secrets Manager encrypts through it); the
operation modules (`lifecycle`, `settings`, `aliases`, `cryptography`) serve the KMS API.
"""

from kinko.domain.kms.errors import KmsError
from kinko.domain.kms.keys import SECRETS_MANAGER_ALIAS, DataKey, KeyService, require_enabled

__all__ = ["SECRETS_MANAGER_ALIAS", "DataKey", "KeyService", "KmsError", "require_enabled"]
