"""« Mon compte »: name and language, password change, e-mail alerts per space."""

import pytest

from app.i18n import catalog_path
from app.models import SpaceAccess, SpaceStatus, User
from app.services.accounts import MIN_PASSWORD_LENGTH, authenticate
from tests.factories import PASSWORD, grant_space, make_client, make_lab, make_user

HX = {"HX-Request": "true"}
NEW_PASSWORD = "une autre phrase secrète"


@pytest.fixture
def user(app):
    """A dentist with two spaces at two labs, alerts on in both."""
    user = make_user("dentiste@example.test", name="Dr Alice Bernard")
    first = make_client(make_lab("Laboratoire Lumière"), "Cabinet Bernard")
    second = make_client(make_lab("Laboratoire du Parc"), "Cabinet Bernard Annexe")
    grant_space(user, first)
    grant_space(user, second)
    return user


@pytest.fixture
def access(user) -> SpaceAccess:
    return SpaceAccess.select().where(SpaceAccess.user == user.id).order_by(SpaceAccess.id).first()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _alerts(access_id: int) -> bool:
    return SpaceAccess.get_by_id(access_id).alerts_enabled


# The page


def test_page_requires_login(client, app):
    response = client.get("/compte/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_page_shows_profile(client, auth, user):
    auth.login(user.email)
    body = _text(client.get("/compte/"))
    assert "dentiste@example.test" in body
    assert 'value="Dr Alice Bernard"' in body


def test_page_lists_spaces_with_labs(client, auth, user):
    auth.login(user.email)
    body = _text(client.get("/compte/"))
    assert "Cabinet Bernard Annexe" in body
    assert "Laboratoire Lumière" in body
    assert "Laboratoire du Parc" in body


def test_page_omits_invited_space(client, auth, user):
    pending = make_client(make_lab("Laboratoire Invitant"), "Cabinet En Attente")
    grant_space(user, pending, status=SpaceStatus.INVITED)
    auth.login(user.email)
    assert "Cabinet En Attente" not in _text(client.get("/compte/"))


# Name and language


def test_profile_saves_name_and_locale(client, auth, user):
    auth.login(user.email)
    response = client.post("/compte/profil", data={"name": "  Dr A. Bernard ", "locale": "en"})
    assert response.status_code == 302
    saved = User.get_by_id(user.id)
    assert saved.name == "Dr A. Bernard"
    assert saved.locale == "en"


def test_profile_success_flashes(client, auth, user):
    auth.login(user.email)
    response = client.post(
        "/compte/profil", data={"name": "Dr Bernard", "locale": "fr"}, follow_redirects=True
    )
    assert "Vos informations ont été enregistrées." in _text(response)


@pytest.mark.parametrize("data", [{"name": "  ", "locale": "fr"}, {"locale": "fr"}])
def test_profile_name_optional(client, auth, user, data):
    auth.login(user.email)
    response = client.post("/compte/profil", data=data)
    assert response.status_code == 302
    assert User.get_by_id(user.id).name == ""


def test_profile_without_name_shows_email(client, auth, user):
    auth.login(user.email)
    client.post("/compte/profil", data={"name": "", "locale": "fr"})
    assert User.get_by_id(user.id).display_name == "dentiste@example.test"


def test_profile_name_marked_optional(client, auth, user):
    auth.login(user.email)
    body = _text(client.get("/compte/"))
    assert "Facultatif : il est montré au laboratoire." in body
    assert "required" not in body[body.index('id="name"') - 200 : body.index('id="name"') + 200]


def test_profile_rejects_unknown_locale(client, auth, user):
    auth.login(user.email)
    response = client.post("/compte/profil", data={"name": "Dr Bernard", "locale": "de"})
    assert response.status_code == 422
    assert "Choisissez le français ou l’anglais." in _text(response)
    assert User.get_by_id(user.id).locale is None


def test_profile_rejects_long_name(client, auth, user):
    auth.login(user.email)
    response = client.post("/compte/profil", data={"name": "x" * 201, "locale": "fr"})
    assert response.status_code == 422


def test_locale_change_switches_pages(client, auth, user):
    auth.login(user.email)
    client.post("/compte/profil", data={"name": "Dr Bernard", "locale": "en"})
    body = _text(client.get("/compte/"))
    assert '<html lang="en">' in body


@pytest.mark.skipif(
    not catalog_path("en").exists(), reason="the English catalog is not written yet"
)
def test_locale_change_translates_pages(client, auth, user):
    auth.login(user.email)
    client.post("/compte/profil", data={"name": "Dr Bernard", "locale": "en"})
    body = _text(client.get("/compte/"))
    assert "Mon compte" not in body


def test_locale_french_by_default(client, auth, user):
    auth.login(user.email)
    assert '<html lang="fr">' in _text(client.get("/compte/"))


# Password


def _change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirmation=None):
    return client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": current,
            "password": new,
            "confirmation": new if confirmation is None else confirmation,
        },
    )


def test_password_change(client, auth, user):
    auth.login(user.email)
    response = _change_password(client)
    assert response.status_code == 302
    assert authenticate(user.email, NEW_PASSWORD) is not None
    assert authenticate(user.email, PASSWORD) is None


