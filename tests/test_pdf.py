"""PDF rendering: the lab's header, lines, totals and legal mentions, amounts only where allowed."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from app.models import ClientKind, DocumentKind
from app.services.documents import LineInput, issue_document
from app.services.pdf import pdf_filename, render_document_pdf
from app.services.visibility import explore_space
from tests.factories import extract_pdf_text, make_client, make_document, make_lab

EXEMPTION = "TVA non applicable — article 261-4-1° du CGI"


@pytest.fixture
def lab(app):
    return make_lab(
        "Laboratoire Lumière",
        vat_number="FR12345678901",
        invoice_footer="IBAN FR76 3000 6000 0112 3456 7890 189",
    )


@pytest.fixture
def practice(lab):
    return make_client(
        lab, "Cabinet Bernard", address="4 place Bellecour", postal_code="69002", city="Lyon"
    )


@pytest.fixture
def member(lab):
    group = make_client(lab, "Groupe Rhône", kind=ClientKind.GROUP)
    return make_client(lab, "Centre Part-Dieu", kind=ClientKind.GROUP_MEMBER, group=group)


@pytest.fixture
def render(app, lab):
    """Render a document for a client's space, or the lab's copy, and return its text."""

    def run(document, client=None) -> str:
        with app.test_request_context():
            view = explore_space(lab.id, client.id) if client is not None else None
            return extract_pdf_text(render_document_pdf(document, view))

    return run


def test_pdf_is_a4(app, lab, practice):
    document = make_document(lab, practice, DocumentKind.INVOICE)
    with app.test_request_context():
        data = render_document_pdf(document)
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert round(float(box.width)) == 595
    assert round(float(box.height)) == 842


def test_pdf_has_number_and_kind(render, lab, practice):
    document = make_document(lab, practice, DocumentKind.INVOICE)
    text = render(document, practice)
    assert f"Facture {document.number}" in text


def test_pdf_has_lab_header(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert "Laboratoire Lumière" in text
    assert "Laboratoire Lumière SARL" in text
    assert "12 rue des Artisans" in text
    assert "SIRET : 12345678900012" in text
    assert "FR12345678901" in text
    assert "04 72 00 00 00" in text
    assert "contact@labo-test.localhost" in text


def test_pdf_has_client_block(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert "Cabinet Bernard" in text
    assert "4 place Bellecour" in text
    assert "69002 Lyon" in text


def test_pdf_has_dates_and_patient(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert "20/11/2026" in text
    assert "20/12/2026" in text
    assert "Patient DUPONT J." in text


def test_pdf_has_lines(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert "Couronne céramo-métallique" in text
    assert "26" in text


def test_pdf_has_amounts_for_independent(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE, "180.00"), practice)
    assert "180,00 €" in text
    assert "Total TTC" in text


def test_pdf_groups_thousands_printably(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE, "1234.50"), practice)
    assert "1 234,50 €" in text
    assert "■" not in text


def test_invoice_pdf_has_payment_mentions(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert "Paiement à 30 jours" in text
    assert "Pas d’escompte pour paiement anticipé." in text
    assert "trois fois" in text
    assert "40 €" in text
    assert "L441-10" in text
    assert "D441-5" in text


def test_pdf_has_exemption_mention(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert EXEMPTION in text


def test_pdf_with_vat_has_no_exemption(render, lab, practice):
    lines = [LineInput("Couronne zircone", 1, Decimal("100.00"), vat_rate=2000)]
    document = issue_document(lab, practice, DocumentKind.QUOTE, lines, date(2026, 11, 2))
    text = render(document, practice)
    assert EXEMPTION not in text
    assert "20 %" in text
    assert "120,00 €" in text


def test_pdf_has_invoice_footer(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.INVOICE), practice)
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in text


PAYMENT_KINDS = {DocumentKind.INVOICE, DocumentKind.PROFORMA}
FOOTER_KINDS = {DocumentKind.INVOICE, DocumentKind.PROFORMA, DocumentKind.CREDIT_NOTE}


@pytest.fixture
def render_kind(render, lab, practice):
    """Render a document of a kind for the practice's space; a credit note gets its invoice."""

    def run(kind: str) -> str:
        fields = {}
        if kind == DocumentKind.CREDIT_NOTE:
            fields["related_document"] = make_document(lab, practice, DocumentKind.INVOICE)
        return render(make_document(lab, practice, kind, **fields), practice)

    return run


@pytest.mark.parametrize("kind", DocumentKind.ALL)
def test_payment_mentions_by_kind(render_kind, kind):
    text = render_kind(kind)
    expected = kind in PAYMENT_KINDS
    assert ("Pas d’escompte pour paiement anticipé." in text) is expected
    assert ("pénalités" in text) is expected
    assert ("40 €" in text) is expected


