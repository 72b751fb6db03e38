"""The `kinko` command."""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import click
import uvicorn

from kinko.bootstrap import PROFILE, create_account, ensure_admin
from kinko.regions import partition_of
from kinko.runtime import Kinko
from kinko.settings import DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, Settings


@click.group()
def main() -> None:
    """Kinko: AWS Secrets Manager, self-hosted, with real multi-region replication."""


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="TCP port.")
@click.option(
    "--data-dir",
    default=str(DEFAULT_DATA_DIR),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the root key, the databases and the credentials file live.",
)
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option(
    "--purge-interval",
    default=60.0,
    show_default=True,
    type=float,
    help="Seconds between sweeps that remove secrets whose recovery window ended.",
)
@click.option(
    "--regions",
    default="",
    help="Comma-separated regions this node serves (default: every region).",
)
@click.option(
    "--peer",
    "peers",
    multiple=True,
    metavar="REGION=URL",
    help="The node serving REGION (repeatable), e.g. eu-west-3=https://kinko-eu:5465.",
)
@click.option(
    "--cluster-secret",
    envvar="KINKO_CLUSTER_SECRET",
    default=None,
    help="Secret shared by the nodes of a cluster; signs replication between them.",
)
@click.option(
    "--peer-ca-file",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="CA bundle to verify peers' HTTPS certificates (default: the system's).",
)
@click.option(
    "--tls-cert",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="Serve HTTPS with this certificate (PEM).",
)
@click.option(
    "--tls-key",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="The private key of --tls-cert (PEM).",
)
@click.option("--log-level", default="info", show_default=True)
def serve(
    host: str,
    port: int,
    data_dir: Path,
    workers: int,
    purge_interval: float,
    regions: str,
    peers: tuple[str, ...],
    cluster_secret: str | None,
    peer_ca_file: str | None,
    tls_cert: str | None,
    tls_key: str | None,
    log_level: str,
) -> None:
    """Start the server."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    settings = Settings(
        data_dir=data_dir,
        host=host,
        port=port,
        workers=workers,
        purge_interval=purge_interval,
        regions=_regions(regions),
        peers=_peers(peers),
        cluster_secret=cluster_secret,
        peer_ca_file=peer_ca_file,
        log_level=log_level,
    )
    kinko = Kinko(data_dir)
    try:
        admin = ensure_admin(kinko)
    finally:
        kinko.close()
    endpoint = f"{'https' if tls_cert else 'http'}://{host}:{port}"
    credentials = (data_dir / "credentials").resolve()
    click.echo(f"Kinko listening on {endpoint}")
    click.echo(
        f"Account {admin.account_id}; admin credentials in {credentials} (profile {PROFILE})"
    )
    click.echo(
        f"Try: AWS_SHARED_CREDENTIALS_FILE={credentials} AWS_PROFILE={PROFILE} "
        f"aws --endpoint-url {endpoint} --region us-east-1 secretsmanager list-secrets"
    )
    if settings.regions:
        click.echo(f"Serving regions: {', '.join(settings.regions)}")
    settings.export()
    if workers > 1:
        # Workers are fresh processes: they pick this up when they import the metrics.
        metrics_dir = data_dir.resolve() / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    uvicorn.run(
        "kinko.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=5,  # requests are short; idle keep-alives must not hold us
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
    )


def _regions(text: str) -> tuple[str, ...]:
    chosen = tuple(r.strip() for r in text.split(",") if r.strip())
    unknown = [r for r in chosen if partition_of(r) is None]
    if unknown:
        raise click.BadParameter(f"unknown region(s): {', '.join(unknown)}", param_hint="--regions")
    return chosen


def _peers(items: tuple[str, ...]) -> dict[str, str]:
    peers = {}
    for item in items:
        region, sep, url = item.partition("=")
        if not sep or partition_of(region) is None or not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"expected REGION=URL, got {item!r}", param_hint="--peer")
        if url.startswith("http://") and not _is_loopback(urlsplit(url).hostname or ""):
            # Replication carries secret values between nodes: off loopback, only over TLS.
            raise click.BadParameter(
                f"{url} is not on loopback: use https:// (see --tls-cert, --peer-ca-file)",
                param_hint="--peer",
            )
        peers[region] = url
    return peers


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.group()
def account() -> None:
    """Accounts of this deployment."""


@account.command("create")
@click.option(
    "--data-dir",
    default=str(DEFAULT_DATA_DIR),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The data directory of the Kinko to add the account to (it may be running).",
)
@click.option("--account-id", default=None, help="12 digits (default: random).")
def create_account_command(data_dir: Path, account_id: str | None) -> None:
    """Create another account with a root access key; prints its credentials profile."""
    if not (data_dir / "global.db").exists():
        raise click.ClickException(f"{data_dir} holds no Kinko data: start `kinko serve` once")
    kinko = Kinko(data_dir)
    try:
        created = create_account(kinko, account_id)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        kinko.close()
    click.echo(
        f"[account-{created.account_id}]\n"
        f"aws_access_key_id = {created.access_key_id}\n"
        f"aws_secret_access_key = {created.secret_access_key}"
    )
