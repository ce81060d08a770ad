"""Login and its rate limit, forgotten passwords and invitation links."""

import re
import time

import pytest
from itsdangerous.timed import TimestampSigner

from app.models import Notification, NotificationKind, SpaceAccess, SpaceStatus, User
from app.services.accounts import TokenPurpose, authenticate, make_account_token
from tests.factories import (
    PASSWORD,
    grant_space,
    make_client,
    make_lab,
    make_staff,
    make_user,
    record_enqueued,
)

NEW_PASSWORD = "une phrase de passe neuve"
COMBINED_MESSAGE = "Adresse e-mail ou mot de passe incorrect."
BLOCKED_MESSAGE = "Trop de tentatives de connexion."


@pytest.fixture
def enqueued(monkeypatch):
    return record_enqueued(monkeypatch)


@pytest.fixture
def user(app):
    return make_user("dr.martin@example.com", name="Dr Claire Martin")


def old_token(monkeypatch, user: User, purpose: str, age: int) -> str:
    """Make a link token as if it had been sent `age` seconds ago."""
    issued = int(time.time()) - age
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        return make_account_token(user, purpose)


def new_password_form(password: str = NEW_PASSWORD, **extra) -> dict:
    return {"password": password, "confirmation": password, **extra}


def is_logged_in(client) -> bool:
    return client.get("/choisir").status_code == 200


# Login


def test_login_page_renders(client):
    response = client.get("/connexion")

    assert response.status_code == 200
    assert "Mot de passe oublié ?" in response.text


