"""The lab's document list, detail page, and publish / unpublish from a row."""

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from flask import template_rendered

import app.jobs
from app.database import database
from app.models import Document, Notification, Payment, PublicationAction, PublicationEvent
from app.services.publication import publish_documents
from tests.factories import (
    PASSWORD,
    extract_pdf_text,
    grant_space,
    make_client,
    make_document,
    make_lab,
    make_staff,
    make_user,
)

LIST_URL = "/labo/documents/"
HTMX = {"HX-Request": "true"}


@contextmanager
def count_queries():
    """Collect the SQL of every query run inside the block, through a peewee query hook."""
    statements = []

    def hook(event):
        statements.append(event.sql)

    hooks = database.obj.query_hooks
    hooks.append(hook)
    try:
        yield statements
    finally:
        hooks.remove(hook)


@contextmanager
def captured_templates(flask_app):
    """Record the name of each template rendered inside the block."""
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    with template_rendered.connected_to(record, flask_app):
        yield names


@pytest.fixture
def enqueued(monkeypatch):
    """Replace the notification job's enqueue with a recorder.

    It also checks the publication has committed when the view enqueues.
    """
    calls = []

    def record(notification_ids):
        assert not database.in_transaction()
        calls.append(list(notification_ids))

    monkeypatch.setattr(app.jobs, "enqueue_notifications", record)
    return calls


@pytest.fixture
def lab(app):
    return make_lab()


@pytest.fixture
def staff(lab):
    return make_staff(lab, email="agnes@labo.test")


@pytest.fixture
def logged_in(client, auth, staff):
    auth.login(staff.email)
    return client


@pytest.fixture
def dentist(lab):
    return make_client(lab, name="Cabinet du Parc")


def document_url(document, action: str = "") -> str:
    suffix = f"/{action}" if action else ""
    return f"/labo/documents/{document.id}{suffix}"


def row_html(body: str, document) -> str:
    match = re.search(rf'<tr id="document-{document.id}">.*?</tr>', body, re.S)
    assert match, f"row of document {document.id} not found"
    return match.group(0)


