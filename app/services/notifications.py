"""Sending the outbox: claim rows, build their e-mails, send them, record the outcome.

A row goes pending -> sending (claimed) -> sent, or back to pending with
`last_error` after a failed attempt, or failed after MAX_ATTEMPTS, or
cancelled when its e-mail has nothing left to announce. Claims are atomic
UPDATEs, so two workers given the same ids send each e-mail once. A worker
that dies between the send and the `sent` mark leaves its row in `sending`.
After STALE_AFTER the sweep sends it again, so such a crash can send one
e-mail twice but never loses it.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import Message
from peewee import JOIN, PeeweeException, fn

from app.models import (
    Client,
    Document,
    Lab,
    Notification,
    NotificationDocument,
    NotificationKind,
    NotificationStatus,
    SpaceAccess,
    SpaceStatus,
    User,
    utcnow,
)
from app.services import emails
from app.services.mailer import DeliveryError, open_transport
from app.services.visibility import SpaceView, visible_documents

log = logging.getLogger("labolien.notifications")

# Defaults of the settings below; app.config may override each one.
DEFAULTS = {
    # Attempts before a row is marked failed.
    "NOTIFICATION_MAX_ATTEMPTS": 5,
    # Seconds before the first retry. Each further retry waits 4 times longer
    # (1, 4, 16, 64 minutes), so e-mails outlast an SMTP outage of about 85 minutes.
    "NOTIFICATION_RETRY_DELAY": 60,
    # Seconds after which a row still `sending` is taken for a crashed worker's.
    "NOTIFICATION_STALE_AFTER": 15 * 60,
    # Seconds a new row is left to the job enqueued with it before the sweep takes it.
    "NOTIFICATION_SWEEP_GRACE": 60,
}

# Rows the sweep takes at most per run; the next run takes the rest.
SWEEP_LIMIT = 10_000

# Ids per query, under SQLite's limit of bound variables per statement.
ID_CHUNK = 500

# Consecutive connection failures after which a job stops trying the rest.
MAX_CONNECTION_FAILURES = 3


class NotificationDeliveryError(Exception):
    """Some e-mails of a job were not sent; their rows are back to pending, or failed."""

    def __init__(self, report: "DeliveryReport"):
        super().__init__(
            f"{len(report.failed_ids)} notification(s) not sent "
            f"(ids {_preview(report.failed_ids)}); {len(report.sent_ids)} sent"
        )
        self.report = report


@dataclass
class DeliveryReport:
    """The outcome of one run over the ids it was given."""

    sent_ids: list[int] = field(default_factory=list)
    # Not sent by this run: back to pending for a retry, or failed for good.
    failed_ids: list[int] = field(default_factory=list)
    cancelled_ids: list[int] = field(default_factory=list)
    # Rows already sent, claimed elsewhere, or waiting for their retry delay.
    skipped: int = 0
    connections_opened: int = 0


@dataclass
class _Claim:
    notification_id: int
    attempts: int


def setting(name: str) -> int:
    """Return an outbox setting from app.config, or its default."""
    return int(current_app.config.get(name, DEFAULTS[name]))


def retry_delay(attempts: int) -> timedelta:
    """Return how long a row waits after its `attempts`-th failed attempt."""
    return timedelta(seconds=setting("NOTIFICATION_RETRY_DELAY") * 4 ** max(attempts - 1, 0))


def deliver(notification_ids: list[int], ignore_retry_delay: bool = False) -> DeliveryReport:
    """Claim, build and send the e-mails of these outbox rows over one SMTP connection.

    Rows not pending (or not stale in `sending`) are skipped, so running
    this twice sends nothing twice. Each row is marked sent right after its
    message leaves. The caller decides what a report with failures means.
    """
    report = DeliveryReport()
    ids = sorted(set(notification_ids))
    claims = _claim(ids, utcnow(), ignore_retry_delay, report)
    report.skipped = len(ids) - len(claims) - len(report.failed_ids)
    if not claims:
        return report

    pending = {claim.notification_id: claim for claim in claims}
    try:
        outgoing = _build_messages(pending, report)
        _send(outgoing, pending, report)
    finally:
        if pending:
            _release_unfinished(pending, report)
    return report


def _claim(ids, now: datetime, ignore_retry_delay: bool, report: DeliveryReport) -> list[_Claim]:
    """Take each due row with one guarded UPDATE: only one worker wins it."""
    max_attempts = setting("NOTIFICATION_MAX_ATTEMPTS")
    stale_before = now - timedelta(seconds=setting("NOTIFICATION_STALE_AFTER"))
    claims = []
    for chunk in _chunks(ids, ID_CHUNK):
        rows = Notification.select(
            Notification.id, Notification.status, Notification.attempts, Notification.claimed_at
        ).where(
            Notification.id.in_(chunk),
            Notification.status.in_([NotificationStatus.PENDING, NotificationStatus.SENDING]),
        )
        for row in rows:
            if not _is_due(row, now, stale_before, ignore_retry_delay):
                continue
            # The attempts count changes with every claim, so it guards the UPDATE.
            guard = (
                (Notification.id == row.id)
                & (Notification.status == row.status)
                & (Notification.attempts == row.attempts)
            )
            if row.attempts >= max_attempts:
                _give_up(row, guard, report)
                continue
            claimed = (
                Notification.update(
                    status=NotificationStatus.SENDING,
                    claimed_at=now,
                    attempts=Notification.attempts + 1,
                )
                .where(guard)
                .execute()
            )
            if claimed:
                claims.append(_Claim(row.id, row.attempts + 1))
    return claims


def _is_due(
    row: Notification, now: datetime, stale_before: datetime, ignore_retry_delay: bool
) -> bool:
    if row.status == NotificationStatus.SENDING:
        return row.claimed_at is None or row.claimed_at <= stale_before
    if ignore_retry_delay or row.claimed_at is None:
        return True
    return row.claimed_at + retry_delay(row.attempts) <= now


def _give_up(row: Notification, guard, report: DeliveryReport) -> None:
    """Mark failed a row whose worker stopped during its last allowed attempt."""
    updated = (
        Notification.update(
            status=NotificationStatus.FAILED,
            last_error="worker stopped while sending, attempts exhausted",
        )
        .where(guard)
        .execute()
    )
    if updated:
        report.failed_ids.append(row.id)
        log.error("notification %s failed: worker stopped during its last attempt", row.id)


def _build_messages(
    pending: dict[int, _Claim], report: DeliveryReport
) -> list[tuple[int, Message]]:
    """Build the message of each claimed row; cancel those with nothing left to announce."""
    notifications = _load_notifications(list(pending))
    documents = _announced_documents(notifications)
    subscribed = _subscribed_pairs(notifications)

    outgoing = []
    for notification in notifications:
        try:
            if (
                notification.kind == NotificationKind.PUBLICATION
                and (notification.user_id, notification.client_id) not in subscribed
            ):
                raise emails.NothingToSend("space access removed or alerts turned off")
            message = emails.build_message(notification, documents.get(notification.id))
        except emails.NothingToSend as exc:
            _cancel(pending.pop(notification.id), str(exc), report)
            continue
        except Exception:
            # One broken row must not hold back the others; it is retried.
            log.exception("notification %s: building the e-mail failed", notification.id)
            _record_failure(pending.pop(notification.id), "building the e-mail failed", report)
            continue
        outgoing.append((notification.id, message))

    # A row deleted since its claim (its user or space removed) has nothing to send.
    for notification_id in set(pending) - {notification.id for notification in notifications}:
        _cancel(pending.pop(notification_id), "row deleted", report)
    return outgoing


def _send(
    outgoing: list[tuple[int, Message]], pending: dict[int, _Claim], report: DeliveryReport
) -> None:
    """Send every message over one transport; record each outcome right after its send."""
    connection_failures = 0
    with open_transport() as transport:
        for notification_id, message in outgoing:
            # The claim leaves `pending` only with its outcome, so an
            # unexpected error here still releases it.
            claim = pending[notification_id]
            if connection_failures >= MAX_CONNECTION_FAILURES:
                pending.pop(notification_id)
                _record_failure(claim, "not tried: the SMTP server is unreachable", report)
                continue
            try:
                transport.send(message)
            except DeliveryError as exc:
                pending.pop(notification_id)
                connection_failures = connection_failures + 1 if exc.connection_failed else 0
                _record_failure(claim, exc.reason, report, permanent=exc.permanent)
                continue
            pending.pop(notification_id)
            connection_failures = 0
            _mark_sent(claim, report)
        report.connections_opened = getattr(transport, "connections_opened", 0)


def _mark_sent(claim: _Claim, report: DeliveryReport) -> None:
    Notification.update(status=NotificationStatus.SENT, sent_at=utcnow(), last_error=None).where(
        Notification.id == claim.notification_id,
        Notification.status == NotificationStatus.SENDING,
    ).execute()
    report.sent_ids.append(claim.notification_id)
    log.debug("notification %s sent", claim.notification_id)


def _record_failure(
    claim: _Claim, reason: str, report: DeliveryReport, permanent: bool = False
) -> None:
    """Put a claimed row back to pending with the error, or mark it failed for good."""
    gives_up = permanent or claim.attempts >= setting("NOTIFICATION_MAX_ATTEMPTS")
    status = NotificationStatus.FAILED if gives_up else NotificationStatus.PENDING
    Notification.update(status=status, last_error=reason[:500]).where(
        Notification.id == claim.notification_id,
        Notification.status == NotificationStatus.SENDING,
    ).execute()
    report.failed_ids.append(claim.notification_id)
    if gives_up:
        log.error(
            "notification %s failed after %s attempt(s): %s",
            claim.notification_id,
            claim.attempts,
            reason,
        )
    else:
        log.warning(
            "notification %s not sent (attempt %s, will retry): %s",
            claim.notification_id,
            claim.attempts,
            reason,
        )


def _cancel(claim: _Claim, reason: str, report: DeliveryReport) -> None:
    Notification.update(status=NotificationStatus.CANCELLED, last_error=reason).where(
        Notification.id == claim.notification_id,
        Notification.status == NotificationStatus.SENDING,
    ).execute()
    report.cancelled_ids.append(claim.notification_id)
    log.info("notification %s cancelled: %s", claim.notification_id, reason)


def _release_unfinished(pending: dict[int, _Claim], report: DeliveryReport) -> None:
    """Put back to pending the rows a run claimed but did not finish (a timeout, an error)."""
    try:
        for notification_id in list(pending):
            _record_failure(pending.pop(notification_id), "interrupted before sending", report)
    except PeeweeException:
        log.exception(
            "notifications %s left in sending; they are retried after the stale delay",
            _preview(sorted(pending)),
        )


def _load_notifications(ids: list[int]) -> list[Notification]:
    """Load outbox rows with their user, lab and client in one query per chunk."""
    notifications = []
    for chunk in _chunks(ids, ID_CHUNK):
        query = (
            Notification.select(Notification, User, Lab, Client)
            .join(User, on=(Notification.user == User.id), attr="user")
            .switch(Notification)
            .join(Lab, JOIN.LEFT_OUTER, on=(Notification.lab == Lab.id), attr="lab")
            .switch(Notification)
            .join(Client, JOIN.LEFT_OUTER, on=(Notification.client == Client.id), attr="client")
            .where(Notification.id.in_(chunk))
            .order_by(Notification.id)
        )
        notifications.extend(query)
    return notifications


def _announced_documents(
    notifications: list[Notification],
) -> dict[int, list[emails.AnnouncedDocument]]:
    """Return, per publication row, its documents that its space still shows as published.

    The visibility service decides, one query per space: documents
    unpublished since, or of a kind the space never sees, are dropped.
    """
    by_space: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        if notification.kind == NotificationKind.PUBLICATION and notification.client_id:
            by_space[notification.client_id].append(notification)

    documents: dict[int, list[emails.AnnouncedDocument]] = defaultdict(list)
    for rows in by_space.values():
        if rows[0].lab is None:
            # The publication service always sets the lab, so this row announces nothing.
            continue
        view = SpaceView(client=rows[0].client, lab=rows[0].lab, access=None)
        query = (
            visible_documents(view, NotificationDocument.notification, Document.id, Document.kind)
            .join(NotificationDocument, on=(NotificationDocument.document == Document.id))
            .where(NotificationDocument.notification.in_([row.id for row in rows]))
            .order_by(Document.id)
            .tuples()
        )
        for notification_id, document_id, kind in query:
            documents[notification_id].append(emails.AnnouncedDocument(document_id, kind))
    return documents


def _subscribed_pairs(notifications: list[Notification]) -> set[tuple[int, int]]:
    """Return the (user, space) pairs of these publication rows still active with alerts on."""
    rows = [n for n in notifications if n.kind == NotificationKind.PUBLICATION]
    if not rows:
        return set()
    query = (
        SpaceAccess.select(SpaceAccess.user, SpaceAccess.client)
        .where(
            SpaceAccess.user.in_(sorted({row.user_id for row in rows})),
            SpaceAccess.client.in_(sorted({row.client_id for row in rows if row.client_id})),
            SpaceAccess.status == SpaceStatus.ACTIVE,
            SpaceAccess.alerts_enabled == True,  # noqa: E712 (peewee expression)
        )
        .tuples()
    )
    return set(query)


def due_notification_ids(now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Return the rows the sweep should enqueue again, oldest first.

    Pending rows past the grace left to their own job, or whose retry delay
    has passed, and rows left `sending` by a worker that stopped.
    """
    now = now or utcnow()
    grace_before = now - timedelta(seconds=setting("NOTIFICATION_SWEEP_GRACE"))
    stale_before = now - timedelta(seconds=setting("NOTIFICATION_STALE_AFTER"))

    # Never tried, or tried `attempts` times and waited the matching delay.
    retry_due = Notification.claimed_at.is_null()
    for attempts in range(1, setting("NOTIFICATION_MAX_ATTEMPTS") + 1):
        retry_due |= (Notification.attempts == attempts) & (
            Notification.claimed_at <= now - retry_delay(attempts)
        )
    pending_due = (
        (Notification.status == NotificationStatus.PENDING)
        & (Notification.created_at <= grace_before)
        & retry_due
    )
    stale = (Notification.status == NotificationStatus.SENDING) & (
        Notification.claimed_at <= stale_before
    )
    query = (
        Notification.select(Notification.id)
        .where(pending_due | stale)
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
        .tuples()
    )
    return [notification_id for (notification_id,) in query]