def test_login_success(client, auth, user):
    response = auth.login(user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/choisir"


def test_login_ignores_address_case(client, auth, user):
    response = auth.login("  DR.Martin@Example.com ")

    assert response.headers["Location"] == "/choisir"


def test_login_wrong_password_message(client, auth, user):
    response = auth.login(user.email, "mauvais mot de passe")

    assert response.status_code == 422
    assert COMBINED_MESSAGE in response.text


def test_login_unknown_address_same_message(client, auth, user):
    wrong_password = auth.login(user.email, "mauvais mot de passe")
    unknown = auth.login("inconnu@example.com", "mauvais mot de passe")

    assert unknown.status_code == wrong_password.status_code
    assert COMBINED_MESSAGE in unknown.text


def test_login_invited_user_refused(client, auth):
    make_user("invite@example.com", password=False)

    response = auth.login("invite@example.com", "")

    assert response.status_code == 422


def test_login_blocked_after_max_failures(app, client, auth, user):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login(user.email, "mauvais mot de passe")

    response = auth.login(user.email)

    assert response.status_code == 429
    assert BLOCKED_MESSAGE in response.text
    assert not is_logged_in(client)


def test_login_allowed_below_max_failures(app, client, auth, user):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        auth.login(user.email, "mauvais mot de passe")

    response = auth.login(user.email)

    assert response.status_code == 302


def test_login_block_counts_unknown_address(app, client, auth):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("inconnu@example.com", "mauvais mot de passe")

    response = auth.login("inconnu@example.com", "mauvais mot de passe")

    assert response.status_code == 429


def test_login_block_is_per_address(app, client, auth, user):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("autre@example.com", "mauvais mot de passe")

    response = auth.login(user.email)

    assert response.status_code == 302


def test_login_next_local_path(client, user):
    response = client.post(
        "/connexion?next=/labo/clients/?q=dupont",
        data={"email": user.email, "password": PASSWORD},
    )

    assert response.headers["Location"] == "/labo/clients/?q=dupont"


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_next_other_site_ignored(client, user, target):
    response = client.post(
        "/connexion",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )

    assert response.headers["Location"] == "/choisir"


# Forgotten password


def test_forgot_page_renders(client):
    response = client.get("/mot-de-passe-oublie")

    assert response.status_code == 200
    assert 'name="email"' in response.text


def test_forgot_invalid_address(client, enqueued):
    response = client.post("/mot-de-passe-oublie", data={"email": "pas-une-adresse"})

    assert response.status_code == 422
    assert "Cette adresse e-mail n’est pas valide." in response.text


def test_forgot_writes_reset_row(client, user, enqueued):
    response = client.post("/mot-de-passe-oublie", data={"email": "Dr.Martin@example.com"})

    row = Notification.get(Notification.user == user.id)
    assert response.status_code == 302
    assert row.kind == NotificationKind.PASSWORD_RESET
    assert enqueued == [row.id]


def test_forgot_unknown_address_writes_nothing(client, user, enqueued):
    response = client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.com"})

    assert response.status_code == 302
    assert Notification.select().count() == 0
    assert enqueued == []


def test_forgot_same_answer(client, user, enqueued):
    known = client.post("/mot-de-passe-oublie", data={"email": user.email}, follow_redirects=True)
    unknown = client.post(
        "/mot-de-passe-oublie", data={"email": "inconnu@example.com"}, follow_redirects=True
    )

    assert known.status_code == unknown.status_code
    assert known.request.path == unknown.request.path
    assert "un e-mail vient de lui être envoyé" in known.text
    assert "valable 2\u00a0heures" in known.text
    assert known.text.replace(user.email, "ADDRESS") == unknown.text.replace(
        "inconnu@example.com", "ADDRESS"
    )


def test_forgot_inactive_user_writes_nothing(client, enqueued):
    make_user("parti@example.com", is_active=False)

    client.post("/mot-de-passe-oublie", data={"email": "parti@example.com"})

    assert Notification.select().count() == 0


def test_forgot_rate_limited_per_address(client, user, enqueued):
    for _ in range(3):
        client.post("/mot-de-passe-oublie", data={"email": user.email})

    response = client.post("/mot-de-passe-oublie", data={"email": user.email})

    assert response.status_code == 429
    assert "Trop de demandes de réinitialisation." in response.text
    assert Notification.select().count() == 3


def test_forgot_rate_limit_counts_unknown(client, enqueued):
    for _ in range(3):
        client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.com"})

    response = client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.com"})

    assert response.status_code == 429


def test_forgot_rate_limit_per_address_only(client, user, enqueued):
    for _ in range(3):
        client.post("/mot-de-passe-oublie", data={"email": "autre@example.com"})

    response = client.post("/mot-de-passe-oublie", data={"email": user.email})

    assert response.status_code == 302


def test_forgot_rate_limit_per_ip(app, client, enqueued):
    app.config["PASSWORD_RESET_MAX_REQUESTS_PER_IP"] = 4
    for number in range(4):
        client.post("/mot-de-passe-oublie", data={"email": f"a{number}@example.com"})

    response = client.post("/mot-de-passe-oublie", data={"email": "a9@example.com"})

    assert response.status_code == 429


# Reset link


def test_reset_page_renders(client, user):
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)

    response = client.get(f"/mot-de-passe/{token}")

    assert response.status_code == 200
    assert user.email in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_reset_garbage_token_404(client):
    response = client.get("/mot-de-passe/pas-un-jeton")

    assert response.status_code == 404
    assert "Ce lien n’est pas valable" in response.text


def test_reset_invitation_token_refused(client, user):
    token = make_account_token(user, TokenPurpose.INVITATION)

    assert client.get(f"/mot-de-passe/{token}").status_code == 404


def test_reset_expired_token_410(app, client, user, monkeypatch):
    age = app.config["PASSWORD_RESET_MAX_AGE"] + 60
    token = old_token(monkeypatch, user, TokenPurpose.PASSWORD_RESET, age)

    response = client.get(f"/mot-de-passe/{token}")

    assert response.status_code == 410
    assert "Ce lien a expiré" in response.text
    assert 'href="/mot-de-passe-oublie"' in response.text


