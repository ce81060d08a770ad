"""Writers that turn planned documents into rows, in chunks, one transaction each.

`ServiceWriter` issues every document through `issue_document`, the code
path the lab's own screens use. `BulkWriter` writes the same plan with
multi-row inserts and numbers taken in memory, for the benchmark sizes
(100,000 documents and more), and leaves `DocumentSequence.last_value`
equal to the last number it used after each chunk. Both then record the
payments and the publication history the same way, without any
notification row: demo history must never send e-mails.
"""

import logging
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from app.database import database
from app.models import (
    Client,
    Document,
    DocumentLine,
    DocumentSequence,
    Lab,
    Payment,
    PublicationAction,
    PublicationBatch,
    PublicationEvent,
    utcnow,
)
from app.services.demo.activity import PlannedDocument
from app.services.documents import (
    KINDS_WITH_DUE_DATE,
    format_number,
    issue_document,
    line_total,
    line_vat,
)

log = logging.getLogger("labolien.demo")

# Rows per statement for the writes that go through peewee's query builder.
INSERT_CHUNK = 500

# Bound values per multi-row INSERT written by `_insert_rows`: under the
# 32,766 variables SQLite allows since 3.32 (RETURNING needs 3.35 anyway),
# and small enough that the statements cached by the driver stay small.
MAX_VALUES_PER_STATEMENT = 5_000


LINE_FIELDS = (
    DocumentLine.document,
    DocumentLine.position,
    DocumentLine.article,
    DocumentLine.description,
    DocumentLine.teeth,
    DocumentLine.quantity,
    DocumentLine.unit_price,
    DocumentLine.vat_rate,
    DocumentLine.total_excl_vat,
)


class DemoWriter:
    """Buffers planned documents and writes them a chunk at a time."""

    def __init__(self, lab: Lab, chunk_size: int):
        self.lab = lab
        self.chunk_size = chunk_size
        self.counts: Counter[str] = Counter()
        self._buffer: list[PlannedDocument] = []
        # Ids of invoices that a credit note still to come refers to.
        self._ids_by_key: dict[int, int] = {}

    def add(self, planned: PlannedDocument) -> None:
        if planned.related_key is not None and planned.related_key not in self._ids_by_key:
            # The invoice it refers to is still buffered: write it first to get its id.
            self.flush()
        self._buffer.append(planned)
        if len(self._buffer) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        """Write the buffered documents and what follows from them, in one transaction."""
        if not self._buffer:
            return
        with database.atomic():
            ids = self._write_documents(self._buffer)
            self._write_payments(self._buffer, ids)
            self._write_publication(self._buffer, ids)
        for planned, document_id in zip(self._buffer, ids, strict=True):
            if planned.referenced:
                self._ids_by_key[planned.key] = document_id
            if planned.related_key is not None:
                self._ids_by_key.pop(planned.related_key, None)
        log.debug("lab %s: %s document(s) written", self.lab.id, len(self._buffer))
        self._buffer = []

    def _related_id(self, planned: PlannedDocument) -> int | None:
        if planned.related_key is None:
            return None
        return self._ids_by_key[planned.related_key]

    def _write_documents(self, planned: list[PlannedDocument]) -> list[int]:
        raise NotImplementedError

    def _write_payments(self, planned: list[PlannedDocument], ids: list[int]) -> None:
        rows = [
            {
                "document": document_id,
                "paid_on": payment.paid_on,
                "amount": payment.amount,
                "method": payment.method,
                "reference": payment.reference,
            }
            for document, document_id in zip(planned, ids, strict=True)
            for payment in document.payments
        ]
        _insert_in_chunks(Payment, rows)
        self.counts["payments"] += len(rows)

    def _write_publication(self, planned: list[PlannedDocument], ids: list[int]) -> None:
        """Record publish and unpublish events, one batch per publication day, and the state.

        The rows are written directly: `publish_documents` would also queue
        notifications, which the demo history must not send.
        """
        publications_by_day = defaultdict(list)
        for document, document_id in zip(planned, ids, strict=True):
            for event in document.events:
                if event.action == PublicationAction.PUBLISHED:
                    publications_by_day[event.at.date()].append((document, document_id, event))

        # As with publish_documents, a batch's documents share its author and time.
        batches = {}
        for day, publications in sorted(publications_by_day.items()):
            author_id = publications[0][0].created_by_id
            at = min(event.at for _, _, event in publications)
            batch = PublicationBatch.create(
                lab=self.lab.id,
                created_by=author_id,
                created_at=at,
                document_count=len(publications),
            )
            batches[day] = (batch.id, author_id, at)
        self.counts["publication batches"] += len(batches)

        rows = []
        published_at = defaultdict(list)
        for document, document_id in zip(planned, ids, strict=True):
            row = None
            for event in document.events:
                row = {
                    "document": document_id,
                    "action": event.action,
                    "user": document.created_by_id,
                    "batch": None,
                    "comment": event.comment,
                    "created_at": event.at,
                }
                if event.action == PublicationAction.PUBLISHED:
                    row["batch"], row["user"], row["created_at"] = batches[event.at.date()]
                rows.append(row)
            if row is not None and row["action"] == PublicationAction.PUBLISHED:
                published_at[row["created_at"]].append(document_id)
        _insert_in_chunks(PublicationEvent, rows)
        self.counts["publication events"] += len(rows)
        self._set_published(published_at)

    def _set_published(self, published_at: dict) -> None:
        """Mark the documents published at each batch time, in few UPDATE statements."""
        for at, document_ids in published_at.items():
            for chunk in _chunks(document_ids, INSERT_CHUNK):
                Document.update(is_published=True, published_at=at).where(
                    Document.id.in_(chunk)
                ).execute()


