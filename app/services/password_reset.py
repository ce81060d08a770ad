"""Forgotten passwords: writing the reset e-mail and setting the new password."""

import logging

from app.database import database
from app.models import Notification, NotificationKind, User
from app.services.accounts import normalize_email, set_password
from app.services.spaces import activate_invited_accesses

log = logging.getLogger("labolien.password_reset")


def request_password_reset(email: str) -> int | None:
    """Write a PASSWORD_RESET e-mail for the active user with this address.

    Returns the outbox row's id, or None when no active user has the
    address. The caller responds the same way in both cases.
    """
    user = User.get_or_none(User.email == normalize_email(email))
    if user is None or not user.is_active:
        log.info("password reset requested for an unknown or inactive address")
        return None

    notification_id = Notification.insert(
        kind=NotificationKind.PASSWORD_RESET, user=user.id
    ).execute()
    log.info("password reset requested by user %s (notification %s)", user.id, notification_id)
    return notification_id


def reset_password(user: User, password: str) -> None:
    """Set the new password chosen through a reset link.

    A user who never used their invitation also joins the spaces they were
    invited to, since following the e-mailed link proves the address is
    theirs just as the invitation would.
    """
    with database.atomic():
        set_password(user, password)
        opened = activate_invited_accesses(user.id)

    log.info("password reset by user %s, %d invited space(s) opened", user.id, opened)
