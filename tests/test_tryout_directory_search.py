"""Directory search as a lab secretary types it: without accents or capitals."""

import pytest

from tests.factories import make_client, make_lab, make_staff


@pytest.fixture
def logged_in(app, client, auth):
    lab = make_lab()
    make_client(
        lab, "Cabinet du Dr Jérôme Fournier", city="Écully", email="contact@fournier.example"
    )
    staff = make_staff(lab, "agnes@example.org")
    auth.login(staff.email)
    return staff


@pytest.mark.parametrize("typed", ["ecully", "ECULLY", "jerome", "JÉRÔME"])
def test_search_ignores_accents_and_case(client, logged_in, typed):
    body = client.get("/labo/clients/", query_string={"q": typed}).get_data(as_text=True)
    assert "Cabinet du Dr Jérôme Fournier" in body
