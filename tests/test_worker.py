"""The worker script and the outbox sweep that makes lost or crashed jobs only delay e-mails."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import worker
from app.jobs import SWEEP_LOCK_KEY, sweep_outbox
from app.models import Notification, NotificationKind, NotificationStatus, utcnow
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def user(app):
    return make_user("dentiste@example.test")


def make_row(user, age: timedelta = timedelta(minutes=5), **fields) -> Notification:
    """Write a password-reset outbox row created `age` ago."""
    return Notification.create(
        kind=NotificationKind.PASSWORD_RESET, user=user, created_at=utcnow() - age, **fields
    )


def queued_ids(app) -> list[int]:
    return [i for job in app.extensions["rq_queue"].get_jobs() for i in job.args[0]]


def test_sweep_enqueues_old_pending_row(app, user, run_jobs):
    row = make_row(user)

    swept = sweep_outbox()
    run_jobs()

    assert swept == 1
    assert Notification.get_by_id(row.id).status == NotificationStatus.SENT


def test_sweep_leaves_fresh_row_to_its_job(app, user):
    make_row(user, age=timedelta(seconds=5))

    assert sweep_outbox() == 0


def test_sweep_takes_stale_sending_row(app, user):
    stale = make_row(user, status=NotificationStatus.SENDING, attempts=1)
    Notification.update(claimed_at=utcnow() - timedelta(minutes=20)).where(
        Notification.id == stale.id
    ).execute()
    make_row(user, status=NotificationStatus.SENDING, attempts=1, claimed_at=utcnow())

    sweep_outbox()

    assert queued_ids(app) == [stale.id]


def test_sweep_waits_for_retry_delay(app, user):
    waiting = make_row(user, attempts=2, claimed_at=utcnow() - timedelta(minutes=3))
    due = make_row(user, attempts=2, claimed_at=utcnow() - timedelta(minutes=5))

    sweep_outbox()

    assert queued_ids(app) == [due.id]
    assert waiting.id not in queued_ids(app)


def test_sweep_ignores_finished_rows(app, user):
    for status in (
        NotificationStatus.SENT,
        NotificationStatus.FAILED,
        NotificationStatus.CANCELLED,
    ):
        make_row(user, status=status)

    assert sweep_outbox() == 0


def test_sweep_runs_once_per_interval(app, user):
    make_row(user)

    first = sweep_outbox()
    second = sweep_outbox()

    assert first == 1
    assert second == 0
    assert app.extensions["redis"].ttl(SWEEP_LOCK_KEY) > 0


def test_crashed_send_recovered_by_sweep(app, user, run_jobs):
    # A worker that claimed the row, then died before sending it.
    row = make_row(
        user,
        status=NotificationStatus.SENDING,
        attempts=1,
        claimed_at=utcnow() - timedelta(minutes=16),
    )

    sweep_outbox()
    run_jobs()

    recovered = Notification.get_by_id(row.id)
    assert recovered.status == NotificationStatus.SENT
    assert recovered.attempts == 2
    assert len(list(Path(app.config["MAILBOX_DIR"]).glob("*.eml"))) == 1


def test_cron_scheduler_enqueues_sweep(app):
    queue = app.extensions["rq_queue"]
    scheduler = worker.build_cron_scheduler(queue.connection, queue.name, 60)

    scheduler.enqueue_jobs()

    assert [job.func_name for job in queue.get_jobs()] == ["app.jobs.sweep_outbox"]


def _worker_environment(app, database_url: str, redis_url: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "REDIS_", "DATABASE_", "TEST_"))
    }
    environment.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        RQ_QUEUE_NAME=app.config["RQ_QUEUE_NAME"],
        LABOLIEN_INSTANCE_DIR=app.instance_path,
        SECRET_KEY=app.config["SECRET_KEY"],
        LOG_LEVEL="WARNING",
    )
    return environment


def test_worker_script_sends_queued_email(app, user, database_url, redis_url):
    row = make_row(user)

    completed = subprocess.run(
        [sys.executable, "worker.py", "--burst", "--no-cron"],
        cwd=ROOT,
        env=_worker_environment(app, database_url, redis_url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    assert Notification.get_by_id(row.id).status == NotificationStatus.SENT
    assert len(list(Path(app.config["MAILBOX_DIR"]).glob("*.eml"))) == 1


def test_worker_script_needs_redis(app, database_url):
    environment = _worker_environment(app, database_url, "")

    completed = subprocess.run(
        [sys.executable, "worker.py", "--burst", "--no-cron"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 1
    assert "REDIS_URL is not set" in completed.stderr
