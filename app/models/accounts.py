"""Labs, the people who log in, and which lab each staff member works for."""

import hashlib

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from app.models.base import BaseModel, utcnow


class Lab(BaseModel):
    """A dental prosthesis laboratory, the issuer of every document."""

    name = CharField(max_length=200)
    legal_name = CharField(max_length=200)
    siret = CharField(max_length=14)
    vat_number = CharField(max_length=20, null=True)
    address = CharField(max_length=300)
    postal_code = CharField(max_length=10)
    city = CharField(max_length=100)
    phone = CharField(max_length=30, null=True)
    email = CharField(max_length=254, null=True)
    # Whether client spaces show the lab's price list.
    shows_prices = BooleanField(default=False)
    # Bank details and other mentions printed at the foot of invoices.
    invoice_footer = TextField(null=True)
    created_at = DateTimeField(default=utcnow)


class User(UserMixin, BaseModel):
    """One login: an e-mail address, for lab staff and client users alike."""

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=200, default="")
    # Empty until the invitation link has been used to set a password.
    password_hash = CharField(max_length=255, null=True)
    locale = CharField(max_length=5, null=True)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def password_fingerprint(self) -> str:
        """A short digest of the password hash; it changes with the password."""
        return hashlib.sha256((self.password_hash or "none").encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """Return the session's user id: the id and the password fingerprint.

        A session opened before a password change no longer matches, so
        changing or resetting the password ends every other session.
        """
        return f"{self.id}:{self.password_fingerprint}"

    @property
    def display_name(self) -> str:
        return self.name or self.email


class LabRole:
    ADMIN = "admin"
    STAFF = "staff"
    ALL = (ADMIN, STAFF)


class LabMembership(BaseModel):
    """A staff member's place in a lab, with a role."""

    user = ForeignKeyField(User, backref="lab_memberships", on_delete="CASCADE")
    lab = ForeignKeyField(Lab, backref="memberships", on_delete="CASCADE")
    role = CharField(max_length=20, default=LabRole.STAFF)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "lab"), True),)
