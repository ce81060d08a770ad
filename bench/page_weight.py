"""Weigh, in exact bytes, the lab's document list page, its static files and three htmx swaps.

Usage: .venv/bin/python bench/page_weight.py

Works on a copy of the SQLite benchmark database (made by bench/generate.py)
in a temporary folder, because publishing, withdrawing and the alert toggle
write to the database. The copy is deleted at the end. Drives the app
through Flask's test client with CSRF on, as a browser would. It logs in as
the benchmark lab's admin and fetches the document list and every stylesheet
and script it links. It publishes one document of the page, opens its
withdrawal form and withdraws it. Then it logs in as a dentist and turns the
alerts of one space off and on. Each body is compressed with gzip level 6,
the level the app itself uses (COMPRESS_LEVEL in app/config.py). HTTP
headers are not counted.
"""

import gzip
import re
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import benchdata

from app import create_app

LIST_PATH = "/labo/documents/"
FILTERED_PATH = "/labo/documents/?kind=invoice&page=20"
# Budgets of the design, in bytes (1 KB = 1,000 bytes here, the stricter reading).
FIRST_LOAD_BUDGET = 30_000
CACHED_BUDGET = 8_000
SWAP_BUDGET = 2_000


def main() -> int:
    """Weigh everything on a throwaway copy of the SQLite benchmark database."""
    if not benchdata.SQLITE_PATH.exists():
        sys.exit("No SQLite benchmark database: run bench/generate.py first.")

    with tempfile.TemporaryDirectory(prefix="labolien-weight-") as folder:
        copy = Path(folder) / "labolien.sqlite3"
        copy_database(benchdata.SQLITE_PATH, copy)
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{copy}",
                "SECRET_KEY": "page-weight-only",
                "INSTANCE_DIR": folder,
                "MAILBOX_DIR": str(Path(folder) / "mailbox"),
                "REDIS_URL": None,
                # Publishing without Redis logs a warning per job, which is irrelevant here.
                "LOG_LEVEL": "ERROR",
            }
        )
        weights = weigh(app)

    results = summarize(weights)
    print_tables(results)
    path = benchdata.write_results("page_weight", results)
    print(f"\nResults written to {path.relative_to(benchdata.ROOT_DIR)}")
    return 0


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database consistently, WAL included, with SQLite's backup API."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def weigh(app) -> dict[str, bytes]:
    """Return the body of every response weighed, by label."""
    client = app.test_client()
    bodies = {}

    email, password = benchdata.staff_login()
    log_in(client, email, password)
    page = get(client, LIST_PATH)
    rows = page.count(b'<tr id="document-')
    if rows != 50:
        sys.exit(f"The list page shows {rows} documents instead of 50.")
    bodies["list page 1"] = page
    bodies["list, invoices page 20"] = get(client, FILTERED_PATH)
    for url in re.findall(rb'(?:href|src)="(/static/[^"]+)"', page):
        name = url.decode().split("?")[0].removeprefix("/static/")
        bodies[f"static {name}"] = get(client, url.decode().replace("&amp;", "&"))

    token = csrf_token(page)
    document_id = re.search(rb'action="/labo/documents/(\d+)/publier"', page)
    if document_id is None:
        sys.exit("No unpublished document on the list page to publish.")
    document_id = int(document_id.group(1))
    htmx = {"HX-Request": "true", "X-CSRFToken": token}
    bodies["swap: publish"] = post(
        client, f"/labo/documents/{document_id}/publier", {"next": LIST_PATH}, htmx
    )
    bodies["swap: unpublish form"] = get(
        client, f"/labo/documents/{document_id}/depublier?next={LIST_PATH}", htmx
    )
    bodies["swap: unpublish"] = post(
        client,
        f"/labo/documents/{document_id}/depublier",
        {"next": LIST_PATH, f"document-{document_id}-comment": "Document publié par erreur."},
        htmx,
    )

    client.post("/deconnexion", headers={"X-CSRFToken": token})
    bodies.update(weigh_alerts_toggle(client))
    return bodies


