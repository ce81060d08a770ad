"""The English catalog is complete, and pages follow the user's locale, then the browser's."""

import re
from datetime import date
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.i18n import catalog_path, source_messages
from app.templating import money, short_date
from tests.factories import make_client, make_document, make_lab, make_staff

# A printf-style conversion such as %(name)s, %d or %.2f.
# "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrs%])")
UPDATE_HINT = "run `make translations`, then translate the new entries of the en catalog"


@pytest.fixture(scope="module")
def catalog():
    with catalog_path("en").open("rb") as source:
        return read_po(source)


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(2) != "%")


def _pairs(message) -> list[tuple[str, str]]:
    """Return (source, translation) pairs: one per plural form for a plural message."""
    if not isinstance(message.id, tuple):
        return [(message.id, message.string)]
    singular, plural = message.id
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(singular if index == 0 else plural, form) for index, form in enumerate(forms)]


def _is_translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    return all(translation for _source, translation in _pairs(message))


# The catalog


def test_catalog_covers_sources(catalog):
    missing = sorted(msgid for msgid in source_messages() if not _is_translated(catalog.get(msgid)))
    listing = "\n".join(f"  {msgid!r}" for msgid in missing)
    assert not missing, f"{len(missing)} msgid(s) without English ({UPDATE_HINT}):\n{listing}"


def test_catalog_has_no_fuzzy(catalog):
    fuzzy = sorted(str(message.id) for message in catalog if message.id and message.fuzzy)
    assert not fuzzy, "fuzzy entries, check and clear the flag:\n" + "\n".join(fuzzy)


def test_catalog_plurals_have_two_forms(catalog):
    short = [
        message.id[0] for message in catalog if message.pluralizable and len(_pairs(message)) != 2
    ]
    assert not short, f"plural entries without msgstr[0] and msgstr[1]: {short}"


def test_catalog_keeps_placeholders(catalog):
    wrong = [
        f"  {source!r}\n    -> {translation!r}"
        for message in catalog
        if message.id
        for source, translation in _pairs(message)
        if translation and _placeholders(source) != _placeholders(translation)
    ]
    assert not wrong, "placeholders differ from the msgid's:\n" + "\n".join(wrong)


def test_placeholder_pattern():
    assert _placeholders("%(count)d sur %(total)s, 50 %% de %s") == ["%(count)d", "%(total)s", "%s"]


# Locale of the pages


def _login_page(client, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    return client.get("/connexion", headers=headers).get_data(as_text=True)


def test_login_french_by_default(client):
    body = _login_page(client)
    assert '<html lang="fr">' in body
    assert "Connexion" in body
    assert "Mot de passe oublié ?" in body


def test_login_french_when_asked(client):
    body = _login_page(client, "fr-FR,fr;q=0.9")
    assert '<html lang="fr">' in body
    assert "Connexion" in body


def test_login_english_when_asked(client):
    body = _login_page(client, "en-US,en;q=0.8")
    assert '<html lang="en">' in body
    assert "Log in" in body
    assert "Forgot your password?" in body
    assert "Email address" in body
    assert "Connexion" not in body


def test_login_other_language_gets_french(client):
    assert '<html lang="fr">' in _login_page(client, "de-DE,de;q=0.9")


@pytest.fixture
def english_staff(app):
    """A lab staff member who chose English, and one unpublished delivery note of 1,234.56."""
    lab = make_lab("Laboratoire Lumière")
    staff = make_staff(lab, email="agnes@labo.test")
    staff.locale = "en"
    staff.save()
    dentist = make_client(lab, name="Cabinet du Parc")
    make_document(lab, dentist, amount="1234.56", issue_date=date(2027, 1, 5))
    return staff


def test_user_locale_translates_document_list(client, auth, english_staff):
    auth.login(english_staff.email)

    body = client.get("/labo/documents/").get_data(as_text=True)

    assert '<html lang="en">' in body
    assert "Delivery note" in body
    assert "Not published" in body
    assert "Publish to the client space" in body
    assert "Bon de livraison" not in body
    assert "Non publié" not in body


def test_user_locale_formats_document_list(client, auth, english_staff):
    auth.login(english_staff.email)

    body = client.get("/labo/documents/").get_data(as_text=True)

    assert "1/5/27" in body
    assert "€1,234.56" in body


def test_user_locale_beats_browser(client, auth, english_staff):
    auth.login(english_staff.email)

    response = client.get("/labo/documents/", headers={"Accept-Language": "fr"})

    assert "Delivery note" in response.get_data(as_text=True)


def test_user_french_beats_browser(client, auth, english_staff):
    english_staff.locale = "fr"
    english_staff.save()
    auth.login(english_staff.email)

    response = client.get("/labo/documents/", headers={"Accept-Language": "en"})

    assert "Bon de livraison" in response.get_data(as_text=True)


# Formats


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "1\u202f234,56\u00a0€"), ("en", "€1,234.56")],
)
def test_money_format(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert money(Decimal("1234.56")) == expected


@pytest.mark.parametrize(("locale", "expected"), [("fr", "05/01/2027"), ("en", "1/5/27")])
def test_date_format(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert short_date(date(2027, 1, 5)) == expected


def test_kind_label_english(app):
    from app.labels import DOCUMENT_KIND_LABELS
    from app.models import DocumentKind

    with app.test_request_context(), force_locale("en"):
        assert str(DOCUMENT_KIND_LABELS[DocumentKind.CREDIT_NOTE]) == "Credit note"
