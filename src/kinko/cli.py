"""The `kinko` command."""

from __future__ import annotations

import logging
from pathlib import Path

import click
import uvicorn

from kinko.bootstrap import PROFILE, ensure_admin
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
@click.option("--log-level", default="info", show_default=True)
def serve(
    host: str, port: int, data_dir: Path, workers: int, purge_interval: float, log_level: str
) -> None:
    """Start the server."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    settings = Settings(
        data_dir=data_dir, host=host, port=port, workers=workers, purge_interval=purge_interval
    )
    kinko = Kinko(data_dir)
    try:
        admin = ensure_admin(kinko)
    finally:
        kinko.close()
    endpoint = f"http://{host}:{port}"
    credentials = (data_dir / "credentials").resolve()
    click.echo(f"Kinko listening on {endpoint}")
    click.echo(
        f"Account {admin.account_id}; admin credentials in {credentials} (profile {PROFILE})"
    )
    click.echo(
        f"Try: AWS_SHARED_CREDENTIALS_FILE={credentials} AWS_PROFILE={PROFILE} "
        f"aws --endpoint-url {endpoint} --region us-east-1 secretsmanager list-secrets"
    )
    settings.export()
    uvicorn.run(
        "kinko.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=30,
    )
