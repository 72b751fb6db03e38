"""Nodes not on loopback talk HTTPS: serve with a certificate, verify peers with a CA."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import client_for, free_port, start_server
from tests.integration.replication.helpers import wait_status

SECRET = "tls-cluster-secret"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, which is also its own CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kinko-test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_replication_over_https(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    ports = {"us-east-1": free_port(), "eu-west-3": free_port()}
    nodes = {}
    try:
        for region, port in ports.items():
            other = next(r for r in ports if r != region)
            nodes[region] = start_server(
                tmp_path / region,
                "--regions", region, "--cluster-secret", SECRET,
                f"--peer={other}=https://127.0.0.1:{ports[other]}",
                "--peer-ca-file", str(cert), "--tls-cert", str(cert), "--tls-key", str(key),
                port=port, scheme="https", verify=str(cert),
            )  # fmt: skip
        primary = client_for(nodes["us-east-1"].endpoint, "us-east-1", verify=str(cert))
        primary.create_secret(
            Name="tls", SecretString="v1", AddReplicaRegions=[{"Region": "eu-west-3"}]
        )
        wait_status(primary, "tls", "eu-west-3", "InSync")
        replica = client_for(nodes["eu-west-3"].endpoint, "eu-west-3", verify=str(cert))
        assert replica.get_secret_value(SecretId="tls")["SecretString"] == "v1"
    finally:
        for node in nodes.values():
            node.stop()
