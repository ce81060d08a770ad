"""Flask CLI commands: `flask db ...`, `flask demo ...`, `flask outbox ...`."""

import click
from flask import Flask
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Database schema commands.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply the pending schema migrations."""
    from app.services.schema import upgrade_database

    applied = upgrade_database()
    click.echo(f"{len(applied)} migration(s) applied." if applied else "Schema up to date.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(db_cli)
