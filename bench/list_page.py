"""Measure the requests per second of the lab's document list against a Flask hello world.

Usage: .venv/bin/python bench/list_page.py [--duration 10] [--repeats 3] [--database sqlite]
       [--also PATH]...

Starts, side by side and with the same gunicorn settings, bench/hello.py and
the app on each benchmark database (made by bench/generate.py), all bound to
127.0.0.1 on free ports. Logs in as the benchmark lab's admin and checks that
each measured URL returns 200 with a full page of documents. Then runs wrk
in rounds. Each round measures, for each database, hello world first and
then each page, so every ratio compares two measures taken less than a
minute apart. Prints the table, writes it as JSON under bench/results/, and stops
every server it started, also on Ctrl-C or SIGTERM.
"""

import argparse
import http.client
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import benchdata

HOST = "127.0.0.1"
# Flask-Login's "strong" session protection ties a session to the user agent,
# so the login and wrk must send the same one.
USER_AGENT = "labolien-bench"
PAGES = {
    "page 1": "/labo/documents/",
    "invoices, page 20": "/labo/documents/?kind=invoice&page=20",
}
ROWS_PER_PAGE = 50
# Minimum ratio of the list's requests per second to hello world's, set by the design.
BUDGET_RATIO = 0.20
VERDICTS = {True: "met", False: "missed", None: "no budget"}
WRK_SCRIPT = benchdata.BENCH_DIR / "count_status.lua"
LOG_DIR = benchdata.DATA_DIR / "logs"


@dataclass
class Server:
    """A gunicorn master started by this script, with the log file of its output."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class WrkResult:
    """One wrk run: requests per second, mean latency, and anything other than 200."""

    requests_per_second: float
    latency: str
    unexpected_statuses: int
    socket_errors: str


def main() -> int:
    """Start the servers, check the pages, run the interleaved rounds, print the table."""
    args = parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: install it (Debian: apt-get install -y wrk) and run again.")
    datasets = benchdata.read_datasets()
    missing = [name for name in args.database if name not in datasets]
    if missing:
        sys.exit(f"No benchmark data for {', '.join(missing)}: run bench/generate.py first.")
    # SIGTERM (from make, a CI runner...) takes the same way out as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))

    servers: list[Server] = []
    try:
        hello = start_server("hello", "hello:app", benchdata.BENCH_DIR, None, args.workers)
        servers.append(hello)
        apps = {}
        for name in args.database:
            url = benchdata.DATABASE_URLS[name]
            apps[name] = start_server(
                name, "app:create_app()", benchdata.ROOT_DIR, url, args.workers
            )
            servers.append(apps[name])
        for server in servers:
            wait_until_ready(server)

        cookies = {name: log_in(server) for name, server in apps.items()}
        for name, server in apps.items():
            for path in PAGES.values():
                check_page(server, path, cookies[name])
            for path in args.also:
                check_page(server, path, cookies[name], rows=None)

        rounds = measure(wrk, args, hello, apps, cookies)

        for name, server in apps.items():
            # The session must still be valid, or the numbers measured a redirect.
            check_page(server, PAGES["page 1"], cookies[name])
    finally:
        for server in servers:
            stop_server(server)

    results = summarize(rounds, args, datasets)
    print_table(results)
    path = benchdata.write_results("list_page", results)
    print(f"\nResults written to {path.relative_to(benchdata.ROOT_DIR)}")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unrecorded load per URL")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of measures")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--connections", type=int, default=8, help="wrk open connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--also",
        metavar="PATH",
        action="append",
        default=[],
        help="another path of the app to measure in the same rounds, for comparison; repeatable",
    )
    parser.add_argument(
        "--database",
        choices=sorted(benchdata.DATABASE_URLS),
        action="append",
        help="database to measure; repeat for both (default: both)",
    )
    args = parser.parse_args()
    args.database = args.database or sorted(benchdata.DATABASE_URLS)
    args.pages = {**PAGES, **{path: path for path in args.also}}
    return args


def free_port() -> int:
    """Return a loopback port free right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(
    name: str, app_spec: str, cwd: Path, database_url: str | None, workers: int
) -> Server:
    """Start gunicorn with sync workers on a free loopback port, its output in a log file."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = LOG_DIR / f"gunicorn-{name}.log"
    env = benchdata.benchmark_env(database_url) if database_url else None
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        app_spec,
    ]
    with log_path.open("w") as log_file:
        # The command is built here from fixed arguments, not from input.
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=cwd,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    print(f"{name}: gunicorn pid {process.pid} on {HOST}:{port}, log in {log_path}")
    return Server(name, port, process, log_path)


def wait_until_ready(server: Server, timeout: float = 60) -> None:
    """Wait until the server responds to HTTP, or exit with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"{server.name}: gunicorn exited early:\n{server.log_tail()}")
        try:
            status, _, _ = request(server, "GET", "/")
        except OSError:
            time.sleep(0.2)
            continue
        if status < 500:
            return
        time.sleep(0.2)
    sys.exit(f"{server.name}: no response after {timeout} s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    """Stop the gunicorn master (which stops its workers), killing it after 30 s."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def request(
    server: Server, method: str, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, http.client.HTTPMessage, str]:
    """Send one request without following redirects; return status, headers and text."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def log_in(server: Server) -> str:
    """Log in as the benchmark lab's admin and return the Cookie header of the session.

    The session is taken after a first visit of the list, once the app has
    stored the chosen lab in it, as a browser's would be.
    """
    email, password = benchdata.staff_login()
    jar = SimpleCookie()

    status, headers, page = request(server, "GET", "/connexion")
    for header in headers.get_all("Set-Cookie", []):
        jar.load(header)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if status != 200 or token is None:
        sys.exit(f"{server.name}: login page returned {status} without a CSRF token.")

    form = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    status, headers, _ = request(
        server,
        "POST",
        "/connexion",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)},
        form,
    )
    if status != 302:
        sys.exit(f"{server.name}: login as {email} returned {status} instead of a redirect.")
    for header in headers.get_all("Set-Cookie", []):
        jar.load(header)

    status, headers, _ = request(server, "GET", PAGES["page 1"], {"Cookie": cookie_header(jar)})
    for header in headers.get_all("Set-Cookie", []):
        jar.load(header)
    return cookie_header(jar)


def cookie_header(jar: SimpleCookie) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def check_page(server: Server, path: str, cookie: str, rows: int | None = ROWS_PER_PAGE) -> None:
    """Exit unless `path` returns 200 with `rows` document rows (None: any number)."""
    status, _, page = request(server, "GET", path, {"Cookie": cookie})
    found = page.count('<tr id="document-')
    if status != 200 or (rows is not None and found != rows):
        sys.exit(
            f"{server.name}: GET {path} returned {status} with {found} document rows; "
            f"expected 200 and {rows if rows is not None else 'any number of'} rows. "
            f"See {server.log_path}."
        )


def run_wrk(wrk: str, args, server: Server, path: str, cookie: str | None, seconds: int):
    """Load one URL with wrk for `seconds` and return what it measured."""
    command = [
        wrk,
        "--threads",
        str(args.threads),
        "--connections",
        str(args.connections),
        "--duration",
        f"{seconds}s",
        "--script",
        str(WRK_SCRIPT),
        "--header",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{server.port}{path}")
    output = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> WrkResult:
    """Read requests per second, latency and error counts from wrk's summary."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    unexpected = re.search(r"Responses other than 200: (\d+)", output)
    if rate is None or unexpected is None:
        sys.exit(f"Unexpected wrk output:\n{output}")
    latency = re.search(r"Latency\s+(\S+)", output)
    errors = re.search(r"Socket errors: (.+)", output)
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        latency=latency.group(1) if latency else "?",
        unexpected_statuses=int(unexpected.group(1)),
        socket_errors=errors.group(1) if errors else "none",
    )


