"""The lab side's reads of its documents: the filtered, paged list, one row, one detail page.

A list row contains only the columns the list shows. They come from one
joined query, so a page costs one count and one select whatever its length.
"""

from dataclasses import dataclass
from datetime import date

from peewee import fn

from app.models import Client, Document, DocumentKind, DocumentLine, PublicationEvent
from app.services.documents import Settlement, carries_amount, invoice_settlement
from app.services.publication import publication_history
from app.web import Pagination

# The columns of one list row; `client_name` comes from the joined client.
ROW_FIELDS = (
    Document.id,
    Document.number,
    Document.kind,
    Document.issue_date,
    Document.total_excl_vat,
    Document.is_published,
    Client.name.alias("client_name"),
)


# Kinds issued at no charge: a zero total there means « no amount », not « 0,00 € ».


@dataclass(frozen=True)
class DocumentFilters:
    """The list filters; None means « all »."""

    kind: str | None = None
    client_id: int | None = None
    published: bool | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class DocumentDetail:
    """Everything the lab's detail page of one document shows."""

    document: Document
    lines: list[DocumentLine]
    history: list[PublicationEvent]
    # The invoice a credit note is applied to.
    related: Document | None = None
    # Invoices only: payments received, credit notes applied, and what remains due.
    settlement: Settlement | None = None


def _conditions(lab_id: int, filters: DocumentFilters) -> list:
    conditions = [Document.lab == lab_id]
    if filters.kind is not None:
        conditions.append(Document.kind == filters.kind)
    if filters.client_id is not None:
        conditions.append(Document.client == filters.client_id)
    if filters.published is not None:
        conditions.append(Document.is_published == filters.published)
    if filters.date_from is not None:
        conditions.append(Document.issue_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(Document.issue_date <= filters.date_to)
    return conditions


def _rows(lab_id: int):
    return Document.select(*ROW_FIELDS).join(Client).where(Document.lab == lab_id)


def _with_amount_flag(row: dict) -> dict:
    """Add `has_amount` to a list row: False for a no-charge kind with a zero total."""
    row["has_amount"] = carries_amount(row["kind"], row["total_excl_vat"])
    return row


def list_documents(
    lab_id: int, filters: DocumentFilters, page: int, per_page: int
) -> tuple[list[dict], Pagination]:
    """Return one page of a lab's documents, newest first, and where that page sits.

    A page past the end is moved to the last page, so the offset stays small
    whatever number the query string holds.
    """
    conditions = _conditions(lab_id, filters)
    # TODO: this exact count reads every matching index entry, which is a third
    # of the page's time at 100,000 documents (docs/benchmarks.md). Cap it or
    # keep per-lab counters to meet the list page's throughput budget.
    total = Document.select(fn.COUNT(Document.id)).where(*conditions).scalar()
    pagination = Pagination(page=1, per_page=per_page, total=total)
    pagination = Pagination(page=min(page, pagination.pages), per_page=per_page, total=total)

    if total == 0:
        return [], pagination
    rows = (
        Document.select(*ROW_FIELDS)
        .join(Client)
        .where(*conditions)
        .order_by(Document.issue_date.desc(), Document.id.desc())
        .paginate(pagination.page, per_page)
        .dicts()
    )
    return [_with_amount_flag(row) for row in rows], pagination


def find_row(lab_id: int, document_id: int) -> dict | None:
    """Return one document's list row, or None when the lab has no such document."""
    row = _rows(lab_id).where(Document.id == document_id).dicts().first()
    return None if row is None else _with_amount_flag(row)


def find_document(lab_id: int, document_id: int) -> Document | None:
    """Return one of the lab's documents, in any publication state, or None."""
    return Document.select().where(Document.id == document_id, Document.lab == lab_id).first()


def client_choices(lab_id: int) -> list[tuple[int, str]]:
    """Return (id, name) of the lab's clients by name, for the client filter."""
    return list(
        Client.select(Client.id, Client.name)
        .where(Client.lab == lab_id)
        .order_by(Client.name, Client.id)
        .tuples()
    )


def find_detail(lab_id: int, document_id: int) -> DocumentDetail | None:
    """Load one of the lab's documents with its lines, payments and publication history."""
    document = (
        Document.select(Document, Client)
        .join(Client)
        .where(Document.id == document_id, Document.lab == lab_id)
        .first()
    )
    if document is None:
        return None

    lines = list(
        DocumentLine.select()
        .where(DocumentLine.document == document.id)
        .order_by(DocumentLine.position)
    )
    detail = DocumentDetail(
        document=document, lines=lines, history=publication_history(document.id)
    )
    if document.related_document_id:
        detail.related = _number_of(lab_id, document.related_document_id)
    if document.kind == DocumentKind.INVOICE:
        credit_notes = list(
            Document.select(
                Document.id, Document.number, Document.issue_date, Document.total_incl_vat
            )
            .where(
                Document.lab == lab_id,
                Document.related_document == document.id,
                Document.kind == DocumentKind.CREDIT_NOTE,
            )
            .order_by(Document.issue_date, Document.id)
        )
        detail.settlement = invoice_settlement(document, credit_notes)
    return detail


def _number_of(lab_id: int, document_id: int) -> Document | None:
    return (
        Document.select(Document.id, Document.number, Document.kind)
        .where(Document.id == document_id, Document.lab == lab_id)
        .first()
    )
