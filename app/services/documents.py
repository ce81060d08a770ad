"""Issuing documents: sequential numbers per lab and kind, totals from rounded lines."""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from app.database import database
from app.models import (
    Client,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentSequence,
    Lab,
    Payment,
    from_cents,
)
from app.models.base import CENT

log = logging.getLogger("labolien.documents")

# Kinds whose document carries a due date.
KINDS_WITH_DUE_DATE = frozenset({DocumentKind.INVOICE})


@dataclass(frozen=True)
class LineInput:
    """One line to put on a new document."""

    description: str
    quantity: int
    unit_price: Decimal
    vat_rate: int = 0
    article_id: int | None = None
    teeth: str | None = None


def carries_amount(kind: str, total: Decimal) -> bool:
    """Tell whether a document has an amount worth showing.

    False only for a kind usually issued without a price (try-in note,
    traceability certificate) whose total is zero.
    """
    return kind not in DocumentKind.WITHOUT_AMOUNT or total != 0


def line_total(quantity: int, unit_price: Decimal) -> Decimal:
    """Return quantity x unit price rounded to the cent, half up."""
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, rounding=ROUND_HALF_UP)


def line_vat(total_excl_vat: Decimal, vat_rate: int) -> Decimal:
    """Return a line's VAT, its rate in hundredths of a percent, rounded to the cent."""
    return (total_excl_vat * Decimal(vat_rate) / Decimal(10000)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def format_number(kind: str, value: int) -> str:
    """Format a document number from its kind and sequence value: « FA-000123 »."""
    return f"{DocumentKind.PREFIXES[kind]}-{value:06d}"


def next_number(lab_id: int, kind: str) -> tuple[int, str]:
    """Take the next number of a lab and kind; call inside the issuing transaction.

    The counter row is updated in place, which locks it until commit on
    PostgreSQL, so two concurrent issues cannot take the same number.
    """
    DocumentSequence.insert(lab=lab_id, kind=kind, last_value=0).on_conflict_ignore().execute()
    (
        DocumentSequence.update(last_value=DocumentSequence.last_value + 1)
        .where(DocumentSequence.lab == lab_id, DocumentSequence.kind == kind)
        .execute()
    )
    value = (
        DocumentSequence.select(DocumentSequence.last_value)
        .where(DocumentSequence.lab == lab_id, DocumentSequence.kind == kind)
        .scalar()
    )
    return value, format_number(kind, value)


def issue_document(
    lab: Lab,
    client: Client,
    kind: str,
    lines: list[LineInput],
    issue_date: date,
    *,
    patient_reference: str | None = None,
    subject: str | None = None,
    related_document: Document | None = None,
    created_by_id: int | None = None,
) -> Document:
    """Create a numbered document with its lines; totals are sums of rounded lines."""
    if kind not in DocumentKind.ALL:
        raise ValueError(f"unknown document kind {kind!r}")
    if client.lab_id != lab.id:
        raise ValueError(f"client {client.id} does not belong to lab {lab.id}")

    totals = [line_total(line.quantity, line.unit_price) for line in lines]
    vats = [line_vat(total, line.vat_rate) for total, line in zip(totals, lines, strict=True)]
    total_excl_vat = sum(totals, Decimal("0.00"))
    vat_amount = sum(vats, Decimal("0.00"))
    due_date = None
    if kind in KINDS_WITH_DUE_DATE:
        due_date = issue_date + timedelta(days=client.payment_terms_days)

    with database.atomic():
        _, number = next_number(lab.id, kind)
        document = Document.create(
            lab=lab,
            client=client,
            kind=kind,
            number=number,
            issue_date=issue_date,
            due_date=due_date,
            patient_reference=patient_reference,
            subject=subject,
            total_excl_vat=total_excl_vat,
            vat_amount=vat_amount,
            total_incl_vat=total_excl_vat + vat_amount,
            vat_exempt=all(line.vat_rate == 0 for line in lines),
            related_document=related_document,
            created_by=created_by_id,
        )
        DocumentLine.insert_many(
            [
                {
                    "document": document.id,
                    "position": position,
                    "article": line.article_id,
                    "description": line.description,
                    "teeth": line.teeth,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "vat_rate": line.vat_rate,
                    "total_excl_vat": total,
                }
                for position, (line, total) in enumerate(zip(lines, totals, strict=True), start=1)
            ]
        ).execute()
    log.info("document %s issued: lab %s client %s kind %s", document.id, lab.id, client.id, kind)
    return document


def invoice_balance(invoice: Document) -> Decimal:
    """Return what remains due: total minus payments minus credit notes applied to it."""
    paid = (
        Payment.select(fn.SUM(Payment.amount).coerce(False))
        .where(Payment.document == invoice.id)
        .scalar()
    )
    credited = (
        Document.select(fn.SUM(Document.total_incl_vat).coerce(False))
        .where(Document.related_document == invoice.id, Document.kind == DocumentKind.CREDIT_NOTE)
        .scalar()
    )
    return invoice.total_incl_vat - from_cents(paid) - from_cents(credited)


@dataclass
class Settlement:
    """The settlement state of an invoice: payments, credit notes applied and the balance due."""

    balance: Decimal
    is_overdue: bool
    payments: list[Payment] = field(default_factory=list)
    credit_notes: list[Document] = field(default_factory=list)


def invoice_settlement(
    invoice: Document, credit_notes: list[Document], today: date | None = None
) -> Settlement:
    """Gather an invoice's settlement; `credit_notes` are those the viewer may see."""
    payments = list(
        Payment.select().where(Payment.document == invoice.id).order_by(Payment.paid_on, Payment.id)
    )
    balance = invoice_balance(invoice)
    today = today or date.today()
    is_overdue = balance > 0 and invoice.due_date is not None and invoice.due_date < today
    return Settlement(balance, is_overdue, payments, credit_notes)