def measure(wrk: str, args, hello: Server, apps: dict, cookies: dict) -> list[dict]:
    """Warm every URL up, then run the rounds; return one record per list measure."""
    for name, server in apps.items():
        run_wrk(wrk, args, hello, "/", None, args.warmup)
        for path in args.pages.values():
            run_wrk(wrk, args, server, path, cookies[name], args.warmup)

    records = []
    for round_number in range(1, args.repeats + 1):
        for name, server in apps.items():
            reference = run_wrk(wrk, args, hello, "/", None, args.duration)
            report("hello", "/", round_number, reference)
            for label, path in args.pages.items():
                result = run_wrk(wrk, args, server, path, cookies[name], args.duration)
                report(name, path, round_number, result)
                if result.unexpected_statuses or reference.unexpected_statuses:
                    sys.exit("Some responses were not 200: the measure is void.")
                records.append(
                    {
                        "round": round_number,
                        "database": name,
                        "page": label,
                        "path": path,
                        "hello_rps": reference.requests_per_second,
                        "page_rps": result.requests_per_second,
                        "ratio": result.requests_per_second / reference.requests_per_second,
                        "page_latency": result.latency,
                        "hello_latency": reference.latency,
                    }
                )
    return records


def report(name: str, path: str, round_number: int, result: WrkResult) -> None:
    print(
        f"round {round_number}  {name:<10} {path:<40} {result.requests_per_second:>9.1f} req/s  "
        f"latency {result.latency:>8}  socket errors: {result.socket_errors}",
        flush=True,
    )


def summarize(records: list[dict], args, datasets: dict) -> dict:
    """Group the records per database and page: medians and the spread of the ratio."""
    rows = []
    for name in args.database:
        for label, path in args.pages.items():
            group = [r for r in records if r["database"] == name and r["page"] == label]
            ratios = [r["ratio"] for r in group]
            rows.append(
                {
                    "database": name,
                    "page": label,
                    "path": path,
                    "hello_rps_median": statistics.median(r["hello_rps"] for r in group),
                    "page_rps_median": statistics.median(r["page_rps"] for r in group),
                    "ratio_median": statistics.median(ratios),
                    "ratio_min": min(ratios),
                    "ratio_max": max(ratios),
                    # Only the list pages have a budget; --also paths are for comparison.
                    "budget_met": statistics.median(ratios) >= BUDGET_RATIO
                    if label in PAGES
                    else None,
                }
            )
    return {
        "machine": benchdata.machine_description(),
        "code": benchdata.code_revision(),
        "settings": {
            "gunicorn": f"--workers {args.workers} --worker-class sync --bind {HOST}:<free port>",
            "wrk": f"--threads {args.threads} --connections {args.connections} "
            f"--duration {args.duration}s",
            "warmup_seconds": args.warmup,
            "repeats": args.repeats,
        },
        "datasets": {name: datasets[name]["counts"] for name in args.database},
        "rows": rows,
        "rounds": records,
    }


def print_table(results: dict) -> None:
    """Print the summary as a Markdown table, the form docs/benchmarks.md uses."""
    print()
    print(
        "| Database | Page | hello req/s | page req/s | ratio (median) | ratio min–max | Budget ≥ 20 % |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for row in results["rows"]:
        print(
            f"| {row['database']} | {row['page']} | {row['hello_rps_median']:.0f} "
            f"| {row['page_rps_median']:.0f} | {row['ratio_median']:.1%} "
            f"| {row['ratio_min']:.1%}–{row['ratio_max']:.1%} "
            f"| {VERDICTS[row['budget_met']]} |"
        )


if __name__ == "__main__":
    sys.exit(main())
