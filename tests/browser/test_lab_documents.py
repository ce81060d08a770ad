"""Publishing and unpublishing from the lab's document list, in a real browser."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.models import Document, PublicationAction, PublicationEvent
from tests.factories import PASSWORD, make_client, make_document, make_lab, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def documents(app):
    lab = make_lab()
    make_staff(lab, email="agnes@labo.test")
    parc = make_client(lab, name="Cabinet du Parc")
    bellecour = make_client(lab, name="Centre Dentaire Bellecour")
    return [
        make_document(lab, parc, kind="delivery_note", issue_date=date(2026, 11, 20)),
        make_document(
            lab, bellecour, kind="invoice", amount="1234.56", issue_date=date(2026, 11, 18)
        ),
        make_document(lab, parc, kind="quote", amount="640.00", issue_date=date(2026, 11, 15)),
    ]


def log_in(page, email: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/labo/documents/"))


def outer_html(page, selector: str) -> str:
    return page.eval_on_selector(selector, "element => element.outerHTML")


def test_publish_then_unpublish_in_place(page, documents, screenshot):
    target, *others = documents
    row = page.locator(f"#document-{target.id}")
    log_in(page, "agnes@labo.test")
    screenshot("lab-documents-list")
    page.evaluate("window.__marker = 1")
    others_before = [outer_html(page, f"#document-{other.id}") for other in others]

    row.get_by_role("button", name="Publier sur l’espace client").click()

    expect(row.get_by_role("link", name="Dépublier")).to_be_visible()
    expect(row).to_contain_text("Publié")
    assert page.evaluate("window.__marker") == 1
    assert [outer_html(page, f"#document-{other.id}") for other in others] == others_before
    assert Document.get_by_id(target.id).is_published

    row.get_by_role("link", name="Dépublier").click()
    row.get_by_role("button", name="Confirmer le retrait").click()

    expect(row.locator(".field-error")).to_contain_text("Indiquez le motif du retrait")
    screenshot("lab-documents-unpublish-error")
    assert Document.get_by_id(target.id).is_published

    row.get_by_label("Motif du retrait (obligatoire)").fill("Teinte A3 au lieu de A2")
    row.get_by_role("button", name="Confirmer le retrait").click()

    expect(row.get_by_role("button", name="Publier sur l’espace client")).to_be_visible()
    assert page.evaluate("window.__marker") == 1
    assert not Document.get_by_id(target.id).is_published
    event = PublicationEvent.get(
        PublicationEvent.document == target.id,
        PublicationEvent.action == PublicationAction.UNPUBLISHED,
    )
    assert event.comment == "Teinte A3 au lieu de A2"


def test_cancel_restores_row(page, documents):
    target = documents[0]
    row = page.locator(f"#document-{target.id}")
    log_in(page, "agnes@labo.test")
    row.get_by_role("button", name="Publier sur l’espace client").click()
    row.get_by_role("link", name="Dépublier").click()

    row.get_by_role("link", name="Annuler").click()

    expect(row.get_by_role("link", name="Dépublier")).to_be_visible()
    expect(row.locator("textarea")).to_have_count(0)


def test_detail_page_history(page, documents, screenshot):
    invoice = documents[1]
    log_in(page, "agnes@labo.test")
    page.get_by_role("link", name=invoice.number).click()

    page.get_by_role("button", name="Publier sur l’espace client").click()
    page.get_by_label("Motif du retrait (obligatoire)").fill("Montant à corriger")
    page.get_by_role("button", name="Dépublier").click()

    history = page.locator("table", has=page.get_by_role("columnheader", name="Motif"))
    expect(page.locator("#messages")).to_contain_text(
        f"Le document {invoice.number} est retiré de l’espace client."
    )
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history).to_contain_text("Montant à corriger")
    expect(history).to_contain_text("agnes@labo.test")
    screenshot("lab-document-detail")


def test_filter_and_back_button(page, documents):
    note, invoice, quote = documents
    log_in(page, "agnes@labo.test")
    page.evaluate("window.__marker = 1")

    page.get_by_label("Type").select_option("invoice")
    page.get_by_role("button", name="Filtrer").click()

    expect(page.locator(f"#document-{note.id}")).to_have_count(0)
    expect(page.locator(f"#document-{invoice.id}")).to_be_visible()
    assert "kind=invoice" in page.url
    assert page.evaluate("window.__marker") == 1

    page.go_back()

    expect(page.locator(f"#document-{note.id}")).to_be_visible()
    expect(page.locator(f"#document-{quote.id}")).to_be_visible()
    assert "kind=invoice" not in page.url
