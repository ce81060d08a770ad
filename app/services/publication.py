"""Publishing and unpublishing documents, with their history and outbox rows.

The history events and the notification rows are written in the same
transaction as the state change, so a crash can delay an e-mail but never
lose one. The caller enqueues the send job only after the commit.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN

from app.database import database
from app.models import (
    Client,
    Document,
    Notification,
    NotificationDocument,
    NotificationKind,
    PublicationAction,
    PublicationBatch,
    PublicationEvent,
    SpaceAccess,
    SpaceStatus,
    utcnow,
)
from app.services.visibility import hidden_kinds

log = logging.getLogger("labolien.publication")

# Rows per INSERT, under SQLite's limit of bound variables per statement.
INSERT_CHUNK = 500

MAX_COMMENT_LENGTH = 1000


class PublicationError(Exception):
    """A publication request that breaks a rule; `code` names which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class PublicationResult:
    batch: PublicationBatch | None
    published_ids: list[int] = field(default_factory=list)
    notification_ids: list[int] = field(default_factory=list)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def publish_documents(
    lab_id: int, document_ids: list[int], user_id: int, max_per_email: int = 100
) -> PublicationResult:
    """Publish a lab's unpublished documents among `document_ids` in one batch.

    Ids of another lab, or of documents already published, are skipped.
    Each user with alerts on, in each space that shows a document, gets one
    notification per `max_per_email` documents of that space.
    """
    with database.atomic():
        documents = list(
            Document.select(Document.id, Document.kind, Client.id, Client.kind, Client.group)
            .join(Client)
            .where(
                Document.lab == lab_id,
                Document.id.in_(sorted(set(document_ids))),
                Document.is_published == False,  # noqa: E712 (peewee expression)
            )
            .order_by(Document.id)
        )
        if not documents:
            return PublicationResult(batch=None)

        now = utcnow()
        published_ids = [document.id for document in documents]
        batch = PublicationBatch.create(
            lab=lab_id, created_by=user_id, created_at=now, document_count=len(published_ids)
        )
        for ids in _chunks(published_ids, INSERT_CHUNK):
            Document.update(is_published=True, published_at=now).where(
                Document.id.in_(ids)
            ).execute()
        _insert_events(published_ids, PublicationAction.PUBLISHED, user_id, batch.id, None, now)
        notification_ids = _queue_notifications(lab_id, batch.id, documents, max_per_email, now)

    log.info(
        "batch %s: lab %s user %s published %s document(s), %s notification(s)",
        batch.id,
        lab_id,
        user_id,
        len(published_ids),
        len(notification_ids),
    )
    return PublicationResult(
        batch=batch, published_ids=published_ids, notification_ids=notification_ids
    )


def unpublish_document(lab_id: int, document_id: int, user_id: int, comment: str) -> Document:
    """Withdraw a published document from the client spaces, keeping the reason.

    Raises PublicationError("comment_required"), ("comment_too_long"),
    ("not_found") or ("not_published").
    """
    comment = (comment or "").strip()
    if not comment:
        raise PublicationError("comment_required")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise PublicationError("comment_too_long")

    with database.atomic():
        document = Document.get_or_none(Document.id == document_id, Document.lab == lab_id)
        if document is None:
            raise PublicationError("not_found")
        updated = (
            Document.update(is_published=False, published_at=None)
            .where(Document.id == document_id, Document.is_published == True)  # noqa: E712
            .execute()
        )
        if not updated:
            raise PublicationError("not_published")
        _insert_events(
            [document_id], PublicationAction.UNPUBLISHED, user_id, None, comment, utcnow()
        )

    log.info("document %s unpublished by user %s (lab %s)", document_id, user_id, lab_id)
    document.is_published = False
    document.published_at = None
    return document


def publication_history(document_id: int) -> list[PublicationEvent]:
    """Return a document's publish and unpublish events, newest first, authors loaded.

    An event whose author was deleted stays, with `user` None.
    """
    from app.models import User

    return list(
        PublicationEvent.select(PublicationEvent, User)
        .join(User, JOIN.LEFT_OUTER, on=(PublicationEvent.user == User.id), attr="user")
        .where(PublicationEvent.document == document_id)
        .order_by(PublicationEvent.created_at.desc(), PublicationEvent.id.desc())
    )


def _insert_events(document_ids, action, user_id, batch_id, comment, now) -> None:
    rows = [
        {
            "document": document_id,
            "action": action,
            "user": user_id,
            "batch": batch_id,
            "comment": comment,
            "created_at": now,
        }
        for document_id in document_ids
    ]
    for chunk in _chunks(rows, INSERT_CHUNK):
        PublicationEvent.insert_many(chunk).execute()


def _documents_by_space(documents: list[Document]) -> dict[int, list[int]]:
    """Group document ids by the client space that shows them (a member's group too)."""
    by_space: dict[int, list[int]] = defaultdict(list)
    for document in documents:
        client = document.client
        if document.kind not in hidden_kinds(client):
            by_space[client.id].append(document.id)
        if client.group_id:
            by_space[client.group_id].append(document.id)
    return by_space


def _queue_notifications(lab_id, batch_id, documents, max_per_email, now) -> list[int]:
    """Write one outbox row per user, space and `max_per_email` documents."""
    by_space = _documents_by_space(documents)
    accesses = (
        SpaceAccess.select(SpaceAccess.user, SpaceAccess.client)
        .where(
            SpaceAccess.client.in_(list(by_space)),
            SpaceAccess.status == SpaceStatus.ACTIVE,
            SpaceAccess.alerts_enabled == True,  # noqa: E712 (peewee expression)
        )
        .order_by(SpaceAccess.client, SpaceAccess.user)
    )

    notification_ids = []
    items = []
    for access in accesses:
        for ids in _chunks(by_space[access.client_id], max_per_email):
            notification = Notification.create(
                kind=NotificationKind.PUBLICATION,
                user=access.user_id,
                lab=lab_id,
                client=access.client_id,
                batch=batch_id,
                created_at=now,
            )
            notification_ids.append(notification.id)
            items.extend({"notification": notification.id, "document": i} for i in ids)

    for chunk in _chunks(items, INSERT_CHUNK):
        NotificationDocument.insert_many(chunk).execute()
    return notification_ids
