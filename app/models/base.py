"""The model base class and the field types shared by every model module."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from peewee import IntegerField, Model

from app.database import database

CENT = Decimal("0.01")


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_cents(amount: Decimal | int | str) -> int:
    """Round an amount to the cent (half up, as French invoices do) in cents."""
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int | None) -> Decimal:
    """Turn integer cents, as stored or summed by SQL, into a Decimal amount."""
    return (Decimal(cents or 0) / 100).quantize(CENT)


class MoneyField(IntegerField):
    """An amount in euros: a `Decimal` in Python, integer cents in the database.

    Integer storage keeps SUM() exact and identical on SQLite (which would
    return a float over a decimal column) and PostgreSQL. A raw aggregate
    over this column returns cents: convert it with `from_cents`.
    """

    def db_value(self, value):
        if value is None:
            return None
        return to_cents(value)

    def python_value(self, value):
        if value is None:
            return None
        return from_cents(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