class ServiceWriter(DemoWriter):
    """Issues each document through `issue_document`, as the lab's screens do."""

    def _write_documents(self, planned: list[PlannedDocument]) -> list[int]:
        clients = _clients_by_id([document.client.id for document in planned])
        ids = []
        for document in planned:
            related_id = self._related_id(document)
            issued = issue_document(
                self.lab,
                clients[document.client.id],
                document.kind,
                document.lines,
                document.issue_date,
                patient_reference=document.patient_reference,
                subject=document.subject,
                related_document=Document.get_by_id(related_id) if related_id else None,
                created_by_id=document.created_by_id,
            )
            ids.append(issued.id)
            self.counts[document.kind] += 1
            self.counts["lines"] += len(document.lines)
        return ids


class BulkWriter(DemoWriter):
    """Writes documents and lines with multi-row inserts, numbering them in memory.

    Numbers follow the lab's `DocumentSequence` rows, read once at the start:
    nothing else may issue documents for this lab while it writes.
    """

    def __init__(self, lab: Lab, chunk_size: int):
        super().__init__(lab, chunk_size)
        self._last_values = {
            row.kind: row.last_value
            for row in DocumentSequence.select().where(DocumentSequence.lab == lab.id)
        }

    def _write_documents(self, planned: list[PlannedDocument]) -> list[int]:
        now = utcnow()
        rows = []
        for document in planned:
            number = self._last_values.get(document.kind, 0) + 1
            self._last_values[document.kind] = number
            rows.append(self._document_row(document, format_number(document.kind, number), now))

        columns = list(rows[0])
        returned = _insert_rows(
            Document,
            [Document._meta.fields[name] for name in columns],
            [tuple(row[name] for name in columns) for row in rows],
            returning=(Document.id, Document.kind, Document.number),
        )
        ids_by_number = {(kind, number): id_ for id_, kind, number in returned}
        ids = [ids_by_number[(row["kind"], row["number"])] for row in rows]

        line_rows = []
        for document, document_id in zip(planned, ids, strict=True):
            for position, line in enumerate(document.lines, start=1):
                line_rows.append(
                    (
                        document_id,
                        position,
                        line.article_id,
                        line.description,
                        line.teeth,
                        line.quantity,
                        line.unit_price,
                        line.vat_rate,
                        line_total(line.quantity, line.unit_price),
                    )
                )
            self.counts[document.kind] += 1
        _insert_rows(DocumentLine, LINE_FIELDS, line_rows)
        self.counts["lines"] += len(line_rows)

        self._save_sequences({document.kind for document in planned})
        return ids

    def _document_row(self, document: PlannedDocument, number: str, now) -> dict:
        """Build a document row with the totals `issue_document` would compute."""
        totals = [line_total(line.quantity, line.unit_price) for line in document.lines]
        vats = [
            line_vat(total, line.vat_rate)
            for total, line in zip(totals, document.lines, strict=True)
        ]
        total_excl_vat = sum(totals, Decimal("0.00"))
        vat_amount = sum(vats, Decimal("0.00"))
        due_date = None
        if document.kind in KINDS_WITH_DUE_DATE:
            due_date = document.issue_date + timedelta(days=document.client.payment_terms_days)
        return {
            "lab": self.lab.id,
            "client": document.client.id,
            "kind": document.kind,
            "number": number,
            "issue_date": document.issue_date,
            "due_date": due_date,
            "patient_reference": document.patient_reference,
            "subject": document.subject,
            "notes": None,
            "total_excl_vat": total_excl_vat,
            "vat_amount": vat_amount,
            "total_incl_vat": total_excl_vat + vat_amount,
            "vat_exempt": all(line.vat_rate == 0 for line in document.lines),
            "related_document": self._related_id(document),
            # Set with the publication history, at the time of its batch.
            "is_published": False,
            "published_at": None,
            "created_by": document.created_by_id,
            "created_at": now,
        }

    def _save_sequences(self, kinds: set[str]) -> None:
        """Store the last number used per kind, as `next_number` would have left it."""
        for kind in sorted(kinds):
            DocumentSequence.insert(
                lab=self.lab.id, kind=kind, last_value=0
            ).on_conflict_ignore().execute()
            DocumentSequence.update(last_value=self._last_values[kind]).where(
                DocumentSequence.lab == self.lab.id, DocumentSequence.kind == kind
            ).execute()


