"""Try-in notes and traceability certificates without a price show no « 0,00 € »."""

import pytest

from app.models import DocumentKind
from app.services.documents import carries_amount
from tests.factories import (
    extract_pdf_text,
    grant_space,
    make_client,
    make_document,
    make_lab,
    make_staff,
    make_user,
)

AMOUNTLESS = [DocumentKind.TRY_IN_NOTE, DocumentKind.TRACEABILITY_CERTIFICATE]


@pytest.fixture
def lab(app):
    return make_lab()


@pytest.mark.parametrize(
    ("kind", "total", "expected"),
    [
        (DocumentKind.TRY_IN_NOTE, 0, False),
        (DocumentKind.TRACEABILITY_CERTIFICATE, 0, False),
        (DocumentKind.TRY_IN_NOTE, 15, True),
        (DocumentKind.QUOTE, 0, True),
        (DocumentKind.DELIVERY_NOTE, 180, True),
    ],
)
def test_carries_amount_by_kind(kind, total, expected):
    assert carries_amount(kind, total) is expected


@pytest.mark.parametrize("kind", AMOUNTLESS)
def test_lab_detail_hides_zero_total(client, auth, lab, kind):
    staff = make_staff(lab)
    document = make_document(lab, make_client(lab), kind=kind, amount="0")
    auth.login(staff.email)

    body = client.get(f"/labo/documents/{document.id}").get_data(as_text=True)

    assert "0,00" not in body
    assert "Prix unitaire HT" not in body


def _publish_without_price(auth, lab, kind):
    """Publish a zero-total document of `kind` and log its client user in."""
    user = make_user()
    practice = make_client(lab)
    grant_space(user, practice)
    document = make_document(lab, practice, kind=kind, amount="0", published=True)
    auth.login(user.email)
    return f"/espace/{practice.id}/documents/{document.id}", document


@pytest.mark.parametrize("kind", AMOUNTLESS)
def test_space_detail_hides_zero_total(client, auth, lab, kind):
    url, _document = _publish_without_price(auth, lab, kind)

    body = client.get(url).get_data(as_text=True)

    assert "0,00" not in body
    assert "Total TTC" not in body


@pytest.mark.parametrize("kind", AMOUNTLESS)
def test_pdf_hides_zero_total(client, auth, lab, kind):
    url, document = _publish_without_price(auth, lab, kind)

    response = client.get(f"{url}/pdf")
    text = extract_pdf_text(response.data)

    assert response.status_code == 200
    assert "0,00" not in text
    assert document.number in text
