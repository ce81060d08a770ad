"""The demo data generator, at small sizes, through both writers, and `flask demo load`."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from app.models import (
    Client,
    ClientKind,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentSequence,
    Lab,
    Notification,
    NotificationDocument,
    Payment,
    PublicationAction,
    PublicationBatch,
    PublicationEvent,
    SpaceAccess,
    SpaceStatus,
    User,
)
from app.services.accounts import authenticate
from app.services.demo import DEMO_PASSWORD, DemoSizes, load_demo
from app.services.demo.data import LABS, SHARED_DENTIST
from app.services.documents import LineInput, invoice_balance, issue_document, line_total

SMALL = DemoSizes(
    labs=2, clients_per_lab=6, years=1, documents_per_client_per_year=40, lines_per_document=2
)
WRITERS = pytest.mark.parametrize("bulk", [False, True], ids=["service", "bulk"])


def _documents_of(lab_id: int) -> list[tuple]:
    """Return what identifies a lab's documents, independent of row ids."""
    return list(
        Document.select(
            Document.kind,
            Document.number,
            Document.issue_date,
            Document.due_date,
            Document.total_incl_vat,
            Document.is_published,
            Document.subject,
        )
        .where(Document.lab == lab_id)
        .order_by(Document.kind, Document.number)
        .tuples()
    )


def test_two_labs_created(app):
    load_demo(SMALL)

    names = [lab.name for lab in Lab.select().order_by(Lab.id)]

    assert names == [spec.name for spec in LABS]


def test_lab_has_siret_and_iban(app):
    load_demo(SMALL)

    for lab in Lab.select():
        assert len(lab.siret) == 14
        assert lab.siret.isdigit()
        assert "IBAN FR76" in lab.invoice_footer


def test_group_has_three_members(app):
    load_demo(SMALL)

    for lab in Lab.select():
        group = Client.get(Client.lab == lab.id, Client.kind == ClientKind.GROUP)
        members = Client.select().where(Client.group == group.id)
        assert members.count() == 3
        assert {member.kind for member in members} == {ClientKind.GROUP_MEMBER}


def test_every_kind_issued(app):
    load_demo(SMALL)

    for lab in Lab.select():
        kinds = {row.kind for row in Document.select(Document.kind).where(Document.lab == lab.id)}
        assert kinds == set(DocumentKind.ALL), lab.name


def test_address_with_spaces_at_both_labs(app):
    load_demo(SMALL)

    labs = {
        access.client.lab_id
        for access in SpaceAccess.select(SpaceAccess, Client)
        .join(Client)
        .switch(SpaceAccess)
        .join(User)
        .where(User.email == SHARED_DENTIST.email, SpaceAccess.status == SpaceStatus.ACTIVE)
    }

    assert labs == {lab.id for lab in Lab.select()}


def test_group_member_invoiced_through_group(app):
    load_demo(SMALL)

    member_invoices = (
        Document.select()
        .join(Client)
        .where(Client.kind == ClientKind.GROUP_MEMBER, Document.kind == DocumentKind.INVOICE)
    )
    group_invoices = (
        Document.select()
        .join(Client)
        .where(Client.kind == ClientKind.GROUP, Document.kind == DocumentKind.INVOICE)
    )

    assert member_invoices.count() == 0
    assert group_invoices.count() > 0


@WRITERS
def test_numbers_sequential_per_lab_and_kind(app, bulk):
    load_demo(SMALL, bulk=bulk)

    rows = defaultdict(list)
    for document in Document.select().order_by(Document.id):
        rows[(document.lab_id, document.kind)].append(document)

    for (lab_id, kind), documents in rows.items():
        prefix = DocumentKind.PREFIXES[kind]
        numbers = [document.number for document in documents]
        assert numbers == [f"{prefix}-{value:06d}" for value in range(1, len(documents) + 1)]
        dates = [document.issue_date for document in documents]
        assert dates == sorted(dates), (lab_id, kind)
        sequence = DocumentSequence.get(
            DocumentSequence.lab == lab_id, DocumentSequence.kind == kind
        )
        assert sequence.last_value == len(documents)


@WRITERS
def test_totals_equal_sum_of_rounded_lines(app, bulk):
    load_demo(SMALL, bulk=bulk)

    lines_by_document = defaultdict(list)
    for line in DocumentLine.select():
        lines_by_document[line.document_id].append(line)

    for document in Document.select():
        lines = lines_by_document[document.id]
        assert lines, document.number
        for line in lines:
            assert line.total_excl_vat == line_total(line.quantity, line.unit_price)
        total = sum((line.total_excl_vat for line in lines), Decimal("0.00"))
        assert document.total_excl_vat == total, document.number
        assert document.total_incl_vat == document.total_excl_vat + document.vat_amount


@WRITERS
def test_no_notification_rows(app, bulk):
    load_demo(SMALL, bulk=bulk)

    assert Notification.select().count() == 0
    assert NotificationDocument.select().count() == 0


@WRITERS
def test_publication_history_recorded(app, bulk):
    load_demo(SMALL, bulk=bulk)

    published = Document.select().where(Document.is_published == True)  # noqa: E712
    unpublished = Document.select().where(Document.is_published == False)  # noqa: E712
    withdrawals = PublicationEvent.select().where(
        PublicationEvent.action == PublicationAction.UNPUBLISHED
    )
    assert published.count() > unpublished.count() > 0
    assert PublicationBatch.select().count() > 0
    for document in published:
        last = (
            PublicationEvent.select()
            .where(PublicationEvent.document == document.id)
            .order_by(PublicationEvent.created_at.desc())
            .first()
        )
        assert last.action == PublicationAction.PUBLISHED, document.number
        assert last.batch_id is not None, document.number
        assert document.published_at == last.created_at, document.number
    for event in withdrawals:
        assert event.comment
    for event in PublicationEvent.select(PublicationEvent, PublicationBatch).join(PublicationBatch):
        assert event.created_at == event.batch.created_at, event.id
        assert event.user_id == event.batch.created_by_id, event.id


