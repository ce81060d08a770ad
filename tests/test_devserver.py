"""`python -m app.devserver` (what `make run` starts), in a subprocess on a loopback port.

It runs on its own SQLite file and embedded Redis in a temporary instance
folder, even when TEST_DATABASE_URL is set, because it loads demo data.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.services.demo import DEMO_PASSWORD
from app.services.demo.data import LABS, SHARED_DENTIST

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 45
STOP_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_running(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _wait_until_gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_running(pid):
            return True
        time.sleep(0.1)
    return False


class Console:
    """Reads a child's merged stdout and stderr in a thread, keeping every line."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def pid_after(self, label: str) -> int | None:
        match = re.search(rf"{label}: pid (\d+)", self.text)
        return int(match.group(1)) if match else None


@pytest.fixture
def start_devserver(tmp_path):
    """Return a function that starts the dev server on a free port with no REDIS_URL.

    Every server started is killed at the end if the test left it running.
    """
    started = []

    def start(instance_dir: Path = tmp_path / "instance"):
        port = _free_port()
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in {"REDIS_URL", "DATABASE_URL", "MAIL_SERVER", "PUBLIC_URL", "SECRET_KEY"}
        }
        env.update(
            LABOLIEN_INSTANCE_DIR=str(instance_dir),
            HOST="127.0.0.1",
            PORT=str(port),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "app.devserver", "--demo-clients", "5", "--demo-years", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        console = Console(process.stdout)
        started.append((process, console))
        return process, console, port

    yield start
    for process, console in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        for label in ("embedded Redis started", "worker started"):
            pid = console.pid_after(label)
            if pid and _is_running(pid):
                os.kill(pid, signal.SIGKILL)


def _group_is_gone(pgid: int, timeout: float = 10) -> bool:
    """Tell whether no live process is left in a process group."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        members = [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _process_group(int(entry.name)) == pgid
        ]
        if not any(_is_running(pid) for pid in members):
            return True
        time.sleep(0.2)
    return False


def _process_group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _wait_for_login_page(process, console, port) -> int:
    url = f"http://127.0.0.1:{port}/connexion"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dev server exited with {process.returncode}:\n{console.text}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                return response.status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"no answer on {url} within {START_TIMEOUT} s:\n{console.text}")


def _wait_for_text(console, text: str, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in console.text:
            return True
        time.sleep(0.1)
    return False


def test_devserver_serves_prints_and_stops(start_devserver):
    process, console, port = start_devserver()

    status = _wait_for_login_page(process, console, port)
    assert status == 200
    assert _wait_for_text(console, "Press Ctrl-C to stop."), console.text
    redis_pid = console.pid_after("embedded Redis started")
    worker_pid = console.pid_after("worker started")
    assert redis_pid and _is_running(redis_pid), console.text
    assert worker_pid and _is_running(worker_pid), console.text
    banner = console.text
    assert LABS[0].admin.email in banner
    assert LABS[1].admin.email in banner
    assert SHARED_DENTIST.email in banner
    assert DEMO_PASSWORD in banner
    assert f"http://127.0.0.1:{port}/dev/boite-mail/" in banner

    process.send_signal(signal.SIGINT)
    returncode = process.wait(STOP_TIMEOUT)

    assert returncode == 0, console.text
    assert _wait_until_gone(worker_pid), "worker still running"
    assert _wait_until_gone(redis_pid), "embedded Redis still running"
    # The worker led a process group: its cron process must be gone too.
    assert _group_is_gone(worker_pid), "a process of the worker's group is still running"
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 1):
        pass


def test_devserver_second_start_keeps_data(start_devserver, tmp_path):
    first, first_console, first_port = start_devserver()
    _wait_for_login_page(first, first_console, first_port)
    first.send_signal(signal.SIGTERM)
    assert first.wait(STOP_TIMEOUT) == 0, first_console.text

    second, console, port = start_devserver()
    _wait_for_login_page(second, console, port)
    second.send_signal(signal.SIGTERM)
    second.wait(STOP_TIMEOUT)

    assert "database already has labs: demo data not loaded" in console.text
    assert LABS[0].admin.email in console.text
    assert (tmp_path / "instance" / "redis.rdb").exists()