def _clients_by_id(client_ids: list[int]) -> dict[int, Client]:
    return {
        client.id: client
        for client in Client.select().where(Client.id.in_(sorted(set(client_ids))))
    }


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_in_chunks(model, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    _insert_rows(
        model,
        [model._meta.fields[name] for name in columns],
        [tuple(row[name] for name in columns) for row in rows],
    )


def _insert_rows(model, fields, rows: list[tuple], returning=()) -> list[tuple]:
    """Insert rows with few multi-row statements; return the `returning` columns.

    Values go through each field's `db_value`, as with `insert_many`, but the
    SQL text is built once per statement: peewee's query builder spends about
    15 µs per value, which dominated the time of a 1,000,000-line load.
    """
    if not rows:
        return []
    # Fill the columns left out with the model's defaults, as insert_many does.
    given = {field.name for field in fields}
    defaults = {
        field: default() if callable(default) else default
        for field, default in model._meta.defaults.items()
        if field.name not in given
    }
    if defaults:
        fields = [*fields, *defaults]
        extra = tuple(defaults.values())
        rows = [row + extra for row in rows]
    param = database.obj.param
    table = f'"{model._meta.table_name}"'
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    suffix = ""
    if returning:
        suffix = " RETURNING " + ", ".join(f'"{field.column_name}"' for field in returning)
    converters = [field.db_value for field in fields]
    placeholders = "(" + ", ".join([param] * len(fields)) + ")"
    per_statement = max(1, MAX_VALUES_PER_STATEMENT // len(fields))

    returned = []
    for chunk in _chunks(rows, per_statement):
        values = [
            convert(value) for row in chunk for convert, value in zip(converters, row, strict=True)
        ]
        # Names come from the model's metadata; every value is a bound parameter.
        sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([placeholders] * len(chunk))  # noqa: S608
        cursor = database.execute_sql(sql + suffix, values)
        if returning:
            returned.extend(cursor.fetchall())
    return returned
