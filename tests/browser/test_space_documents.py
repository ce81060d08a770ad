"""The client space's document list in a real browser: filters, typing and the back button."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.models import DocumentKind
from tests.factories import (
    PASSWORD,
    grant_space,
    make_client,
    make_document,
    make_lab,
    make_user,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def space(app):
    """A practice's space with one published document of three kinds, and its user."""
    lab = make_lab("Laboratoire Lumière")
    practice = make_client(lab, "Cabinet Bernard")
    grant_space(make_user("alice@example.test"), practice)
    documents = {
        kind: make_document(lab, practice, kind, issue_date=date(2026, 11, day), published=True)
        for day, kind in (
            (20, DocumentKind.DELIVERY_NOTE),
            (18, DocumentKind.INVOICE),
            (15, DocumentKind.QUOTE),
        )
    }
    return {"client": practice, "documents": documents}


def log_in(page, space) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill("alice@example.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(rf"/espace/{space['client'].id}/$"))


def expect_listed(page, documents, kinds) -> None:
    """Expect exactly the documents of `kinds` in the list, once htmx has settled the swap."""
    table = page.locator("#document-list table")
    for kind, document in documents.items():
        link = table.get_by_role("link", name=document.number, exact=True)
        expect(link).to_have_count(1 if kind in kinds else 0)
    # htmx binds the triggers of swapped-in elements when it settles them.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_back_button_restores_kind_filter(page, space, screenshot):
    documents = space["documents"]
    kind_filter = page.get_by_label("Type de document")
    log_in(page, space)
    page.evaluate("window.__marker = 1")

    kind_filter.select_option(DocumentKind.DELIVERY_NOTE)
    expect_listed(page, documents, {DocumentKind.DELIVERY_NOTE})
    kind_filter.select_option(DocumentKind.INVOICE)
    expect(page).to_have_url(re.compile("kind=invoice"))
    expect_listed(page, documents, {DocumentKind.INVOICE})
    assert page.evaluate("window.__marker") == 1

    page.go_back()

    expect(page).to_have_url(re.compile("kind=delivery_note"))
    expect(kind_filter).to_have_value(DocumentKind.DELIVERY_NOTE)
    expect_listed(page, documents, {DocumentKind.DELIVERY_NOTE})
    screenshot("space-documents-back")

    page.go_back()

    expect(kind_filter).to_have_value("")
    expect_listed(page, documents, set(documents))
    assert "kind=" not in page.url


def test_typing_keeps_search_input(page, space):
    documents = space["documents"]
    search = page.get_by_label("Numéro")
    log_in(page, space)
    page.evaluate("document.getElementById('filter-search').__marker = 1")
    number = documents[DocumentKind.QUOTE].number

    search.press_sequentially(number, delay=30)

    expect(page).to_have_url(re.compile(f"q={number}"))
    expect_listed(page, documents, {DocumentKind.QUOTE})
    expect(search).to_be_focused()
    expect(search).to_have_value(number)
    assert page.evaluate("document.getElementById('filter-search').__marker") == 1


def test_back_button_restores_search(page, space):
    documents = space["documents"]
    search = page.get_by_label("Numéro")
    log_in(page, space)
    page.get_by_label("Type de document").select_option(DocumentKind.QUOTE)
    expect_listed(page, documents, {DocumentKind.QUOTE})

    search.fill("ZZZ")
    expect(page).to_have_url(re.compile("q=ZZZ"))
    expect(page.locator("#document-list")).to_contain_text("Aucun document ne correspond")

    page.go_back()

    expect(search).to_have_value("")
    expect(page.get_by_label("Type de document")).to_have_value(DocumentKind.QUOTE)
    expect_listed(page, documents, {DocumentKind.QUOTE})
