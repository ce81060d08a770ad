"""The outbox of e-mails, written in the transaction that causes them."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from app.models.accounts import Lab, User
from app.models.base import BaseModel, utcnow
from app.models.directory import Client
from app.models.documents import Document
from app.models.publication import PublicationBatch


class NotificationKind:
    PUBLICATION = "publication"
    INVITATION = "invitation"
    SPACE_ADDED = "space_added"
    PASSWORD_RESET = "password_reset"


class NotificationStatus:
    PENDING = "pending"
    # Claimed by a worker. A row stuck here after a crash is claimed again.
    SENDING = "sending"
    SENT = "sent"
    # Given up after repeated SMTP errors, and kept for inspection.
    FAILED = "failed"
    # Nothing left to announce: every listed document was unpublished first.
    CANCELLED = "cancelled"


class Notification(BaseModel):
    """One e-mail to one user, sent by the worker and marked sent."""

    kind = CharField(max_length=20)
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    lab = ForeignKeyField(Lab, null=True, on_delete="CASCADE", backref="+")
    client = ForeignKeyField(Client, null=True, on_delete="CASCADE", backref="+")
    batch = ForeignKeyField(PublicationBatch, null=True, on_delete="SET NULL", backref="+")
    status = CharField(max_length=10, default=NotificationStatus.PENDING)
    attempts = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    last_error = TextField(null=True)

    class Meta:
        indexes = ((("status", "created_at"), False),)


class NotificationDocument(BaseModel):
    """A document announced by a publication e-mail (at most 100 per e-mail)."""

    notification = ForeignKeyField(Notification, backref="items", on_delete="CASCADE")
    document = ForeignKeyField(Document, on_delete="CASCADE", backref="+")

    class Meta:
        indexes = ((("notification", "document"), True),)
