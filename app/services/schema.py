"""Schema migrations, run with peewee's `playhouse.migrations` runner."""

import logging

from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from app.config import BASE_DIR
from app.database import database
from app.models import ALL_MODELS

log = logging.getLogger("labolien.schema")

MIGRATIONS_DIR = BASE_DIR / "migrations"


def upgrade_database() -> list[str]:
    """Apply the pending migrations and return their names."""
    runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
    applied = runner.up()
    for name in applied:
        log.info("migration applied: %s", name)
    return applied


def schema_differences():
    """Return how the database differs from the models (empty when in step)."""
    return diff_models(database.obj, ALL_MODELS)
