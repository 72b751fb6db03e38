"""The cluster principal: SigV4 with a secret every node shares."""

from __future__ import annotations

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CLUSTER_ACCESS_KEY_ID = "KINKOCLUSTERNODE"
CLUSTER_SERVICE = "kinko-cluster"


def sign(url: str, region: str, body: bytes, secret: str) -> dict[str, str]:
    """Headers that make `POST url` a request from the cluster principal."""
    request = AWSRequest(
        method="POST", url=url, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials(CLUSTER_ACCESS_KEY_ID, secret), CLUSTER_SERVICE, region).add_auth(request)
    return dict(request.headers.items())
