"""RQ jobs: plain functions taking ids, idempotent, each in its own connection context."""

import logging

log = logging.getLogger("labolien.jobs")


def send_notifications(notification_ids: list[int]) -> int:
    """Send the pending outbox e-mails among these ids over one SMTP connection."""
    raise NotImplementedError


def enqueue_notifications(notification_ids: list[int]) -> None:
    """Queue the sending of outbox rows; call after the transaction that wrote them."""
    raise NotImplementedError
