"""RQ jobs: plain functions taking ids, idempotent, each in its own connection context.

A notification job raises NotificationDeliveryError when any of its e-mails
was not sent, after putting those rows back to pending (or failed), so RQ
records the job as failed instead of reporting a success. The rows
themselves are the retry queue: the outbox sweep enqueues them again once
their retry delay has passed, and RQ's own retries are not used.
"""

import logging

from flask import current_app
from redis.exceptions import RedisError

from app.database import database
from app.queue import enqueue, get_redis
from app.services import notifications

log = logging.getLogger("labolien.jobs")

# Outbox rows per send job: each job sends its e-mails over one SMTP connection.
NOTIFICATIONS_PER_JOB = 200

# Seconds a send job may run: 200 e-mails over one SMTP connection take far less.
SEND_JOB_TIMEOUT = 600

# Seconds between two outbox sweeps, unless app.config sets OUTBOX_SWEEP_INTERVAL.
DEFAULT_SWEEP_INTERVAL = 60

SWEEP_LOCK_KEY = "labolien:outbox-sweep-lock"


def send_notifications(notification_ids: list[int]) -> int:
    """Send the pending outbox e-mails among these ids over one SMTP connection.

    Returns the number sent; raises NotificationDeliveryError if any failed.
    """
    with database.connection_context():
        report = notifications.deliver(notification_ids)

    log.info(
        "notifications: %s sent, %s not sent, %s cancelled, %s skipped, %s SMTP connection(s)",
        len(report.sent_ids),
        len(report.failed_ids),
        len(report.cancelled_ids),
        report.skipped,
        report.connections_opened,
    )
    if report.failed_ids:
        raise notifications.NotificationDeliveryError(report)
    return len(report.sent_ids)


def enqueue_notifications(notification_ids: list[int]) -> int:
    """Queue the sending of outbox rows; call after the transaction that wrote them.

    Returns the number of jobs queued. When Redis is unreachable the rows
    stay pending and the worker's outbox sweep sends them later.
    """
    ids = sorted(set(notification_ids))
    queued = 0
    for start in range(0, len(ids), NOTIFICATIONS_PER_JOB):
        # A job stopped by the timeout leaves its unsent rows to the sweep.
        chunk = ids[start : start + NOTIFICATIONS_PER_JOB]
        if enqueue(send_notifications, chunk, job_timeout=SEND_JOB_TIMEOUT):
            queued += 1
    return queued


def sweep_outbox() -> int:
    """Enqueue again the outbox rows whose job was lost or failed, or whose worker stopped.

    Several workers may each schedule this sweep; a short Redis lock lets
    one of them run per interval. Returns the number of rows enqueued.
    """
    if not _take_sweep_lock():
        log.debug("outbox sweep skipped: another worker swept moments ago")
        return 0
    with database.connection_context():
        ids = notifications.due_notification_ids()
    if ids:
        log.info("outbox sweep: %s notification(s) to send again", len(ids))
        enqueue_notifications(ids)
    return len(ids)


def _take_sweep_lock() -> bool:
    redis = get_redis()
    if redis is None:
        return True
    seconds = max(sweep_interval() - 5, 1)
    try:
        return bool(redis.set(SWEEP_LOCK_KEY, "1", nx=True, ex=seconds))
    except RedisError:
        log.exception("outbox sweep: Redis unreachable, sweeping without the lock")
        return True


def sweep_interval() -> int:
    """Return the seconds between two outbox sweeps."""
    return int(current_app.config.get("OUTBOX_SWEEP_INTERVAL", DEFAULT_SWEEP_INTERVAL))
