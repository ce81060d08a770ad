"""The content of outbox e-mails: subject, text and HTML parts, and their links.

A publication e-mail names the lab, the space, the count and the kinds of
the documents, and links to them. It never contains an amount, a price, a
patient reference or anything from a document's content or lines. Links are
absolute, built on PUBLIC_URL, since the worker runs outside any request.
"""

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, format_timedelta, ngettext
from flask_babel import gettext as _
from flask_mail import Message

from app.labels import count_of_kind
from app.models import DocumentKind, Notification, NotificationKind, User
from app.services.accounts import TokenPurpose, make_account_token, make_link_token

log = logging.getLogger("labolien.emails")

# Marks the messages as automatic (RFC 3834), so that out-of-office
# replies are not sent back, neither to the lab (Reply-To) nor to the sender.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated"}


class NothingToSend(Exception):
    """An outbox row whose e-mail has lost its purpose; the message gives the reason."""


@dataclass
class EmailContent:
    """The content of one kind of e-mail: its subject, its templates' name and their context."""

    subject: str
    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AnnouncedDocument:
    """A document a publication e-mail may still announce: only its id and kind."""

    id: int
    kind: str


def build_message(
    notification: Notification, documents: list[AnnouncedDocument] | None = None
) -> Message:
    """Build the e-mail of one outbox row, in the recipient's language.

    `notification` comes with its user, lab and client loaded; `documents`
    are those of a publication that this space still shows as published.
    Raises NothingToSend when the e-mail has lost its purpose.
    """
    user = notification.user
    if not user.is_active:
        raise NothingToSend("user deactivated")

    # Replies go to the lab's contact address when it has one, and the footer
    # then invites them. Without one, the footer says not to reply.
    reply_to = (notification.lab.email if notification.lab else None) or None
    with force_locale(_locale_of(user)):
        content = BUILDERS[notification.kind](notification, documents or [])
        context = {
            "subject": content.subject,
            "greeting": _greeting(user),
            "lab": notification.lab,
            "client": notification.client,
            "replies_reach_lab": reply_to is not None,
            **content.context,
        }
        html = render_template(f"emails/{content.template}.html", **context)
        text = render_template(f"emails/{content.template}.txt", **context)

    return Message(
        subject=content.subject,
        recipients=[_recipient(user)],
        body=text,
        html=html,
        reply_to=reply_to,
        extra_headers=dict(AUTOMATIC_HEADERS),
    )


def _publication(notification: Notification, documents: list[AnnouncedDocument]) -> EmailContent:
    if not documents:
        raise NothingToSend("every announced document was unpublished or is hidden")

    kind_counts = Counter(document.kind for document in documents)
    link = public_url(
        "links.follow",
        token=make_link_token(
            notification_link_payload(
                notification.client_id, [d.id for d in documents], notification.id
            ),
            TokenPurpose.NOTIFICATION,
        ),
    )
    single = len(documents) == 1
    return EmailContent(
        subject=_(
            "%(lab)s a publié %(documents)s",
            lab=_one_line(notification.lab.name),
            documents=count_documents(kind_counts),
        ),
        template="publication",
        context={
            "summary": describe_documents(kind_counts),
            "link": link,
            "button_label": _("Voir le document") if single else _("Voir les documents"),
            "validity": _duration(current_app.config["NOTIFICATION_LINK_MAX_AGE"]),
            "account_url": public_url("account.index"),
        },
    )


def _invitation(notification: Notification, documents) -> EmailContent:
    token = make_account_token(notification.user, TokenPurpose.INVITATION)
    lab = notification.lab
    subject = (
        _("%(lab)s vous invite sur Labolien", lab=_one_line(lab.name))
        if lab
        else _("Votre invitation sur Labolien")
    )
    return EmailContent(
        subject=subject,
        template="invitation",
        context={
            "link": public_url("auth.accept_invitation", token=token),
            "validity": _duration(current_app.config["INVITATION_MAX_AGE"]),
        },
    )


def _space_added(notification: Notification, documents) -> EmailContent:
    client = notification.client
    if client is None:
        raise NothingToSend("no client space on the row")
    return EmailContent(
        subject=_("Nouvel espace client sur Labolien : %(client)s", client=_one_line(client.name)),
        template="space_added",
        context={"link": public_url("space.documents", client_id=client.id)},
    )


def _password_reset(notification: Notification, documents) -> EmailContent:
    token = make_account_token(notification.user, TokenPurpose.PASSWORD_RESET)
    return EmailContent(
        subject=_("Réinitialisation de votre mot de passe Labolien"),
        template="password_reset",
        context={
            "link": public_url("auth.reset_password", token=token),
            "validity": _duration(current_app.config["PASSWORD_RESET_MAX_AGE"]),
        },
    )


BUILDERS = {
    NotificationKind.PUBLICATION: _publication,
    NotificationKind.INVITATION: _invitation,
    NotificationKind.SPACE_ADDED: _space_added,
    NotificationKind.PASSWORD_RESET: _password_reset,
}


def count_documents(kind_counts: Mapping[str, int]) -> str:
    """Phrase the number of documents: « 2 bons de livraison », or « 3 documents » for mixed kinds."""
    if len(kind_counts) == 1:
        [(kind, count)] = kind_counts.items()
        return count_of_kind(kind, count)
    total = sum(kind_counts.values())
    return ngettext("%(num)d document", "%(num)d documents", total)


def describe_documents(kind_counts: Mapping[str, int]) -> str:
    """Phrase the documents by kind: « 1 bon de livraison », « 3 documents : 2 bons de livraison, 1 facture »."""
    if len(kind_counts) == 1:
        return count_documents(kind_counts)
    order = {kind: position for position, kind in enumerate(DocumentKind.ALL)}
    ranked = sorted(kind_counts.items(), key=lambda item: (-item[1], order.get(item[0], 99)))
    details = ", ".join(count_of_kind(kind, count) for kind, count in ranked)
    # A no-break space before the colon, as French typography wants.
    return _("%(total)s\u00a0: %(details)s", total=count_documents(kind_counts), details=details)


def notification_link_payload(
    client_id: int, document_ids: list[int], notification_id: int
) -> dict:
    """Return what a notification link signs: the one document, or the e-mail's list."""
    if len(document_ids) == 1:
        return {"c": client_id, "d": document_ids[0]}
    return {"c": client_id, "n": notification_id}


def notification_link_target(payload: object) -> tuple[str, dict] | None:
    """Return the endpoint and arguments a signed notification link leads to, or None."""
    if not isinstance(payload, dict) or not _is_id(payload.get("c")):
        return None
    if _is_id(payload.get("d")):
        return "space.document", {"client_id": payload["c"], "document_id": payload["d"]}
    if _is_id(payload.get("n")):
        return "space.notification", {"client_id": payload["c"], "notification_id": payload["n"]}
    return None


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def public_url(endpoint: str, **values) -> str:
    """Build an absolute URL on PUBLIC_URL, with or without a request."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def _locale_of(user: User) -> str:
    languages = current_app.config.get("LANGUAGES", ("fr",))
    return user.locale if user.locale in languages else "fr"


def _greeting(user: User) -> str:
    name = _one_line(user.name or "")
    return _("Bonjour %(name)s,", name=name) if name else _("Bonjour,")


def _recipient(user: User) -> str | tuple[str, str]:
    name = _one_line(user.name or "")
    return (name, user.email) if name else user.email


def _one_line(text: str) -> str:
    """Collapse whitespace, so that a name cannot break a header."""
    return " ".join(text.split())


def _duration(seconds: int) -> str:
    return format_timedelta(timedelta(seconds=seconds), threshold=1)
