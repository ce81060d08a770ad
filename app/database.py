"""The database proxy and its binding to SQLite or PostgreSQL."""

import logging
from pathlib import Path

from peewee import DatabaseProxy
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

log = logging.getLogger("labolien.database")

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    # WAL lets the web process read while the worker writes.
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -32000,
}


def open_database(url: str, pool_size: int = 8):
    """Create a pooled database for a `sqlite:///path` or `postgresql://` URL.

    Both are pooled: a request borrows an open connection instead of paying
    the connection set-up, which costs far more than a list page's queries.
    """
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return PooledSqliteDatabase(
            path,
            pragmas=SQLITE_PRAGMAS,
            max_connections=pool_size,
            stale_timeout=600,
            check_same_thread=False,
        )

    if url.startswith(("postgresql://", "postgres://")):
        params = parse(url)
        return PooledPostgresqlDatabase(
            params.pop("database"), max_connections=pool_size, stale_timeout=600, **params
        )

    raise ValueError(
        f"Unsupported DATABASE_URL scheme in {url.split(':', 1)[0]!r}: "
        "use sqlite:///path or postgresql://user@host/name."
    )


def bind_database(url: str, pool_size: int = 8) -> None:
    """Point the shared proxy at the database named by `url`."""
    current = database.obj
    if current is not None:
        # Close the pooled connections of the previous binding (tests rebind).
        current.close_all()
    database.initialize(open_database(url, pool_size))
    log.info("database bound: %s", url.split("@")[-1])


def is_postgresql() -> bool:
    """Tell whether the bound database is PostgreSQL."""
    return isinstance(database.obj, PooledPostgresqlDatabase)
