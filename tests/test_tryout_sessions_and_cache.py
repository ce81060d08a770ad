"""Session and caching behaviour found while trying the product as a newcomer."""

from app.templating import static_url
from tests.factories import PASSWORD, grant_space, make_client, make_lab, make_user

NEW_PASSWORD = "une autre phrase secrète"


def test_static_files_cached_long(app, client):
    # The static URLs carry a content hash (?v=...), so a browser can keep
    # them: without it an old PC revalidates three files on every page.
    with app.test_request_context():
        url = static_url("app.css")
    response = client.get(url)
    assert "max-age=31536000" in response.headers.get("Cache-Control", "")


def test_password_change_ends_other_sessions(app):
    user = make_user("dentiste@example.test", name="Dr Alice Bernard")
    space = make_client(make_lab(), "Cabinet Bernard")
    grant_space(user, space)
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/connexion", data={"email": user.email, "password": PASSWORD})

    second.post(
        "/compte/mot-de-passe",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )

    response = first.get(f"/espace/{space.id}/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