def csrf_token_of(body: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', body).group(1)


# The list


def test_list_shows_columns(logged_in, lab, dentist):
    document = make_document(lab, dentist, amount="180.00", issue_date=date(2026, 11, 20))

    body = logged_in.get(LIST_URL).get_data(as_text=True)

    row = row_html(body, document)
    assert document.number in row
    assert "Bon de livraison" in row
    assert "Cabinet du Parc" in row
    assert "20/11/2026" in row
    assert "180,00" in row
    assert "Non publié" in row
    assert f'href="/labo/documents/{document.id}"' in row


@pytest.mark.parametrize("kind", ["try_in_note", "traceability_certificate"])
def test_list_no_charge_kind_shows_dash(logged_in, lab, dentist, kind):
    document = make_document(lab, dentist, kind=kind, amount="0.00")

    row = row_html(logged_in.get(LIST_URL).get_data(as_text=True), document)

    assert "0,00" not in row
    assert '<span title="Sans montant" aria-hidden="true">—</span>' in row
    assert '<span class="visually-hidden">Sans montant</span>' in row


@pytest.mark.parametrize(
    ("kind", "amount", "shown"),
    [("quote", "0.00", "0,00"), ("try_in_note", "45.00", "45,00"), ("invoice", "0.00", "0,00")],
)
def test_list_shows_amount_otherwise(logged_in, lab, dentist, kind, amount, shown):
    document = make_document(lab, dentist, kind=kind, amount=amount)

    row = row_html(logged_in.get(LIST_URL).get_data(as_text=True), document)

    assert shown in row
    assert "Sans montant" not in row


def test_list_rows_link_pdf(logged_in, lab, dentist):
    document = make_document(lab, dentist)

    row = row_html(logged_in.get(LIST_URL).get_data(as_text=True), document)

    assert f'href="/labo/documents/{document.id}/pdf"' in row


def test_list_hides_patient_reference(logged_in, lab, dentist):
    make_document(lab, dentist, patient_reference="Patient DUPONT J.")

    body = logged_in.get(LIST_URL).get_data(as_text=True)

    assert "DUPONT" not in body


def test_list_newest_first(logged_in, lab, dentist):
    older = make_document(lab, dentist, issue_date=date(2026, 1, 5))
    newer = make_document(lab, dentist, issue_date=date(2026, 3, 5))

    body = logged_in.get(LIST_URL).get_data(as_text=True)

    assert body.index(newer.number) < body.index(older.number)


def test_list_filters_by_kind(logged_in, lab, dentist):
    note = make_document(lab, dentist, kind="delivery_note")
    invoice = make_document(lab, dentist, kind="invoice")

    body = logged_in.get(LIST_URL + "?kind=invoice").get_data(as_text=True)

    assert invoice.number in body
    assert note.number not in body


def test_list_filters_by_client(logged_in, lab, dentist):
    other = make_client(lab, name="Centre Dentaire Bellecour")
    mine = make_document(lab, dentist)
    theirs = make_document(lab, other)

    body = logged_in.get(f"{LIST_URL}?client={other.id}").get_data(as_text=True)

    assert theirs.number in body
    assert mine.number not in body


@pytest.mark.parametrize(
    ("state", "shown"), [("published", "BL-000001"), ("unpublished", "BL-000002")]
)
def test_list_filters_by_state(logged_in, lab, dentist, state, shown):
    make_document(lab, dentist, published=True)
    make_document(lab, dentist)

    body = logged_in.get(f"{LIST_URL}?state={state}").get_data(as_text=True)

    hidden = {"BL-000001", "BL-000002"} - {shown}
    assert shown in body
    assert hidden.pop() not in body


@pytest.mark.parametrize(
    "query", ["from=2026-02-01&to=2026-02-28", "from=01/02/2026&to=28/02/2026"]
)
def test_list_filters_by_period(logged_in, lab, dentist, query):
    january = make_document(lab, dentist, issue_date=date(2026, 1, 31))
    february = make_document(lab, dentist, issue_date=date(2026, 2, 28))
    march = make_document(lab, dentist, issue_date=date(2026, 3, 1))

    body = logged_in.get(f"{LIST_URL}?{query}").get_data(as_text=True)

    assert february.number in body
    assert january.number not in body
    assert march.number not in body


def test_list_keeps_filter_values(logged_in, lab, dentist):
    body = logged_in.get(f"{LIST_URL}?kind=invoice&client={dentist.id}&from=01/02/2026").get_data(
        as_text=True
    )

    assert '<option selected value="invoice">' in body
    assert f'<option selected value="{dentist.id}">' in body
    assert 'value="2026-02-01"' in body


def test_list_empty_state(logged_in, lab, dentist):
    make_document(lab, dentist, kind="delivery_note")

    body = logged_in.get(LIST_URL + "?kind=quote").get_data(as_text=True)

    assert "Aucun document ne correspond à ces critères." in body


@pytest.fixture
def small_pages(app_config):
    app_config["DOCUMENTS_PER_PAGE"] = 2
    return app_config


def test_list_pages(small_pages, logged_in, lab, dentist):
    documents = [make_document(lab, dentist, issue_date=date(2026, 1, day)) for day in range(1, 6)]

    body = logged_in.get(LIST_URL + "?page=2").get_data(as_text=True)

    assert documents[2].number in body
    assert documents[1].number in body
    assert documents[4].number not in body
    assert documents[0].number not in body
    assert "Documents 3 à 4 sur 5" in body


def test_paging_links_keep_filters(small_pages, logged_in, lab, dentist):
    for day in range(1, 6):
        make_document(lab, dentist, issue_date=date(2026, 1, day))

    body = logged_in.get(f"{LIST_URL}?kind=delivery_note&client=&page=2").get_data(as_text=True)

    links = re.findall(r'href="([^"]*)"[^>]*rel="(?:prev|next)"', body)
    assert sorted(links) == [
        "/labo/documents/?kind=delivery_note&amp;client=&amp;page=1",
        "/labo/documents/?kind=delivery_note&amp;client=&amp;page=3",
    ]


def test_row_next_keeps_filters(logged_in, lab, dentist):
    make_document(lab, dentist)

    body = logged_in.get(f"{LIST_URL}?kind=delivery_note&client=").get_data(as_text=True)

    assert 'name="next" value="/labo/documents/?kind=delivery_note&amp;client="' in body


def test_page_past_end_shows_last(small_pages, logged_in, lab, dentist):
    oldest = make_document(lab, dentist, issue_date=date(2026, 1, 1))
    for day in range(2, 4):
        make_document(lab, dentist, issue_date=date(2026, 1, day))

    response = logged_in.get(LIST_URL + "?page=99999999")
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert oldest.number in body
    assert "La page 99999999 n’existe pas" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=xyz", "Ce type de document n’existe pas"),
        ("client=abc", "Ce client n’existe pas"),
        ("client=999999", "Ce client n’existe pas"),
        ("state=maybe", "Cet état de publication n’existe pas"),
        ("from=notadate", "La date « notadate » n’est pas valide"),
        ("to=31/02/2026", "La date « 31/02/2026 » n’est pas valide"),
        ("from=2026-01-01&to=2025-01-01", "La date de fin précède la date de début"),
        ("page=-3", "Le numéro de page « -3 » n’est pas valide"),
        ("page=%C2%B2", "Le numéro de page « ² » n’est pas valide"),
        ("page=" + "9" * 5000, "n’est pas valide"),
    ],
)
def test_bad_filter_is_ignored(logged_in, lab, dentist, query, message):
    document = make_document(lab, dentist, issue_date=date(2026, 2, 1))

    response = logged_in.get(f"{LIST_URL}?{query}")
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert message in body
    assert document.number in body


