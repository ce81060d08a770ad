"""Time one page in-process and show where the time goes, with cProfile.

Usage: .venv/bin/python bench/profile_page.py [--database sqlite] [--path /labo/documents/]

Logs in as the benchmark lab's admin through Flask's test client, warms the
page up, times `--requests` GETs without the profiler (the figure to compare
with list_page.py's), then repeats them under cProfile and prints the
functions with the largest cumulative time. GET only: the benchmark data is
read, never changed. No server and no network are involved.
"""

import argparse
import cProfile
import pstats
import re
import sys
import time

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
                sys.exit(f"GET {args.path} answered {response.status_code}.")

    fetch_all()
    started = time.perf_counter()
    fetch_all()
    elapsed = time.perf_counter() - started
    print(f"{args.database} GET {args.path}: {elapsed / args.requests * 1000:.2f} ms per request")
    print("(in-process, one thread, without the profiler; gunicorn and HTTP not included)\n")

    profile = cProfile.Profile()
    profile.runcall(fetch_all)
    pstats.Stats(profile).strip_dirs().sort_stats("cumulative").print_stats(args.top)
    return 0


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
        sys.exit(f"Login as {email} answered {response.status_code} instead of a redirect.")


if __name__ == "__main__":
    sys.exit(main())
