"""The client directory's search and type filter, typed and navigated in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from app.models import ClientKind
from tests.factories import PASSWORD, make_client, make_lab, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(app):
    lab = make_lab()
    make_staff(lab, email="agnes@labo.test")
    group = make_client(lab, "Groupe Alpha", kind=ClientKind.GROUP)
    make_client(lab, "Cabinet Alpha Bellecour", kind=ClientKind.GROUP_MEMBER, group=group)
    make_client(lab, "Cabinet du Dr Jérôme Fournier", city="Écully")
    return lab


def open_directory(page) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill("agnes@labo.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/labo/"))
    page.goto("/labo/clients/")


def results(page):
    return page.locator("#client-results")


def test_back_restores_kind_filter(page, directory):
    open_directory(page)
    kind = page.get_by_label("Type de client")

    kind.select_option(label="Groupes")
    page.wait_for_url(re.compile(r"kind=group$"))
    expect(results(page)).not_to_contain_text("Cabinet Alpha Bellecour")
    kind.select_option(label="Membres de groupe")
    page.wait_for_url(re.compile(r"kind=group_member"))
    expect(results(page)).to_contain_text("Cabinet Alpha Bellecour")

    page.go_back()

    page.wait_for_url(re.compile(r"kind=group$"))
    expect(results(page)).to_contain_text("Groupe Alpha")
    expect(results(page)).not_to_contain_text("Cabinet Alpha Bellecour")
    expect(kind).to_have_value("group")


def test_typing_keeps_focus_and_text(page, directory):
    open_directory(page)
    search = page.get_by_role("searchbox")
    search.click()

    # Slower than the 300 ms debounce, so results are swapped while typing.
    search.press_sequentially("jero", delay=450)

    expect(results(page)).to_contain_text("Cabinet du Dr Jérôme Fournier")
    expect(results(page)).not_to_contain_text("Groupe Alpha")
    expect(search).to_have_value("jero")
    expect(search).to_be_focused()
    assert page.evaluate("document.activeElement.selectionStart") == 4


def test_back_restores_search(page, directory):
    open_directory(page)
    search = page.get_by_role("searchbox")
    search.press_sequentially("alpha", delay=30)
    page.wait_for_url(re.compile(r"q=alpha"))
    expect(results(page)).not_to_contain_text("Jérôme")
    page.get_by_label("Type de client").select_option(label="Groupes")
    page.wait_for_url(re.compile(r"kind=group$"))

    page.go_back()

    page.wait_for_url(re.compile(r"q=alpha&kind=all$"))
    expect(search).to_have_value("alpha")
    expect(results(page)).to_contain_text("Cabinet Alpha Bellecour")

    page.go_back()

    page.wait_for_url(re.compile(r"/labo/clients/$"))
    expect(search).to_have_value("")
    expect(results(page)).to_contain_text("Jérôme")