def test_other_lab_client_filter_ignored(logged_in, lab, dentist):
    other_lab = make_lab("Autre Laboratoire")
    stranger = make_client(other_lab, name="Cabinet Étranger")
    make_document(other_lab, stranger)
    mine = make_document(lab, dentist)

    body = logged_in.get(f"{LIST_URL}?client={stranger.id}").get_data(as_text=True)

    assert "Ce client n’existe pas" in body
    assert mine.number in body
    assert "Cabinet Étranger" not in body


def test_list_shows_only_own_lab(logged_in, lab, dentist):
    other_lab = make_lab("Autre Laboratoire")
    theirs = make_document(other_lab, make_client(other_lab, name="Cabinet Étranger"))
    make_document(lab, dentist)

    body = logged_in.get(LIST_URL).get_data(as_text=True)

    assert f"document-{theirs.id}" not in body
    assert "Cabinet Étranger" not in body


def test_list_htmx_gets_partial(app, logged_in, lab, dentist):
    make_document(lab, dentist)

    with captured_templates(app) as names:
        response = logged_in.get(LIST_URL + "?kind=delivery_note", headers=HTMX)

    assert names[0] == "partials/lab_documents/list.html"
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_list_page_has_vary(logged_in, lab, dentist):
    response = logged_in.get(LIST_URL)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]


def test_list_query_count_bounded(logged_in, lab, dentist):
    other = make_client(lab, name="Centre Dentaire Bellecour")
    make_document(lab, dentist)
    with count_queries() as few:
        logged_in.get(LIST_URL)

    for day in range(1, 29):
        make_document(lab, dentist if day % 2 else other, issue_date=date(2026, 2, day))
    with count_queries() as many:
        body = logged_in.get(LIST_URL).get_data(as_text=True)

    assert body.count('<tr id="document-') == 29
    assert len(many) == len(few)
    assert len(many) <= 6