def flushable_notification_ids() -> list[int]:
    """Return every pending row, and every row left `sending` past the stale delay."""
    stale_before = utcnow() - timedelta(seconds=setting("NOTIFICATION_STALE_AFTER"))
    query = (
        Notification.select(Notification.id)
        .where(
            (Notification.status == NotificationStatus.PENDING)
            | (
                (Notification.status == NotificationStatus.SENDING)
                & (Notification.claimed_at <= stale_before)
            )
        )
        .order_by(Notification.created_at, Notification.id)
        .tuples()
    )
    return [notification_id for (notification_id,) in query]


def flush_outbox(chunk_size: int = 200) -> DeliveryReport:
    """Send every pending row now, retry delays ignored, one SMTP connection per chunk."""
    total = DeliveryReport()
    ids = flushable_notification_ids()
    for chunk in _chunks(ids, chunk_size):
        report = deliver(chunk, ignore_retry_delay=True)
        total.sent_ids += report.sent_ids
        total.failed_ids += report.failed_ids
        total.cancelled_ids += report.cancelled_ids
        total.skipped += report.skipped
        total.connections_opened += report.connections_opened
    return total


def outbox_counts() -> dict[str, int]:
    """Count the outbox rows per status."""
    query = (
        Notification.select(Notification.status, fn.COUNT(Notification.id))
        .group_by(Notification.status)
        .tuples()
    )
    return dict(query)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _preview(ids: list[int], shown: int = 10) -> str:
    """Show the first ids of a list, for logs and error messages."""
    text = ", ".join(map(str, ids[:shown]))
    return f"{text}, ... ({len(ids)} in all)" if len(ids) > shown else text
