"""Jinja filters and globals: French money and dates, labels, versioned static URLs."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from flask import Flask, url_for
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale

from app.labels import CLIENT_KIND_LABELS, DOCUMENT_KIND_LABELS, PAYMENT_METHOD_LABELS
from app.services.documents import carries_amount
from app.web import url_with_args

STATIC_DIR = Path(__file__).resolve().parent / "static"
HTMX_FILE = "htmx-2.0.11.min.js"


def money(amount: Decimal | None) -> str:
    """Format an amount the French way, « 1 234,56 € », or English in that locale."""
    if amount is None:
        return ""
    return format_currency(amount, "EUR")


def short_date(value: date | datetime | None) -> str:
    """Format a date as 05/01/2027 in French."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "short")


def short_datetime(value: datetime | None) -> str:
    """Format a UTC timestamp in the Paris time zone, minutes included."""
    if value is None:
        return ""
    return format_datetime(value, "short")


def format_vat_rate(rate: int) -> str:
    """Format a VAT rate stored in hundredths of a percent, 550 as « 5,5 % »."""
    return f"{format_decimal(Decimal(rate) / 100)}\u00a0%"


@cache
def _static_version(filename: str) -> str:
    return hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """Return a static file's URL with a content hash, so it can be cached for a year."""
    return url_for("static", filename=filename, v=_static_version(filename))


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money,
        vat_rate=format_vat_rate,
        short_date=short_date,
        short_datetime=short_datetime,
        document_kind=lambda kind: DOCUMENT_KIND_LABELS.get(kind, kind),
        client_kind=lambda kind: CLIENT_KIND_LABELS.get(kind, kind),
        payment_method=lambda method: PAYMENT_METHOD_LABELS.get(method, method),
    )
    app.context_processor(lambda: {"current_locale": str(get_locale() or "fr")})
    app.jinja_env.globals.update(
        carries_amount=carries_amount,
        static_url=static_url,
        url_with_args=url_with_args,
        HTMX_FILE=HTMX_FILE,
        DOCUMENT_KIND_LABELS=DOCUMENT_KIND_LABELS,
        CLIENT_KIND_LABELS=CLIENT_KIND_LABELS,
    )
