"""Client spaces: adding users by e-mail address, invitations, removing access.

Every change writes its outbox rows (Notification) in the same transaction;
the caller enqueues the returned ids with `app.jobs.enqueue_notifications`
once the transaction has committed.
"""

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from peewee import IntegrityError

from app.database import database
from app.models import (
    Client,
    Lab,
    LabMembership,
    Notification,
    NotificationKind,
    NotificationStatus,
    SpaceAccess,
    SpaceStatus,
    User,
)
from app.services.accounts import normalize_email, set_password

log = logging.getLogger("labolien.spaces")


class SpaceError(Exception):
    """A change to a space's users that cannot be made, with the French message to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SpaceChange:
    """The outcome of a change to a space's users, for the view's message and the queue."""

    access: SpaceAccess
    notification_id: int | None
    created_user: bool = False


def space_users(client_id: int) -> list[SpaceAccess]:
    """Return the accesses to one client space with their users, by e-mail address."""
    return list(
        SpaceAccess.select(SpaceAccess, User)
        .join(User, on=(SpaceAccess.user == User.id))
        .where(SpaceAccess.client == client_id)
        .order_by(User.email)
    )


def find_access(client_id: int, access_id: int) -> SpaceAccess | None:
    """Return one access to a client space, user loaded, or None."""
    return (
        SpaceAccess.select(SpaceAccess, User)
        .join(User, on=(SpaceAccess.user == User.id))
        .where(SpaceAccess.id == access_id, SpaceAccess.client == client_id)
        .first()
    )


def _write_notification(kind: str, user_id: int, lab_id: int, client_id: int) -> int:
    return Notification.insert(kind=kind, user=user_id, lab=lab_id, client=client_id).execute()


def add_user_to_space(lab_id: int, client_id: int, email: str, invited_by_id: int) -> SpaceChange:
    """Give an e-mail address access to a client space and write the e-mail announcing it.

    A known address joins the space: active with a SPACE_ADDED e-mail when
    the user has a password, invited with a new INVITATION e-mail otherwise.
    A new address gets a user without password, an invited access and an
    INVITATION e-mail. Raises SpaceError when the address already has access
    or belongs to a deactivated account.
    """
    email = normalize_email(email)
    if not email:
        raise SpaceError(_("Saisissez l’adresse e-mail de l’utilisateur."))

    try:
        with database.atomic():
            change = _add_user(lab_id, client_id, email, invited_by_id)
    except IntegrityError:
        # Another request created the same user or access between our reads and writes.
        log.warning("space user not added: concurrent insert on client %s", client_id)
        raise SpaceError(_("Cette adresse a déjà accès à cet espace.")) from None

    log.info(
        "user %s added to space %s by user %s (%s)",
        change.access.user_id,
        client_id,
        invited_by_id,
        change.access.status,
    )
    return change


def _add_user(lab_id: int, client_id: int, email: str, invited_by_id: int) -> SpaceChange:
    user = User.get_or_none(User.email == email)
    created = user is None
    if created:
        user = User.create(email=email, password_hash=None)
    elif not user.is_active:
        raise SpaceError(
            _("Le compte de cette adresse est désactivé : il ne peut pas recevoir d’accès.")
        )
    elif (
        SpaceAccess.select()
        .where(SpaceAccess.user == user.id, SpaceAccess.client == client_id)
        .exists()
    ):
        raise SpaceError(_("Cette adresse a déjà accès à cet espace."))

    status = SpaceStatus.ACTIVE if user.has_password else SpaceStatus.INVITED
    access = SpaceAccess.create(
        user=user, client=client_id, status=status, invited_by=invited_by_id
    )
    kind = NotificationKind.SPACE_ADDED if user.has_password else NotificationKind.INVITATION
    notification_id = _write_notification(kind, user.id, lab_id, client_id)
    return SpaceChange(access=access, notification_id=notification_id, created_user=created)


def resend_invitation(lab_id: int, client_id: int, access_id: int) -> SpaceChange:
    """Write a new INVITATION e-mail for a user still invited to this space.

    Raises SpaceError when the access is gone or its user has set a password
    since, because the invitation link would no longer work.
    """
    with database.atomic():
        access = find_access(client_id, access_id)
        if access is None:
            raise SpaceError(_("Cet utilisateur n’a plus accès à cet espace."))
        if access.status != SpaceStatus.INVITED or access.user.has_password:
            raise SpaceError(
                _(
                    "%(email)s a déjà choisi son mot de passe : aucune invitation à renvoyer.",
                    email=access.user.email,
                )
            )
        notification_id = _write_notification(
            NotificationKind.INVITATION, access.user_id, lab_id, client_id
        )

    log.info("invitation to space %s sent again to user %s", client_id, access.user_id)
    return SpaceChange(access=access, notification_id=notification_id)


def remove_access(client_id: int, access_id: int) -> SpaceAccess:
    """Remove a user's access to a space and cancel its e-mails not sent yet.

    The user account stays, since it may open other spaces or labs. Raises
    SpaceError when the access is already gone.
    """
    with database.atomic():
        access = find_access(client_id, access_id)
        if access is None:
            raise SpaceError(_("Cet utilisateur n’a plus accès à cet espace."))
        access.delete_instance()
        cancelled = (
            Notification.update(status=NotificationStatus.CANCELLED)
            .where(
                Notification.user == access.user_id,
                Notification.client == client_id,
                Notification.status == NotificationStatus.PENDING,
                Notification.kind.in_([NotificationKind.INVITATION, NotificationKind.SPACE_ADDED]),
            )
            .execute()
        )

    log.info(
        "access of user %s to space %s removed, %d pending e-mail(s) cancelled",
        access.user_id,
        client_id,
        cancelled,
    )
    return access


def pending_invitations(user_id: int) -> list[SpaceAccess]:
    """Return the spaces a user is invited to and has not joined yet, client and lab loaded."""
    return list(
        SpaceAccess.select(SpaceAccess, Client, Lab)
        .join(Client)
        .join(Lab)
        .where(SpaceAccess.user == user_id, SpaceAccess.status == SpaceStatus.INVITED)
        .order_by(Lab.name, Client.name)
    )


def has_lab_membership(user_id: int) -> bool:
    """Tell whether a user works for at least one lab."""
    return LabMembership.select().where(LabMembership.user == user_id).exists()


def activate_invited_accesses(user_id: int) -> int:
    """Turn every invited access of a user into an active one; return how many changed."""
    return (
        SpaceAccess.update(status=SpaceStatus.ACTIVE)
        .where(SpaceAccess.user == user_id, SpaceAccess.status == SpaceStatus.INVITED)
        .execute()
    )


def accept_invitation(user: User, password: str, name: str | None) -> int:
    """Set an invited user's password (and name), then open their invited spaces.

    Returns the number of spaces opened. Setting the password also makes the
    invitation link stale, so it cannot be used twice.
    """
    with database.atomic():
        if name:
            user.name = name
            user.save(only=[User.name])
        set_password(user, password)
        opened = activate_invited_accesses(user.id)

    log.info("user %s accepted the invitation, %d space(s) opened", user.id, opened)
    return opened
