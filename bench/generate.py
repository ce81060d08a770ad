"""Create the benchmark lab in bench/data/ (SQLite) and in `labolien_bench` (PostgreSQL).

Usage: .venv/bin/python bench/generate.py [--database sqlite|postgresql] [--force]

Each database is loaded with `flask demo load` and the sizes of
benchdata.DEMO_ARGS, then its rows are counted and recorded in
bench/data/dataset.json. A database is left as it is when its recorded load
matches those sizes, its counts still match and its migrations are all
applied. Any other is emptied and loaded again: the SQLite file is deleted,
the PostgreSQL database dropped and created. Only the benchmark's own file
and database are touched.
"""

import argparse
import json
import logging
import subprocess
import sys
import time

import benchdata
import psycopg2
from peewee import DatabaseError

log = logging.getLogger("labolien.bench")


def main() -> int:
    """Load every requested database that is missing or out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        choices=sorted(benchdata.DATABASE_URLS),
        action="append",
        help="database to load; repeat for both (default: both)",
    )
    parser.add_argument("--force", action="store_true", help="reload even if the data is present")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    for name in args.database or sorted(benchdata.DATABASE_URLS):
        if not args.force and is_loaded(name):
            log.info("%s: benchmark data present, not reloaded", name)
            continue
        load(name)
    return 0


def is_loaded(name: str) -> bool:
    """Tell whether the recorded load of `name` matches the sizes, the schema and the database."""
    recorded = benchdata.read_datasets().get(name)
    if not recorded or recorded.get("demo_args") != benchdata.DEMO_ARGS:
        return False
    if name == "sqlite" and not benchdata.SQLITE_PATH.exists():
        return False
    try:
        counts = count_rows(benchdata.DATABASE_URLS[name])
        pending = pending_migrations(benchdata.DATABASE_URLS[name])
    except DatabaseError as exc:
        log.info("%s: cannot read the benchmark database (%s)", name, exc)
        return False
    if pending:
        # The generator of the new schema may fill the new columns: load again.
        log.info("%s: migrations %s not applied, reloading", name, ", ".join(pending))
        return False
    return counts == recorded["counts"]


def load(name: str) -> None:
    """Empty the database `name`, load the benchmark lab into it and record the counts."""
    url = benchdata.DATABASE_URLS[name]
    reset_database(name)
    # `flask` runs as a module of this interpreter, so the venv's Flask is used.
    command = [sys.executable, "-m", *benchdata.demo_load_command()]
    log.info("%s: %s", name, " ".join(benchdata.demo_load_command()))

    started = time.monotonic()
    env = benchdata.benchmark_env(url)
    subprocess.run(command, cwd=benchdata.ROOT_DIR, env=env, check=True)  # noqa: S603
    seconds = round(time.monotonic() - started, 1)
    if name == "postgresql":
        analyze_postgresql()

    counts = count_rows(url)
    datasets = benchdata.read_datasets()
    datasets[name] = {
        "demo_args": benchdata.DEMO_ARGS,
        "counts": counts,
        "load_seconds": seconds,
        "machine": benchdata.machine_description(),
    }
    benchdata.DATASET_FILE.write_text(json.dumps(datasets, indent=2) + "\n")
    log.info("%s: loaded in %.1f s: %s", name, seconds, counts)


def reset_database(name: str) -> None:
    """Delete the SQLite file, or drop and create the PostgreSQL database."""
    benchdata.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = benchdata.SQLITE_PATH.with_name(benchdata.SQLITE_PATH.name + suffix)
            path.unlink(missing_ok=True)
        return

    connection = psycopg2.connect(f"{benchdata.POSTGRESQL_SERVER}/postgres")
    try:
        # CREATE and DROP DATABASE cannot run inside a transaction.
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{benchdata.POSTGRESQL_NAME}"')
            cursor.execute(f'CREATE DATABASE "{benchdata.POSTGRESQL_NAME}"')
    finally:
        connection.close()


def analyze_postgresql() -> None:
    """Vacuum and analyze the fresh database, as autovacuum would do soon after a bulk load.

    Without it the first minutes of measures would run on plans made
    without statistics, then change when autovacuum passes. SQLite gets no
    ANALYZE, since the app never runs one there.
    """
    connection = psycopg2.connect(benchdata.DATABASE_URLS["postgresql"])
    try:
        # VACUUM cannot run inside a transaction.
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def pending_migrations(url: str) -> list[str]:
    """Return the names of the migrations not yet applied to the database at `url`."""
    from playhouse.migrations import Runner

    from app.database import bind_database, database
    from app.services.schema import MIGRATIONS_DIR

    bind_database(url, pool_size=1)
    try:
        with database.connection_context():
            runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
            return [migration.name for migration in runner.status() if migration.applied is None]
    finally:
        database.close_all()


def count_rows(url: str) -> dict:
    """Count the benchmark lab's documents, all their lines, and the lines of its invoices."""
    from app.database import bind_database, database
    from app.models import Document, DocumentKind, DocumentLine, Lab

    bind_database(url, pool_size=1)
    try:
        with database.connection_context():
            lab = Lab.select(Lab.id).order_by(Lab.id).first()
            if lab is None:
                return {}
            lines = DocumentLine.select().join(Document).where(Document.lab == lab.id)
            return {
                "labs": Lab.select().count(),
                "documents": Document.select().where(Document.lab == lab.id).count(),
                "lines": lines.count(),
                "invoice_lines": lines.where(Document.kind == DocumentKind.INVOICE).count(),
                "invoices": Document.select()
                .where(Document.lab == lab.id, Document.kind == DocumentKind.INVOICE)
                .count(),
            }
    finally:
        database.close_all()


if __name__ == "__main__":
    sys.exit(main())