# Publish


def test_publish_htmx_returns_row(app, logged_in, lab, dentist, enqueued):
    document = make_document(lab, dentist)

    with captured_templates(app) as names:
        response = logged_in.post(
            document_url(document, "publier"), data={"next": LIST_URL}, headers=HTMX
        )
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert names == ["partials/lab_documents/row.html"]
    assert "<html" not in body
    assert body.startswith(f'<tr id="document-{document.id}">')
    assert "Dépublier" in body
    assert "HX-Request" in response.headers["Vary"]
    assert len(response.data) < 2048


def test_publish_records_event(logged_in, lab, dentist, staff, enqueued):
    document = make_document(lab, dentist)

    logged_in.post(document_url(document, "publier"), headers=HTMX)

    event = PublicationEvent.get(PublicationEvent.document == document.id)
    assert Document.get_by_id(document.id).is_published
    assert event.action == PublicationAction.PUBLISHED
    assert event.user_id == staff.id


def test_publish_enqueues_notifications(logged_in, lab, dentist, enqueued):
    grant_space(make_user("dr.martin@example.test"), dentist)
    document = make_document(lab, dentist)

    logged_in.post(document_url(document, "publier"), headers=HTMX)

    notification_ids = [n.id for n in Notification.select()]
    assert len(notification_ids) == 1
    assert enqueued == [notification_ids]


def test_publish_sends_alert_email(smtp_config, logged_in, lab, dentist, run_jobs, smtp_sink):
    grant_space(make_user("dr.martin@example.test"), dentist)
    document = make_document(lab, dentist)

    logged_in.post(document_url(document, "publier"), headers=HTMX)
    run_jobs()

    assert [message["To"] for message in smtp_sink.messages] == ["dr.martin@example.test"]


def test_publish_without_alerts_enqueues_nothing(logged_in, lab, dentist, enqueued):
    document = make_document(lab, dentist)

    logged_in.post(document_url(document, "publier"), headers=HTMX)

    assert enqueued == []


def test_publish_twice_changes_nothing(logged_in, lab, dentist, enqueued):
    document = make_document(lab, dentist)
    publish_documents(lab.id, [document.id], None)

    response = logged_in.post(document_url(document, "publier"), headers=HTMX)

    assert response.status_code == 200
    assert "Dépublier" in response.get_data(as_text=True)
    assert PublicationEvent.select().count() == 1


def test_publish_without_htmx_redirects(logged_in, lab, dentist, enqueued):
    grant_space(make_user("dr.martin@example.test"), dentist)
    make_document(lab, dentist)
    document = make_document(lab, dentist)
    back = f"{LIST_URL}?kind=delivery_note&client=&page=1"

    response = logged_in.post(document_url(document, "publier"), data={"next": back})

    assert response.status_code == 302
    assert response.headers["Location"] == back
    page = logged_in.get(back).get_data(as_text=True)
    assert f"Le document {document.number} est publié sur l’espace client." in page


NOBODY_ALERTED = "mais aucun utilisateur de l’espace n’a été prévenu par e-mail"


@pytest.mark.parametrize("alerts", [None, False])
def test_publish_warns_nobody_alerted(logged_in, lab, dentist, enqueued, alerts):
    if alerts is not None:
        grant_space(make_user("dr.martin@example.test"), dentist, alerts=alerts)
    document = make_document(lab, dentist)

    response = logged_in.post(document_url(document, "publier"), data={"next": LIST_URL})

    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Le document {document.number} est publié, {NOBODY_ALERTED}" in page
    assert "flash-warning" in page
    assert Document.get_by_id(document.id).is_published


def test_publish_row_notes_nobody_alerted(logged_in, lab, dentist, enqueued):
    document = make_document(lab, dentist)

    response = logged_in.post(document_url(document, "publier"), headers=HTMX)

    assert "Personne n’a été prévenu par e-mail." in response.get_data(as_text=True)
    assert len(response.data) < 2048


