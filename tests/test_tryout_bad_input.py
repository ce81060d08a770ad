"""Bad input found while trying the product as a newcomer: it must get a 4xx, never a 500."""

import pytest

from app.models import Client, Document, User
from tests.factories import grant_space, make_client, make_document, make_lab, make_staff, make_user

# Larger than a 64-bit integer: the <int:> converter must reject it before it reaches SQLite.
HUGE_ID = "99999999999999999999"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def lab(app):
    return make_lab()


@pytest.fixture
def staff(lab):
    return make_staff(lab, "agnes@example.org")


@pytest.fixture
def dentist(lab):
    user = make_user("dentiste@example.test", name="Dr Alice Bernard")
    client = make_client(lab, "Cabinet Bernard")
    grant_space(user, client)
    make_document(lab, client, published=True)
    return user, client


@pytest.mark.parametrize(
    "path",
    [
        f"/labo/documents/{HUGE_ID}",
        f"/labo/documents/{HUGE_ID}/ligne",
        f"/labo/documents/{HUGE_ID}/depublier",
        f"/labo/clients/{HUGE_ID}/",
        f"/labo/clients/{HUGE_ID}/modifier",
    ],
)
def test_lab_huge_id_get_is_404(client, auth, staff, path):
    auth.login(staff.email)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/labo/documents/{HUGE_ID}/publier",
        f"/compte/alertes/{HUGE_ID}",
    ],
)
def test_lab_huge_id_post_is_404(client, auth, staff, path):
    auth.login(staff.email)
    assert client.post(path, headers=HTMX).status_code == 404


def test_space_huge_document_id_is_404(client, auth, dentist):
    user, space = dentist
    auth.login(user.email)
    assert client.get(f"/espace/{space.id}/documents/{HUGE_ID}").status_code == 404


def test_space_huge_client_id_is_404(client, auth, dentist):
    user, _space = dentist
    auth.login(user.email)
    assert client.get(f"/espace/{HUGE_ID}/").status_code == 404


def test_client_form_huge_group_is_422(client, auth, staff):
    auth.login(staff.email)
    response = client.post(
        "/labo/clients/nouveau",
        data={
            "code": "T0001",
            "name": "Centre dentaire Test",
            "kind": "group_member",
            "group": HUGE_ID,
            "payment_terms_days": "30",
        },
    )
    assert response.status_code == 422
    assert "Choisissez un groupe dans la liste." in response.get_data(as_text=True)
    assert not Client.select().where(Client.code == "T0001").exists()


def test_client_form_nul_name_is_400(client, auth, staff):
    # PostgreSQL rejects NUL in text and SQLite cuts the text there, so the
    # app rejects such a request before any view runs.
    auth.login(staff.email)
    response = client.post(
        "/labo/clients/nouveau",
        data={
            "code": "T0002",
            "name": "Cabinet\x00 Test",
            "kind": "independent",
            "payment_terms_days": "30",
        },
    )
    assert response.status_code == 400
    assert "La demande n’a pas pu être traitée" in response.get_data(as_text=True)
    assert not Client.select().where(Client.code == "T0002").exists()


def test_client_search_nul_is_not_500(client, auth, staff):
    auth.login(staff.email)
    assert client.get("/labo/clients/?q=%00").status_code < 500


def test_unpublish_nul_comment_rejected(client, auth, staff, lab):
    # SQLite would keep only « abc » of « abc\x00def », PostgreSQL would fail.
    auth.login(staff.email)
    document = make_document(lab, make_client(lab), published=True)
    field = f"document-{document.id}-comment"
    response = client.post(f"/labo/documents/{document.id}/depublier", data={field: "abc\x00def"})
    assert response.status_code == 400
    assert Document.get_by_id(document.id).is_published


def test_space_search_nul_is_not_500(client, auth, dentist):
    user, space = dentist
    auth.login(user.email)
    assert client.get(f"/espace/{space.id}/?q=%00").status_code < 500


def test_account_name_nul_is_400(client, auth, dentist):
    user, _space = dentist
    auth.login(user.email)
    response = client.post("/compte/profil", data={"name": "Dr\x00 Bernard", "locale": "fr"})
    assert response.status_code == 400
    assert User.get_by_id(user.id).name != "Dr"