def test_reset_token_still_valid_before_expiry(app, client, user, monkeypatch):
    age = app.config["PASSWORD_RESET_MAX_AGE"] - 60
    token = old_token(monkeypatch, user, TokenPurpose.PASSWORD_RESET, age)

    assert client.get(f"/mot-de-passe/{token}").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (new_password_form("court"), "au moins 10 caractères"),
        ({"password": NEW_PASSWORD, "confirmation": "autre chose"}, "ne sont pas identiques"),
        (new_password_form(""), "Choisissez un mot de passe."),
    ],
)
def test_reset_invalid_password(client, user, data, message):
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)

    response = client.post(f"/mot-de-passe/{token}", data=data)

    assert response.status_code == 422
    assert message in response.text
    assert authenticate(user.email, PASSWORD) is not None


def test_reset_sets_password_and_logs_in(client, user):
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)

    response = client.post(f"/mot-de-passe/{token}", data=new_password_form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/choisir"
    assert authenticate(user.email, NEW_PASSWORD) is not None
    assert authenticate(user.email, PASSWORD) is None
    assert is_logged_in(client)


def test_reset_token_used_twice(client, user):
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)
    client.post(f"/mot-de-passe/{token}", data=new_password_form())

    again = client.post(f"/mot-de-passe/{token}", data=new_password_form("encore un autre"))

    assert again.status_code == 404
    assert authenticate(user.email, NEW_PASSWORD) is not None


def test_reset_clears_login_block(app, client, auth, user):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login(user.email, "mauvais mot de passe")
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)
    client.post(f"/mot-de-passe/{token}", data=new_password_form())
    auth.logout()

    response = auth.login(user.email, NEW_PASSWORD)

    assert response.status_code == 302


def test_reset_inactive_user_refused(client):
    user = make_user("parti@example.com", is_active=False)
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)

    assert client.get(f"/mot-de-passe/{token}").status_code == 404


def test_reset_opens_invited_spaces(client):
    user = make_user("invite@example.com", password=False)
    grant_space(user, make_client(make_lab()), status=SpaceStatus.INVITED)
    token = make_account_token(user, TokenPurpose.PASSWORD_RESET)

    client.post(f"/mot-de-passe/{token}", data=new_password_form())

    assert SpaceAccess.get(SpaceAccess.user == user.id).status == SpaceStatus.ACTIVE


def test_reset_flow_end_to_end(client, auth, user, enqueued):
    client.post("/mot-de-passe-oublie", data={"email": user.email})
    row = Notification.get_by_id(enqueued[0])
    # The e-mail job builds this token for the row's user; the test builds it the same way.
    token = make_account_token(User.get_by_id(row.user_id), TokenPurpose.PASSWORD_RESET)

    client.post(f"/mot-de-passe/{token}", data=new_password_form())
    auth.logout()

    assert auth.login(user.email, NEW_PASSWORD).headers["Location"] == "/choisir"
    assert client.get(f"/mot-de-passe/{token}").status_code == 404


# Invitation link


@pytest.fixture
def invited(app):
    """A user invited to two spaces of one lab, who has no password yet."""
    lab = make_lab("Laboratoire Dentaire Bellecour")
    user = make_user("invite@example.com", password=False)
    grant_space(user, make_client(lab, "Cabinet du Parc"), status=SpaceStatus.INVITED)
    grant_space(user, make_client(lab, "Centre des Lilas"), status=SpaceStatus.INVITED)
    return user


def test_invitation_page_lists_spaces(client, invited):
    token = make_account_token(invited, TokenPurpose.INVITATION)

    response = client.get(f"/invitation/{token}")

    assert response.status_code == 200
    assert "Cabinet du Parc" in response.text
    assert "Centre des Lilas" in response.text
    assert "Laboratoire Dentaire Bellecour" in response.text
    assert "invite@example.com" in response.text