def weigh_alerts_toggle(client) -> dict[str, bytes]:
    """Turn the alerts of a dentist's first space off, then on again; return both swaps."""
    from app.services.demo import DEMO_PASSWORD, demo_logins

    # The second demo login is a dentist with a space at the first lab.
    email = demo_logins(labs=1)[1][1]
    log_in(client, email, DEMO_PASSWORD)
    page = get(client, "/compte/")
    action = re.search(rb'action="(/compte/alertes/\d+)"', page)
    if action is None:
        sys.exit(f"No alert toggle on the account page of {email}.")
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf_token(page)}
    url = action.group(1).decode()
    return {
        "swap: alerts off": post(client, url, {"enabled": "0"}, htmx),
        "swap: alerts on": post(client, url, {"enabled": "1"}, htmx),
    }


def log_in(client, email: str, password: str) -> None:
    """Log in through the login form, CSRF token included; exit if it fails."""
    token = csrf_token(get(client, "/connexion"))
    response = client.post(
        "/connexion", data={"csrf_token": token, "email": email, "password": password}
    )
    if response.status_code != 302:
        sys.exit(f"Login as {email} returned {response.status_code} instead of a redirect.")


def csrf_token(page: bytes) -> str:
    """Return the CSRF token of the first form of the page."""
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    if match is None:
        sys.exit("No CSRF token found in the page.")
    return match.group(1).decode()


def get(client, url: str, headers: dict | None = None) -> bytes:
    """GET `url` and return the body; exit unless the status is 200."""
    response = client.get(url, headers=headers or {})
    if response.status_code != 200:
        sys.exit(f"GET {url} returned {response.status_code}.")
    return response.get_data()


def post(client, url: str, data: dict, headers: dict) -> bytes:
    """POST a form to `url` and return the body; exit unless the status is 200."""
    response = client.post(url, data=data, headers=headers)
    if response.status_code != 200:
        sys.exit(f"POST {url} returned {response.status_code}.")
    return response.get_data()


def gzipped_size(body: bytes) -> int:
    # mtime=0 keeps the output, hence its size, the same from run to run.
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def summarize(bodies: dict[str, bytes]) -> dict:
    """Compute raw and gzip sizes, the first-load and cached totals, and the verdicts."""
    sizes = {
        label: {"raw": len(body), "gzip": gzipped_size(body)} for label, body in bodies.items()
    }
    static_gzip = sum(size["gzip"] for label, size in sizes.items() if label.startswith("static "))
    page_gzip = sizes["list page 1"]["gzip"]
    swaps = {label: size for label, size in sizes.items() if label.startswith("swap: ")}
    return {
        "machine": benchdata.machine_description(),
        "code": benchdata.code_revision(),
        "sizes": sizes,
        "first_load_gzip": page_gzip + static_gzip,
        "cached_gzip": page_gzip,
        "budgets": {
            "first load < 30,000 bytes": page_gzip + static_gzip < FIRST_LOAD_BUDGET,
            "cached < 8,000 bytes": page_gzip < CACHED_BUDGET,
            "every swap < 2,000 bytes": all(size["gzip"] < SWAP_BUDGET for size in swaps.values()),
        },
    }


def print_tables(results: dict) -> None:
    """Print the sizes and the budgets as Markdown tables, the form docs/benchmarks.md uses."""
    print("| Response | Raw bytes | gzip -6 bytes |")
    print("|---|---:|---:|")
    for label, size in results["sizes"].items():
        print(f"| {label} | {size['raw']:,} | {size['gzip']:,} |")
    print()
    print("| Budget | Measured (gzip bytes) | Verdict |")
    print("|---|---:|---|")
    measured = {
        "first load < 30,000 bytes": results["first_load_gzip"],
        "cached < 8,000 bytes": results["cached_gzip"],
        "every swap < 2,000 bytes": max(
            size["gzip"] for label, size in results["sizes"].items() if label.startswith("swap: ")
        ),
    }
    for budget, met in results["budgets"].items():
        print(f"| {budget} | {measured[budget]:,} | {'met' if met else 'missed'} |")


if __name__ == "__main__":
    sys.exit(main())
