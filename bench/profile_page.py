"""Time one page in-process and show where the time goes, with cProfile.

Usage: .venv/bin/python bench/profile_page.py [--database sqlite] [--path /labo/documents/]

Logs in as the benchmark lab's admin through Flask's test client and warms
the page up. Then it times `--requests` GETs without the profiler, which is
the figure to compare with list_page.py's. It repeats them once while timing
each SQL statement and once under cProfile, and prints the statements and
the functions that take the most time. GET only: the benchmark data is
read, never changed. No server and no network are involved.
"""

import argparse
import cProfile
import pstats
import re
import sys
import time
from collections import defaultdict

import benchdata

from app import create_app


def main() -> int:
    """Time the page, then profile it and print the top of the profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(benchdata.DATABASE_URLS), default="sqlite")
    parser.add_argument("--path", default="/labo/documents/", help="page to request")
    parser.add_argument("--requests", type=int, default=200, help="timed requests")
    parser.add_argument("--top", type=int, default=40, help="profile lines to print")
    parser.add_argument("--htmx", action="store_true", help="send HX-Request, as htmx does")
    args = parser.parse_args()
    if args.database not in benchdata.read_datasets():
        sys.exit(f"No benchmark data for {args.database}: run bench/generate.py first.")

    app = create_app(
        {
            "DATABASE_URL": benchdata.DATABASE_URLS[args.database],
            "SECRET_KEY": "profile-only",
            "INSTANCE_DIR": str(benchdata.INSTANCE_DIR),
            "MAILBOX_DIR": str(benchdata.INSTANCE_DIR / "mailbox"),
            "REDIS_URL": None,
            "LOG_LEVEL": "WARNING",
        }
    )
    client = app.test_client()
    log_in(client)
    headers = {"HX-Request": "true"} if args.htmx else {}

    def fetch_all():
        for _ in range(args.requests):
            response = client.get(args.path, headers=headers)
            if response.status_code != 200:
                sys.exit(f"GET {args.path} returned {response.status_code}.")

    fetch_all()
    started = time.perf_counter()
    fetch_all()
    elapsed = time.perf_counter() - started
    print(f"{args.database} GET {args.path}: {elapsed / args.requests * 1000:.2f} ms per request")
    print("(in-process, one thread, without the profiler; gunicorn and HTTP not included)\n")

    print_sql_times(fetch_all, args.requests)

    profile = cProfile.Profile()
    profile.runcall(fetch_all)
    pstats.Stats(profile).strip_dirs().sort_stats("cumulative").print_stats(args.top)
    return 0


def print_sql_times(fetch_all, requests: int) -> None:
    """Run the requests again, timing every SQL statement; print the statements per request."""
    from app.database import database

    bound = database.obj
    original = bound.execute_sql
    totals: dict[str, list] = defaultdict(lambda: [0, 0.0])

    def timed_execute_sql(sql, params=None, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(sql, params, *args, **kwargs)
        finally:
            total = totals[sql]
            total[0] += 1
            total[1] += time.perf_counter() - started

    # An instance attribute shadows the method for this process only.
    bound.execute_sql = timed_execute_sql
    try:
        fetch_all()
    finally:
        del bound.execute_sql

    # psycopg2 fetches every row inside execute; sqlite3 only the first one.
    print("SQL statements per request: calls, ms inside execute_sql, slowest first:")
    for sql, (calls, seconds) in sorted(totals.items(), key=lambda item: -item[1][1]):
        print(f"  {calls / requests:4.1f}  {seconds / requests * 1000:7.3f} ms  {sql[:150]}")
    print()


def log_in(client) -> None:
    """Log in as the benchmark lab's admin through the login form."""
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        sys.exit("No CSRF token on the login page.")
    email, password = benchdata.staff_login()
    response = client.post(
        "/connexion", data={"csrf_token": token.group(1), "email": email, "password": password}
    )
    if response.status_code != 302:
        sys.exit(f"Login as {email} returned {response.status_code} instead of a redirect.")


if __name__ == "__main__":
    sys.exit(main())
