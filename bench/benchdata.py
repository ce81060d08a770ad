"""Shared settings of the benchmarks: the data set's sizes and place, the machine's description.

The scripts in bench/ import this module by name, since Python puts the
script's folder first on sys.path.
"""

import json
import os
import platform
import secrets
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
# The app's instance folder for every benchmark process, away from the development one.
INSTANCE_DIR = DATA_DIR / "instance"
# Counts and sizes of each completed load, keyed by database name.
DATASET_FILE = DATA_DIR / "dataset.json"

SQLITE_PATH = DATA_DIR / "labolien_bench.sqlite3"
POSTGRESQL_NAME = "labolien_bench"
# Loopback only, postgres user with trust authentication.
POSTGRESQL_SERVER = "postgresql://postgres@127.0.0.1:5432"

DATABASE_URLS = {
    "sqlite": f"sqlite:///{SQLITE_PATH}",
    "postgresql": f"{POSTGRESQL_SERVER}/{POSTGRESQL_NAME}",
}

# One lab, 100 clients, 5 years: about 100,000 documents and 1,100,000 lines.
# A fixed last day and seed make the same rows on every machine and database.
DEMO_ARGS = {
    "labs": 1,
    "clients": 100,
    "years": 5,
    "documents": 200,
    "lines": 8,
    "seed": 2024,
    "today": "2026-11-30",
}


def demo_load_command() -> list[str]:
    """Return the `flask demo load` arguments that create the benchmark lab."""
    command = ["flask", "--app", "app", "demo", "load"]
    for name, value in DEMO_ARGS.items():
        command += [f"--{name}", str(value)]
    return command + ["--bulk"]


def read_datasets() -> dict:
    """Return the recorded loads, {} when none completed yet."""
    if not DATASET_FILE.exists():
        return {}
    return json.loads(DATASET_FILE.read_text())


def staff_login() -> tuple[str, str]:
    """Return the e-mail address and password of the benchmark lab's admin."""
    from app.services.demo import DEMO_PASSWORD, demo_logins

    # The first login of the list is the first lab's admin.
    return demo_logins(labs=1)[0][1], DEMO_PASSWORD


def benchmark_env(database_url: str) -> dict:
    """Return the environment of an app process that serves the benchmark database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        LABOLIEN_INSTANCE_DIR=str(INSTANCE_DIR),
        # Set here, so that all the workers of one server sign sessions with the same key.
        SECRET_KEY=secrets.token_hex(32),
        LOG_LEVEL="WARNING",
    )
    # The pages measured do not use the queue; no Redis is started or reached.
    env.pop("REDIS_URL", None)
    env.pop("MAIL_SERVER", None)
    return env


def machine_description() -> dict:
    """Describe the machine and the software versions the numbers were measured with."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": round(_ram_bytes() / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgresql_version(),
        "kernel": platform.release(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _postgresql_version() -> str:
    import psycopg2

    try:
        connection = psycopg2.connect(f"{POSTGRESQL_SERVER}/postgres", connect_timeout=10)
    except psycopg2.OperationalError:
        return "unreachable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def code_revision() -> str:
    """Return the git commit measured, marked « + uncommitted changes » when the tree differs."""
    # Read-only git commands, with fixed arguments.
    run = {"cwd": ROOT_DIR, "capture_output": True, "text": True, "timeout": 10}
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=True, **run)  # noqa: S607
        status = subprocess.run(["git", "status", "--porcelain"], check=True, **run)  # noqa: S607
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    dirty = " + uncommitted changes" if status.stdout.strip() else ""
    return head.stdout.strip() + dirty


def write_results(name: str, results: dict) -> Path:
    """Write a benchmark's results as JSON under bench/results/ and return the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # One file per run: several runs a day must not overwrite each other.
    path = RESULTS_DIR / f"{name}-{datetime.now(UTC):%Y-%m-%dT%H%M%S}Z.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path