@pytest.mark.parametrize("kind", DocumentKind.ALL)
def test_invoice_footer_by_kind(render_kind, kind):
    text = render_kind(kind)
    assert ("IBAN FR76 3000 6000 0112 3456 7890 189" in text) is (kind in FOOTER_KINDS)


@pytest.mark.parametrize("kind", DocumentKind.ALL)
def test_exemption_on_every_kind_with_amounts(render_kind, kind):
    assert EXEMPTION in render_kind(kind)


@pytest.mark.parametrize("kind", DocumentKind.ALL)
def test_kind_mentions_only_on_their_kind(render_kind, kind):
    text = render_kind(kind)
    assert ("Avoir sur la facture" in text) is (kind == DocumentKind.CREDIT_NOTE)
    assert ("ce document n’est pas une facture" in text) is (kind == DocumentKind.PROFORMA)
    assert ("Dispositif médical sur mesure" in text) is (
        kind == DocumentKind.TRACEABILITY_CERTIFICATE
    )


def test_delivery_note_has_no_payment_mentions(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.DELIVERY_NOTE), practice)
    assert "escompte" not in text
    assert "40 €" not in text


def test_proforma_says_not_an_invoice(render, lab, practice):
    text = render(make_document(lab, practice, DocumentKind.PROFORMA), practice)
    assert "ce document n’est pas une facture" in text
    assert "30 jours à compter de la date de la facture définitive" in text


def test_credit_note_names_its_invoice(render, lab, practice):
    invoice = make_document(lab, practice, DocumentKind.INVOICE)
    credit = make_document(
        lab, practice, DocumentKind.CREDIT_NOTE, "20.00", related_document=invoice
    )
    text = render(credit, practice)
    assert f"Avoir sur la facture {invoice.number} du 20/11/2026." in text
    assert "escompte" not in text


def test_member_pdf_has_no_amount(render, lab, member):
    text = render(make_document(lab, member, DocumentKind.DELIVERY_NOTE, "230.00"), member)
    assert "€" not in text
    assert "230,00" not in text
    assert "Total" not in text


def test_member_pdf_has_no_footer_nor_exemption(render, lab, member):
    text = render(make_document(lab, member, DocumentKind.DELIVERY_NOTE), member)
    assert "IBAN" not in text
    assert EXEMPTION not in text


def test_member_pdf_keeps_document_facts(render, lab, member):
    document = make_document(lab, member, DocumentKind.DELIVERY_NOTE)
    text = render(document, member)
    assert document.number in text
    assert "Couronne céramo-métallique" in text
    assert "Laboratoire Lumière" in text


def test_lab_copy_has_amounts(render, lab, member):
    text = render(make_document(lab, member, DocumentKind.DELIVERY_NOTE, "230.00"))
    assert "230,00 €" in text


def test_long_document_numbers_pages(app, lab, practice):
    lines = [LineInput(f"Élément {n}", 1, Decimal("10.00")) for n in range(80)]
    document = issue_document(lab, practice, DocumentKind.INVOICE, lines, date(2026, 11, 2))
    with app.test_request_context():
        data = render_document_pdf(document)
    pages = [page.extract_text() for page in PdfReader(BytesIO(data)).pages]
    assert len(pages) > 1
    assert f"Page 1 sur {len(pages)}" in pages[0]
    assert f"Page {len(pages)} sur {len(pages)}" in pages[-1]
    assert "800,00 €" in pages[-1]


@pytest.mark.parametrize(
    ("locale", "headers"),
    [
        ("fr", ["Désignation", "Dents", "Qté", "P.U. HT", "TVA", "Total HT"]),
        ("en", ["Description", "Teeth", "Qty", "Unit price excl. VAT", "VAT", "Total excl. VAT"]),
    ],
)
def test_line_headers_on_one_line(app, lab, practice, locale, headers):
    lines = [LineInput("Couronne zircone", 1, Decimal("12345.60"), vat_rate=2000)]
    document = issue_document(lab, practice, DocumentKind.INVOICE, lines, date(2026, 11, 2))
    with app.test_request_context(), force_locale(locale):
        text = extract_pdf_text(render_document_pdf(document))
    lines = [line.strip() for line in text.splitlines()]
    for header in headers:
        assert header in lines, f"{header!r} is not alone on one line"


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (DocumentKind.INVOICE, "Facture"),
        (DocumentKind.TRY_IN_NOTE, "Bon d’essayage"),
        (DocumentKind.TRACEABILITY_CERTIFICATE, "Certificat de traçabilité"),
    ],
)
def test_pdf_filename(app, lab, practice, kind, name):
    document = make_document(lab, practice, kind)
    with app.test_request_context():
        assert pdf_filename(document) == f"{name} {document.number}.pdf"
