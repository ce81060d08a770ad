"""Peewee models, one module per concept; `ALL_MODELS` in dependency order."""

from app.models.accounts import Lab, LabMembership, LabRole, User
from app.models.base import BaseModel, MoneyField, from_cents, to_cents, utcnow
from app.models.catalogue import Article, ArticleFamily
from app.models.directory import Client, ClientKind, SpaceAccess, SpaceStatus
from app.models.documents import (
    Document,
    DocumentKind,
    DocumentLine,
    DocumentSequence,
    Payment,
    PaymentMethod,
)
from app.models.notifications import (
    Notification,
    NotificationDocument,
    NotificationKind,
    NotificationStatus,
)
from app.models.publication import PublicationAction, PublicationBatch, PublicationEvent

ALL_MODELS = [
    Lab,
    User,
    LabMembership,
    Client,
    SpaceAccess,
    ArticleFamily,
    Article,
    DocumentSequence,
    Document,
    DocumentLine,
    Payment,
    PublicationBatch,
    PublicationEvent,
    Notification,
    NotificationDocument,
]

__all__ = [
    "ALL_MODELS",
    "Article",
    "ArticleFamily",
    "BaseModel",
    "Client",
    "ClientKind",
    "Document",
    "DocumentKind",
    "DocumentLine",
    "DocumentSequence",
    "Lab",
    "LabMembership",
    "LabRole",
    "MoneyField",
    "Notification",
    "NotificationDocument",
    "NotificationKind",
    "NotificationStatus",
    "Payment",
    "PaymentMethod",
    "PublicationAction",
    "PublicationBatch",
    "PublicationEvent",
    "SpaceAccess",
    "SpaceStatus",
    "User",
    "from_cents",
    "to_cents",
    "utcnow",
]
