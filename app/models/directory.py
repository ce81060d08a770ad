"""The lab's client directory and who may open each client space."""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from app.models.accounts import Lab, User
from app.models.base import BaseModel, utcnow


class ClientKind:
    INDEPENDENT = "independent"
    GROUP = "group"
    GROUP_MEMBER = "group_member"
    ALL = (INDEPENDENT, GROUP, GROUP_MEMBER)


class Client(BaseModel):
    """A practice, a group of practices, or a member of such a group."""

    lab = ForeignKeyField(Lab, backref="clients", on_delete="CASCADE")
    code = CharField(max_length=20)
    name = CharField(max_length=200)
    kind = CharField(max_length=20, default=ClientKind.INDEPENDENT)
    # Set only on a group member: the group that is invoiced for it.
    group = ForeignKeyField("self", null=True, backref="members", on_delete="RESTRICT")
    email = CharField(max_length=254, null=True)
    phone = CharField(max_length=30, null=True)
    address = CharField(max_length=300, null=True)
    postal_code = CharField(max_length=10, null=True)
    city = CharField(max_length=100, null=True)
    payment_terms_days = IntegerField(default=30)
    notes = TextField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("lab", "code"), True),
            (("lab", "name"), False),
        )

    @classmethod
    def of_lab(cls, lab_id: int):
        """Return the query of the clients of one lab."""
        return cls.select().where(cls.lab == lab_id)


class SpaceStatus:
    INVITED = "invited"
    ACTIVE = "active"


class SpaceAccess(BaseModel):
    """A user's right to open one client space, with their alert choice."""

    user = ForeignKeyField(User, backref="space_accesses", on_delete="CASCADE")
    client = ForeignKeyField(Client, backref="space_accesses", on_delete="CASCADE")
    status = CharField(max_length=20, default=SpaceStatus.INVITED)
    alerts_enabled = BooleanField(default=True)
    invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "client"), True),)
