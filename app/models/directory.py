"""The lab's client directory and who may open each client space."""

import unicodedata

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

# Letters that Unicode decomposition keeps whole, spelled the way people type them.
_TYPED_FORMS = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "‘": "'"})


def fold_text(value: str | None) -> str:
    """Return text lowercased, without accents and with single spaces, for search and sorting.

    « Cabinet du Dr Jérôme CŒUR » becomes « cabinet du dr jerome coeur »: NFKD
    splits each accented letter into its base letter and combining marks,
    which are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_TYPED_FORMS).split())


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
    # Folded copies that `save()` derives from the fields above. The directory
    # search matches `search_text` (code, name, postal code, city, e-mail) and
    # sorts by `sort_name`, so « ecully » finds « Écully » on every database.
    # A bulk Client.insert() or Client.update() bypasses `save()` and must set them.
    search_text = TextField(default="")
    sort_name = TextField(default="")

    class Meta:
        indexes = (
            (("lab", "code"), True),
            (("lab", "name"), False),
            (("lab", "sort_name"), False),
        )

    # The fields that `search_text` and `sort_name` are built from.
    SEARCHED_FIELDS = ("code", "name", "postal_code", "city", "email")

    def save(self, force_insert=False, only=None):
        """Save the client, refreshing its search and sort columns when their sources changed."""
        is_new = force_insert or self._pk is None
        if is_new or self._dirty.intersection(self.SEARCHED_FIELDS):
            values = self._searched_values(is_new)
            self.search_text = fold_text(" ".join(values[name] for name in self.SEARCHED_FIELDS))
            self.sort_name = fold_text(values["name"])
            if only is not None:
                only = [*only, Client.search_text, Client.sort_name]
        return super().save(force_insert=force_insert, only=only)

    def _searched_values(self, is_new: bool) -> dict[str, str]:
        """Return the searched fields' values, reading those a partial select left out."""
        missing = [name for name in self.SEARCHED_FIELDS if name not in self.__data__]
        stored = {}
        if missing and not is_new:
            columns = [getattr(Client, name) for name in missing]
            stored = Client.select(*columns).where(Client.id == self._pk).dicts().first() or {}
        return {
            name: self.__data__.get(name, stored.get(name)) or "" for name in self.SEARCHED_FIELDS
        }

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