def test_invoices_paid_unpaid_and_overdue(app):
    load_demo(SMALL)

    invoices = list(Document.select().where(Document.kind == DocumentKind.INVOICE))
    balances = {invoice.id: invoice_balance(invoice) for invoice in invoices}
    overdue = [i for i in invoices if balances[i.id] > 0 and i.due_date < date.today()]

    assert Payment.select().count() > 0
    assert any(balance == 0 for balance in balances.values())
    assert overdue
    assert all(balance >= 0 for balance in balances.values())


def test_due_date_follows_payment_terms(app):
    load_demo(SMALL)

    for invoice in (
        Document.select(Document, Client).join(Client).where(Document.kind == DocumentKind.INVOICE)
    ):
        days = (invoice.due_date - invoice.issue_date).days
        assert days == invoice.client.payment_terms_days, invoice.number


def test_credit_notes_applied_to_invoices(app):
    load_demo(SMALL)

    credit_notes = list(Document.select().where(Document.kind == DocumentKind.CREDIT_NOTE))
    assert credit_notes
    for credit_note in credit_notes:
        invoice = Document.get_by_id(credit_note.related_document_id)
        assert invoice.kind == DocumentKind.INVOICE
        assert invoice.client_id == credit_note.client_id
        assert credit_note.issue_date > invoice.issue_date
        assert credit_note.total_incl_vat <= invoice.total_incl_vat


def test_lines_name_teeth_and_patients(app):
    load_demo(SMALL)

    teeth = [line.teeth for line in DocumentLine.select().where(DocumentLine.teeth.is_null(False))]
    patients = {
        document.patient_reference
        for document in Document.select().where(Document.patient_reference.is_null(False))
    }

    assert teeth
    for value in teeth:
        for tooth in value.split(", "):
            assert tooth[0] in "1234", value
            assert tooth[1] in "12345678", value
    assert all(patient.startswith("Patient ") and len(patient) == 13 for patient in patients)


def test_prostheses_vat_exempt(app):
    load_demo(SMALL)

    delivery_lines = (
        DocumentLine.select()
        .join(Document)
        .where(
            Document.kind == DocumentKind.DELIVERY_NOTE,
            DocumentLine.description.contains("Couronne"),
        )
    )

    assert delivery_lines.count() > 0
    assert {line.vat_rate for line in delivery_lines} == {0}


def test_demo_password_logs_in(app):
    load_demo(SMALL)

    for spec in LABS:
        assert authenticate(spec.admin.email, DEMO_PASSWORD) is not None
    assert authenticate(SHARED_DENTIST.email, DEMO_PASSWORD) is not None


def test_same_seed_same_documents(app):
    sizes = DemoSizes(labs=1, clients_per_lab=6, years=1)
    first = load_demo(sizes)
    second = load_demo(sizes)

    assert _documents_of(first.lab_ids[0]) == _documents_of(second.lab_ids[0])


def test_bulk_writes_what_service_writes(app):
    sizes = DemoSizes(labs=1, clients_per_lab=6, years=1)
    service = load_demo(sizes, bulk=False)
    bulk = load_demo(sizes, bulk=True)

    assert bulk.counts == service.counts
    assert _documents_of(bulk.lab_ids[0]) == _documents_of(service.lab_ids[0])


def test_bulk_leaves_sequence_for_next_issue(app):
    summary = load_demo(DemoSizes(labs=1, clients_per_lab=6, years=1), bulk=True)
    lab = Lab.get_by_id(summary.lab_ids[0])
    client = Client.get(Client.lab == lab.id, Client.kind == ClientKind.INDEPENDENT)
    issued = summary.counts[DocumentKind.INVOICE]

    document = issue_document(
        lab,
        client,
        DocumentKind.INVOICE,
        [LineInput("Couronne zircone monolithique", 1, Decimal("130.00"), teeth="36")],
        date.today(),
    )

    assert document.number == f"FA-{issued + 1:06d}"


def test_sizes_out_of_range_rejected(app):
    with pytest.raises(ValueError, match="clients per lab"):
        load_demo(DemoSizes(clients_per_lab=3))


def test_cli_loads_and_prints_logins(app):
    result = app.test_cli_runner().invoke(
        args=["demo", "load", "--clients", "5", "--years", "1", "--documents", "20"]
    )

    assert result.exit_code == 0, result.output
    assert LABS[0].admin.email in result.output
    assert DEMO_PASSWORD in result.output
    assert Lab.select().count() == 2


def test_cli_refuses_database_with_labs(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load", "--clients", "5", "--years", "1", "--labs", "1"])

    result = runner.invoke(args=["demo", "load", "--clients", "5", "--years", "1"])

    assert result.exit_code == 1
    assert "already has 1 lab(s)" in result.output
    assert Lab.select().count() == 1


def test_cli_force_adds_labs(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load", "--clients", "5", "--years", "1", "--labs", "1"])

    result = runner.invoke(
        args=["demo", "load", "--clients", "5", "--years", "1", "--labs", "1", "--force"]
    )

    assert result.exit_code == 0, result.output
    assert Lab.select().count() == 2