def test_publish_row_without_note_when_alerted(logged_in, lab, dentist, enqueued):
    grant_space(make_user("dr.martin@example.test"), dentist)
    document = make_document(lab, dentist)

    response = logged_in.post(document_url(document, "publier"), headers=HTMX)

    assert "prévenu" not in response.get_data(as_text=True)


def test_publish_refuses_external_next(logged_in, lab, dentist, enqueued):
    document = make_document(lab, dentist)

    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = logged_in.post(document_url(document, "publier"), data={"next": target})
        assert response.headers["Location"] == LIST_URL


def test_publish_get_not_allowed(logged_in, lab, dentist):
    document = make_document(lab, dentist)

    response = logged_in.get(document_url(document, "publier"))

    assert response.status_code == 405
    assert not Document.get_by_id(document.id).is_published


# Unpublish


@pytest.fixture
def published(lab, dentist):
    document = make_document(lab, dentist)
    publish_documents(lab.id, [document.id], None)
    return document


def comment_field(document) -> str:
    return f"document-{document.id}-comment"


def test_unpublish_form_in_row(app, logged_in, published):
    with captured_templates(app) as names:
        response = logged_in.get(
            document_url(published, "depublier") + "?next=/labo/documents/%3Fkind%3Dinvoice",
            headers=HTMX,
        )
    body = response.get_data(as_text=True)

    assert names[0] == "partials/lab_documents/row.html"
    assert "<html" not in body
    assert "Motif du retrait (obligatoire)" in body
    assert "Confirmer le retrait" in body
    assert f'hx-get="/labo/documents/{published.id}/ligne?next=' in body
    assert 'name="next" value="/labo/documents/?kind=invoice"' in body
    assert len(response.data) < 2048


def test_unpublish_form_page_without_htmx(logged_in, published):
    response = logged_in.get(document_url(published, "depublier"))
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<html" in body
    assert "Motif du retrait (obligatoire)" in body
    assert "HX-Request" in response.headers["Vary"]


def test_unpublish_form_of_unpublished(logged_in, lab, dentist):
    document = make_document(lab, dentist)

    response = logged_in.get(document_url(document, "depublier"), headers=HTMX)
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Publier sur l’espace client" in body


@pytest.mark.parametrize("comment", ["", "   ", "x" * 1001])
def test_unpublish_rejects_bad_comment(logged_in, published, comment):
    response = logged_in.post(
        document_url(published, "depublier"),
        data={comment_field(published): comment},
        headers=HTMX,
    )
    body = response.get_data(as_text=True)

    assert response.status_code == 422
    assert body.startswith(f'<tr id="document-{published.id}">')
    assert 'class="field-error"' in body
    assert Document.get_by_id(published.id).is_published


def test_unpublish_empty_comment_message(logged_in, published):
    response = logged_in.post(document_url(published, "depublier"), headers=HTMX)

    assert "Indiquez le motif du retrait" in response.get_data(as_text=True)


def test_unpublish_bad_comment_page_without_htmx(logged_in, published):
    response = logged_in.post(document_url(published, "depublier"), data={"next": LIST_URL})
    body = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "<html" in body
    assert "Indiquez le motif du retrait" in body


def test_unpublish_htmx_returns_row(logged_in, published):
    response = logged_in.post(
        document_url(published, "depublier"),
        data={comment_field(published): "Erreur de teinte", "next": LIST_URL},
        headers=HTMX,
    )
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Publier sur l’espace client" in body
    assert "<html" not in body
    assert len(response.data) < 2048
    assert not Document.get_by_id(published.id).is_published