def test_invitation_page_lists_staff_lab(client):
    lab = make_lab("Laboratoire Dentaire Bellecour")
    user = make_staff(lab, "nouvelle@example.com")
    user.password_hash = None
    user.save()
    token = make_account_token(user, TokenPurpose.INVITATION)

    response = client.get(f"/invitation/{token}")

    assert response.status_code == 200
    assert "Laboratoire Dentaire Bellecour" in response.text


def test_invitation_activates_and_logs_in(client, invited):
    token = make_account_token(invited, TokenPurpose.INVITATION)

    response = client.post(f"/invitation/{token}", data=new_password_form(name="  Dr Paul Durand "))

    assert response.status_code == 302
    assert response.headers["Location"] == "/choisir"
    statuses = [access.status for access in SpaceAccess.select()]
    assert statuses == [SpaceStatus.ACTIVE, SpaceStatus.ACTIVE]
    assert User.get_by_id(invited.id).name == "Dr Paul Durand"
    assert is_logged_in(client)


def test_invitation_without_name_keeps_name(client):
    user = make_user("invite@example.com", password=False, name="Dr Paul Durand")
    grant_space(user, make_client(make_lab()), status=SpaceStatus.INVITED)
    token = make_account_token(user, TokenPurpose.INVITATION)

    client.post(f"/invitation/{token}", data=new_password_form(name=""))

    assert User.get_by_id(user.id).name == "Dr Paul Durand"


def test_invitation_invalid_password(client, invited):
    token = make_account_token(invited, TokenPurpose.INVITATION)

    response = client.post(f"/invitation/{token}", data=new_password_form("court"))

    assert response.status_code == 422
    assert SpaceAccess.get(SpaceAccess.user == invited.id).status == SpaceStatus.INVITED


def test_invitation_used_twice(client, auth, invited):
    token = make_account_token(invited, TokenPurpose.INVITATION)
    client.post(f"/invitation/{token}", data=new_password_form())
    auth.logout()

    response = client.get(f"/invitation/{token}")

    assert response.status_code == 404
    assert "Ce lien n’est pas valable" in response.text


def test_invitation_of_user_with_password_refused(client, user):
    grant_space(user, make_client(make_lab()), status=SpaceStatus.INVITED)
    token = make_account_token(user, TokenPurpose.INVITATION)

    assert client.get(f"/invitation/{token}").status_code == 404


def test_invitation_expired_410(app, client, invited, monkeypatch):
    age = app.config["INVITATION_MAX_AGE"] + 60
    token = old_token(monkeypatch, invited, TokenPurpose.INVITATION, age)

    response = client.get(f"/invitation/{token}")

    assert response.status_code == 410
    assert "demandez au laboratoire de vous renvoyer l’invitation" in response.text.lower()


def test_invitation_after_access_removed(client, invited):
    token = make_account_token(invited, TokenPurpose.INVITATION)
    SpaceAccess.delete().execute()

    assert client.get(f"/invitation/{token}").status_code == 404


def test_invitation_reset_token_refused(client, invited):
    token = make_account_token(invited, TokenPurpose.PASSWORD_RESET)

    assert client.get(f"/invitation/{token}").status_code == 404


def test_invitation_replaces_current_session(client, auth, user, invited):
    auth.login(user.email)
    token = make_account_token(invited, TokenPurpose.INVITATION)

    client.post(f"/invitation/{token}", data=new_password_form())

    response = client.get("/choisir")
    assert "Dr Claire Martin" not in response.text
    assert "Cabinet du Parc" in response.text


def test_reset_email_end_to_end(smtp_config, client, auth, user, run_jobs, smtp_sink):
    client.post("/mot-de-passe-oublie", data={"email": user.email})

    run_jobs()

    assert [message["To"].addresses[0].addr_spec for message in smtp_sink.messages] == [user.email]
    body = smtp_sink.messages[0].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"http://127\.0\.0\.1:5000(/mot-de-passe/[^\s\"<>]+)", body).group(1)
    assert client.post(path, data=new_password_form()).headers["Location"] == "/choisir"
    auth.logout()
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    assert client.get(path).status_code == 404