def test_password_change_flashes(client, auth, user):
    auth.login(user.email)
    response = client.post(
        "/compte/mot-de-passe",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Votre mot de passe a été modifié." in _text(response)


def test_password_wrong_current(client, auth, user):
    auth.login(user.email)
    response = _change_password(client, current="pas le bon mot de passe")
    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in _text(response)
    assert authenticate(user.email, PASSWORD) is not None


def test_password_too_short(client, auth, user):
    auth.login(user.email)
    response = _change_password(client, new="x" * (MIN_PASSWORD_LENGTH - 1))
    assert response.status_code == 422
    assert f"doit compter entre {MIN_PASSWORD_LENGTH} et 200 caractères" in _text(response)
    assert authenticate(user.email, PASSWORD) is not None


def test_password_minimum_length_accepted(client, auth, user):
    auth.login(user.email)
    response = _change_password(client, new="y" * MIN_PASSWORD_LENGTH)
    assert response.status_code == 302


def test_password_confirmation_mismatch(client, auth, user):
    auth.login(user.email)
    response = _change_password(client, confirmation="autre chose encore")
    assert response.status_code == 422
    assert "Les deux mots de passe ne sont pas identiques." in _text(response)


def test_password_same_as_current(client, auth, user):
    auth.login(user.email)
    response = _change_password(client, new=PASSWORD)
    assert response.status_code == 422
    assert "différent de l’actuel" in _text(response)


def test_password_wrong_current_rate_limited(client, auth, app, user):
    auth.login(user.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _change_password(client, current="pas le bon mot de passe")
    response = _change_password(client)
    assert response.status_code == 429
    assert authenticate(user.email, NEW_PASSWORD) is None


# E-mail alerts


def test_alerts_htmx_off(client, auth, access):
    auth.login(access.user.email)
    response = client.post(f"/compte/alertes/{access.id}", data={"enabled": "0"}, headers=HX)
    assert response.status_code == 200
    assert _alerts(access.id) is False


def test_alerts_htmx_swaps_small_partial(client, auth, access):
    auth.login(access.user.email)
    response = client.post(f"/compte/alertes/{access.id}", data={"enabled": "0"}, headers=HX)
    body = _text(response)
    assert "<html" not in body
    assert f'id="alerts-{access.id}"' in body
    assert "Alertes désactivées" in body
    assert len(response.data) < 2048
    assert "HX-Request" in response.headers["Vary"]


def test_alerts_htmx_on(client, auth, access):
    access.alerts_enabled = False
    access.save()
    auth.login(access.user.email)
    response = client.post(f"/compte/alertes/{access.id}", data={"enabled": "1"}, headers=HX)
    assert "Alertes activées" in _text(response)
    assert _alerts(access.id) is True


def test_alerts_plain_post_redirects(client, auth, access):
    auth.login(access.user.email)
    response = client.post(f"/compte/alertes/{access.id}", data={"enabled": "0"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/compte/#alertes")
    assert _alerts(access.id) is False


def test_alerts_plain_post_flashes(client, auth, access):
    auth.login(access.user.email)
    response = client.post(
        f"/compte/alertes/{access.id}", data={"enabled": "0"}, follow_redirects=True
    )
    assert "Alertes désactivées pour l’espace Cabinet Bernard" in _text(response)


def test_alerts_plain_post_on(client, auth, access):
    access.alerts_enabled = False
    access.save()
    auth.login(access.user.email)
    client.post(f"/compte/alertes/{access.id}", data={"enabled": "1"})
    assert _alerts(access.id) is True


def test_alerts_toggle_leaves_other_space(client, auth, user, access):
    auth.login(user.email)
    client.post(f"/compte/alertes/{access.id}", data={"enabled": "0"})
    others = SpaceAccess.select().where(SpaceAccess.user == user.id, SpaceAccess.id != access.id)
    assert all(other.alerts_enabled for other in others)


def test_alerts_of_someone_else_is_404(client, auth, user, access):
    make_user("intrus@example.test")
    auth.login("intrus@example.test")
    response = client.post(f"/compte/alertes/{access.id}", data={"enabled": "0"})
    assert response.status_code == 404
    assert _alerts(access.id) is True


def test_alerts_of_invited_access_is_404(client, auth, user):
    pending = make_client(make_lab("Laboratoire Invitant"), "Cabinet En Attente")
    invited = grant_space(user, pending, status=SpaceStatus.INVITED)
    auth.login(user.email)
    response = client.post(f"/compte/alertes/{invited.id}", data={"enabled": "0"})
    assert response.status_code == 404


def test_alerts_bad_value_is_400(client, auth, access):
    auth.login(access.user.email)
    response = client.post(f"/compte/alertes/{access.id}", data={"enabled": "peut-être"})
    assert response.status_code == 400
    assert _alerts(access.id) is True


def test_alerts_get_not_allowed(client, auth, access):
    auth.login(access.user.email)
    assert client.get(f"/compte/alertes/{access.id}").status_code == 405