def test_unpublish_without_htmx_redirects(logged_in, published):
    back = f"{LIST_URL}?state=published"

    response = logged_in.post(
        document_url(published, "depublier"),
        data={comment_field(published): "Erreur de teinte", "next": back},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == back
    page = logged_in.get(back).get_data(as_text=True)
    assert f"Le document {published.number} est retiré de l’espace client." in page


def test_unpublish_shown_in_history(logged_in, published, staff):
    logged_in.post(
        document_url(published, "depublier"),
        data={comment_field(published): "Teinte A3 au lieu de A2"},
        headers=HTMX,
    )

    body = logged_in.get(document_url(published)).get_data(as_text=True)
    history = body[body.index("Historique de publication") :]

    assert "Retiré de l’espace client" in history
    assert "Teinte A3 au lieu de A2" in history
    assert "Agnès Martin" in history
    assert staff.email in history


def test_unpublish_twice_returns_row(logged_in, lab, dentist):
    document = make_document(lab, dentist)

    response = logged_in.post(
        document_url(document, "depublier"),
        data={comment_field(document): "Erreur de teinte"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Publier sur l’espace client" in response.get_data(as_text=True)
    assert PublicationEvent.select().count() == 0


def test_cancel_returns_plain_row(logged_in, published):
    response = logged_in.get(
        document_url(published, "ligne") + "?next=/labo/documents/", headers=HTMX
    )
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Dépublier" in body
    assert "Motif du retrait" not in body


def test_row_without_htmx_goes_to_detail(logged_in, published):
    response = logged_in.get(document_url(published, "ligne"))

    assert response.status_code == 302
    assert response.headers["Location"] == document_url(published)


# Detail page


def test_detail_shows_facts(logged_in, lab, dentist):
    document = make_document(
        lab, dentist, kind="invoice", amount="250.00", patient_reference="Patient DUPONT J."
    )

    body = logged_in.get(document_url(document)).get_data(as_text=True)

    assert document.number in body
    assert "Cabinet du Parc" in body
    assert "Patient DUPONT J." in body
    assert "Couronne céramo-métallique" in body
    assert "250,00" in body
    assert "Échéance" in body


def test_detail_shows_payments(logged_in, lab, dentist):
    invoice = make_document(lab, dentist, kind="invoice", amount="250.00")
    Payment.create(
        document=invoice,
        paid_on=date(2026, 12, 1),
        amount=Decimal("100.00"),
        reference="CHQ 1234567",
    )

    body = logged_in.get(document_url(invoice)).get_data(as_text=True)

    assert "CHQ 1234567" in body
    assert "Reste à payer" in body
    assert "150,00" in body


def test_detail_links_pdf(logged_in, lab, dentist):
    document = make_document(lab, dentist)

    body = logged_in.get(document_url(document)).get_data(as_text=True)

    assert f'href="/labo/documents/{document.id}/pdf">Télécharger le PDF</a>' in body


# PDF


def test_pdf_of_unpublished_document(logged_in, lab, dentist):
    document = make_document(lab, dentist, kind="invoice", amount="250.00")

    response = logged_in.get(document_url(document, "pdf"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert document.number in extract_pdf_text(response.data)


def test_pdf_of_published_document(logged_in, lab, dentist):
    document = make_document(lab, dentist, published=True)

    response = logged_in.get(document_url(document, "pdf"))

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")


def test_pdf_headers(logged_in, lab, dentist):
    certificate = make_document(lab, dentist, kind="traceability_certificate", amount="0.00")

    response = logged_in.get(document_url(certificate, "pdf"))

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="Certificat de tracabilite {certificate.number}.pdf"' in disposition
    assert (
        f"filename*=UTF-8''Certificat%20de%20tra%C3%A7abilit%C3%A9%20{certificate.number}.pdf"
        in disposition
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Expires" not in response.headers


def test_pdf_of_group_member_has_amounts(logged_in, lab):
    group = make_client(lab, name="Groupe Santé", kind="group")
    member = make_client(lab, name="Cabinet Membre", kind="group_member", group=group)
    document = make_document(lab, member, kind="delivery_note", amount="180.00")

    response = logged_in.get(document_url(document, "pdf"))

    assert "180,00" in extract_pdf_text(response.data)


def test_detail_publish_redirects_back(logged_in, lab, dentist, enqueued):
    document = make_document(lab, dentist)

    response = logged_in.post(
        document_url(document, "publier"), data={"next": document_url(document)}
    )
    page = logged_in.get(document_url(document)).get_data(as_text=True)

    assert response.headers["Location"] == document_url(document)
    assert "Publié sur l’espace client" in page


# Scoping and security


@pytest.fixture
def foreign_document(app):
    other_lab = make_lab("Autre Laboratoire")
    document = make_document(other_lab, make_client(other_lab))
    publish_documents(other_lab.id, [document.id], None)
    return document


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", ""),
        ("get", "ligne"),
        ("get", "pdf"),
        ("post", "publier"),
        ("get", "depublier"),
        ("post", "depublier"),
    ],
)
def test_other_lab_document_404(logged_in, foreign_document, method, action, enqueued):
    call = getattr(logged_in, method)

    response = call(
        document_url(foreign_document, action),
        data={comment_field(foreign_document): "Erreur"} if method == "post" else None,
    )

    assert response.status_code == 404
    assert Document.get_by_id(foreign_document.id).is_published


@pytest.mark.parametrize("action", [None, "", "ligne", "depublier", "pdf"])
def test_client_user_gets_404(client, auth, lab, dentist, action):
    document = make_document(lab, dentist, published=True)
    user = make_user("dr.martin@example.test")
    grant_space(user, dentist)
    auth.login(user.email)

    response = client.get(LIST_URL if action is None else document_url(document, action))

    assert response.status_code == 404


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


@contextmanager
def own_context(flask_app):
    """Give the requests inside the block a fresh `g`.

    The `app` fixture keeps an app context pushed, and Flask reuses it for
    test-client requests, so `g` (where Flask-WTF caches the CSRF token)
    would otherwise carry a token from before the login cleared the session.
    """
    with flask_app.app_context():
        yield


def login_with_csrf(flask_app, client, email):
    with own_context(flask_app):
        token = csrf_token_of(client.get("/connexion").get_data(as_text=True))
    with own_context(flask_app):
        client.post("/connexion", data={"email": email, "password": PASSWORD, "csrf_token": token})
    with own_context(flask_app):
        return csrf_token_of(client.get(LIST_URL).get_data(as_text=True))


def test_publish_without_csrf_rejected(csrf_on, app, client, staff, lab, dentist, enqueued):
    document = make_document(lab, dentist)
    login_with_csrf(app, client, staff.email)

    with own_context(app):
        response = client.post(document_url(document, "publier"), headers=HTMX)

    assert response.status_code == 400
    assert not Document.get_by_id(document.id).is_published


def test_publish_with_csrf_header(csrf_on, app, client, staff, lab, dentist, enqueued):
    document = make_document(lab, dentist)
    token = login_with_csrf(app, client, staff.email)

    with own_context(app):
        response = client.post(
            document_url(document, "publier"), headers={**HTMX, "X-CSRFToken": token}
        )

    assert response.status_code == 200
    assert Document.get_by_id(document.id).is_published


def test_unpublish_without_csrf_rejected(csrf_on, app, client, staff, published):
    login_with_csrf(app, client, staff.email)

    with own_context(app):
        response = client.post(
            document_url(published, "depublier"), data={comment_field(published): "Erreur"}
        )

    assert response.status_code == 400
    assert Document.get_by_id(published.id).is_published


def test_htmx_after_session_expired(client, lab, dentist):
    document = make_document(lab, dentist)

    response = client.post(document_url(document, "publier"), headers=HTMX)

    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/connexion")
    assert "<form" not in response.get_data(as_text=True)
    assert not Document.get_by_id(document.id).is_published
