"""The lab's client directory: list, search, filters, client forms and space users."""

import re
from datetime import datetime

import pytest
from flask import template_rendered
from peewee import Table
from playhouse.migrations import Runner
from playhouse.test_utils import count_queries

from app.database import database
from app.models import (
    Client,
    ClientKind,
    Notification,
    NotificationKind,
    SpaceAccess,
    SpaceStatus,
    User,
)
from app.services import directory
from app.services.schema import MIGRATIONS_DIR
from tests.factories import (
    grant_space,
    make_client,
    make_lab,
    make_staff,
    make_user,
    record_enqueued,
)

HTMX = {"HX-Request": "true"}

# The client table's columns before migration 0002, except the id.
OLD_CLIENT_COLUMNS = (
    "lab_id",
    "code",
    "name",
    "kind",
    "email",
    "postal_code",
    "city",
    "payment_terms_days",
    "created_at",
)

TERMS_MESSAGE = "Saisissez le délai de paiement : un nombre entier de jours entre 0 et 120."


@pytest.fixture
def lab(app):
    return make_lab()


@pytest.fixture
def staff(lab):
    return make_staff(lab, "agnes@example.org")


@pytest.fixture
def logged_in(auth, staff):
    auth.login(staff.email)
    return staff


@pytest.fixture
def other_client(app):
    """A client of another lab, which this lab's staff must never reach."""
    return make_client(make_lab("Autre Laboratoire"), "Cabinet d’ailleurs", code="X0001")


@pytest.fixture
def enqueued(monkeypatch):
    return record_enqueued(monkeypatch)


@pytest.fixture
def templates(app):
    """The names of the templates rendered during the test, in order."""
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


def row_names(html: str) -> list[str]:
    """Return the client names linked from the directory table, in order."""
    return re.findall(r'<td><a href="/labo/clients/\d+/">([^<]+)</a></td>', html)


def client_form(**changes) -> dict:
    data = {
        "code": "DUP01",
        "name": "Cabinet Dupont",
        "kind": ClientKind.INDEPENDENT,
        "group": "",
        "email": "contact@example.net",
        "phone": "04 78 00 00 00",
        "address": "3 place Bellecour",
        "postal_code": "69002",
        "city": "Lyon",
        "payment_terms_days": "45",
        "notes": "",
    }
    data.update(changes)
    return data


# Access


def test_index_requires_login(client):
    response = client.get("/labo/clients/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_index_hidden_from_client_user(client, auth, lab):
    user = make_user("dentiste@example.com")
    grant_space(user, make_client(lab))
    auth.login(user.email)

    assert client.get("/labo/clients/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/labo/clients/{id}/"),
        ("get", "/labo/clients/{id}/modifier"),
        ("post", "/labo/clients/{id}/modifier"),
        ("post", "/labo/clients/{id}/utilisateurs"),
        ("post", "/labo/clients/{id}/utilisateurs/{access}/renvoyer"),
        ("get", "/labo/clients/{id}/utilisateurs/{access}/retirer"),
        ("post", "/labo/clients/{id}/utilisateurs/{access}/retirer"),
    ],
)
def test_other_lab_client_404(client, logged_in, other_client, method, path):
    access = grant_space(make_user(password=False), other_client, status=SpaceStatus.INVITED)
    url = path.format(id=other_client.id, access=access.id)

    response = getattr(client, method)(url, data={"email": "x@example.com", **client_form()})

    assert response.status_code == 404
    assert SpaceAccess.select().count() == 1
    assert Client.get_by_id(other_client.id).name == "Cabinet d’ailleurs"


# Directory list


def test_index_lists_own_lab_only(client, logged_in, lab, other_client):
    make_client(lab, "Cabinet Bellecour")

    response = client.get("/labo/clients/")

    assert response.status_code == 200
    assert row_names(response.text) == ["Cabinet Bellecour"]


def test_index_columns(client, logged_in, lab):
    group = make_client(lab, "Groupe Santé Sourire", kind=ClientKind.GROUP, code="GRP1")
    member = make_client(
        lab, "Cabinet Sourire Part-Dieu", kind=ClientKind.GROUP_MEMBER, group=group, city="Lyon"
    )
    grant_space(make_user(), member)
    grant_space(make_user(password=False), member, status=SpaceStatus.INVITED)

    response = client.get("/labo/clients/?kind=group_member")

    cells = re.findall(r"<td[^>]*>(.*?)</td>", response.text)
    assert cells[0] == member.code
    assert "Cabinet Sourire Part-Dieu" in cells[1]
    assert cells[2] == "Membre de groupe"
    assert cells[3] == "Groupe Santé Sourire"
    assert cells[4] == "Lyon"
    assert cells[5] == "2"


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("dupont", ["Cabinet DUPONT"]),
        ("DUP", ["Cabinet DUPONT"]),
        ("c9", ["Centre Dentaire Croix-Rousse"]),
        ("villeurbanne", ["Cabinet DUPONT"]),
        ("ROUSSE@", ["Centre Dentaire Croix-Rousse"]),
        ("%", []),
        ("zzz", []),
    ],
)
def test_search_fields(client, logged_in, lab, search, expected):
    make_client(lab, "Cabinet DUPONT", code="A100", city="Villeurbanne", email="a@dupont.test")
    make_client(
        lab, "Centre Dentaire Croix-Rousse", code="C900", city="Lyon", email="croix-rousse@cd.test"
    )

    response = client.get("/labo/clients/", query_string={"q": search})

    assert row_names(response.text) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ecully", ["Cabinet du Dr Jérôme Fournier"]),
        ("  JÉRÔME   fournier ", ["Cabinet du Dr Jérôme Fournier"]),
        ("69130", ["Cabinet du Dr Jérôme Fournier"]),
        ("coeur", ["Clinique du Sacré-Cœur"]),
        ("SACRE-CŒUR", ["Clinique du Sacré-Cœur"]),
        ("d'oc", ["Clinique du Sacré-Cœur"]),
        ("a_b", ["Cabinet A_B"]),
        ("\\", []),
    ],
)
def test_search_folds_accents(client, logged_in, lab, search, expected):
    make_client(lab, "Cabinet du Dr Jérôme Fournier", city="Écully", postal_code="69130")
    make_client(lab, "Clinique du Sacré-Cœur", city="Pays d’Oc")
    make_client(lab, "Cabinet A_B")
    make_client(lab, "Cabinet AxB")

    response = client.get("/labo/clients/", query_string={"q": search})

    assert row_names(response.text) == expected


def test_search_follows_edit(client, logged_in, lab):
    edited = make_client(lab, "Cabinet Dupont", code="DUP01", city="Lyon")

    client.post(f"/labo/clients/{edited.id}/modifier", data=client_form(city="Écully"))

    assert row_names(client.get("/labo/clients/?q=ecully").text) == ["Cabinet Dupont"]
    assert row_names(client.get("/labo/clients/?q=lyon").text) == []


def test_sort_ignores_accents_and_case(client, logged_in, lab):
    for name in ("karine", "Jérôme", "Émile", "isabelle", "Jean"):
        make_client(lab, name)

    response = client.get("/labo/clients/")

    assert row_names(response.text) == ["Émile", "isabelle", "Jean", "Jérôme", "karine"]


def test_filters_opt_out_of_history_cache(client, logged_in):
    response = client.get("/labo/clients/?kind=group")

    form = re.search(r'<form method="get"[^>]*>', response.text).group(0)
    assert 'hx-history="false"' in form


def test_kind_filter(client, logged_in, lab):
    group = make_client(lab, "Groupe Alpha", kind=ClientKind.GROUP)
    make_client(lab, "Membre Alpha", kind=ClientKind.GROUP_MEMBER, group=group)
    make_client(lab, "Cabinet Seul")

    names = {
        kind: row_names(client.get(f"/labo/clients/?kind={kind}").text)
        for kind in ("all", "independent", "group", "group_member", "nonsense")
    }

    assert names["all"] == ["Cabinet Seul", "Groupe Alpha", "Membre Alpha"]
    assert names["independent"] == ["Cabinet Seul"]
    assert names["group"] == ["Groupe Alpha"]
    assert names["group_member"] == ["Membre Alpha"]
    assert names["nonsense"] == names["all"]


def test_kind_filter_selected_option(client, logged_in, lab):
    response = client.get("/labo/clients/?kind=group")

    assert '<option value="group" selected>' in response.text
    assert '<option value="all">' in response.text


def test_paging_fifty_per_page(client, logged_in, lab):
    for number in range(120):
        make_client(lab, f"Cabinet {number:03d}", code=f"P{number:03d}")

    first = client.get("/labo/clients/")
    last = client.get("/labo/clients/?page=3")

    assert len(row_names(first.text)) == 50
    assert row_names(first.text)[0] == "Cabinet 000"
    assert len(row_names(last.text)) == 20
    assert "Page 3 sur 3" in last.text


def test_page_past_end_shows_last(client, logged_in, lab):
    make_client(lab, "Cabinet Unique")

    response = client.get("/labo/clients/?page=9")

    assert row_names(response.text) == ["Cabinet Unique"]


def test_search_and_kind_survive_paging(client, logged_in, lab):
    for number in range(60):
        make_client(lab, f"Cabinet Lyon {number:02d}", code=f"L{number:02d}")
    make_client(lab, "Cabinet Paris", code="PAR")

    response = client.get("/labo/clients/?q=lyon&kind=independent")

    assert 'href="/labo/clients/?q=lyon&amp;kind=independent&amp;page=2"' in response.text
    second = client.get("/labo/clients/?q=lyon&kind=independent&page=2")
    assert len(row_names(second.text)) == 10
    assert "Cabinet Paris" not in second.text


def test_kind_all_survives_paging(client, logged_in, lab):
    for number in range(55):
        make_client(lab, f"Cabinet {number:02d}", code=f"T{number:02d}")

    response = client.get("/labo/clients/?kind=all")

    assert 'href="/labo/clients/?kind=all&amp;page=2"' in response.text
    second = client.get("/labo/clients/?kind=all&page=2")
    assert '<option value="all" selected>' in second.text
    assert 'href="/labo/clients/?kind=all&amp;page=1"' in second.text


def test_htmx_gets_results_partial(client, logged_in, lab, templates):
    make_client(lab, "Cabinet Bellecour")

    response = client.get("/labo/clients/?q=bell", headers=HTMX)

    assert templates == ["partials/lab_clients/results.html"]
    assert "<html" not in response.text
    assert row_names(response.text) == ["Cabinet Bellecour"]
    assert "HX-Request" in response.headers["Vary"]


def test_same_url_without_htmx_full_page(client, logged_in, lab, templates):
    response = client.get("/labo/clients/?q=bell")

    assert templates[0] == "lab_clients/index.html"
    assert "<html" in response.text
    assert 'hx-trigger="input changed delay:300ms, search"' in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_history_restore_gets_full_page(client, logged_in, lab):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}

    response = client.get("/labo/clients/?q=bell", headers=headers)

    assert "<html" in response.text


def test_empty_directory_message(client, logged_in):
    response = client.get("/labo/clients/")

    assert "Votre annuaire est vide" in response.text


def test_no_match_message(client, logged_in, lab):
    make_client(lab, "Cabinet Bellecour")

    response = client.get("/labo/clients/?q=introuvable")

    assert "Aucun client ne correspond" in response.text


def test_list_query_count_constant(client, logged_in, lab):
    group = make_client(lab, "Groupe", kind=ClientKind.GROUP)
    make_client(lab, "Membre", kind=ClientKind.GROUP_MEMBER, group=group)
    with count_queries() as few:
        client.get("/labo/clients/")

    for number in range(60):
        member = make_client(lab, kind=ClientKind.GROUP_MEMBER, group=group, code=f"M{number:02d}")
        grant_space(make_user(), member)
    with count_queries() as many:
        client.get("/labo/clients/")

    assert many.count == few.count


# Creating and editing clients


def test_new_form_renders(client, logged_in, lab):
    make_client(lab, "Groupe Santé", kind=ClientKind.GROUP)

    response = client.get("/labo/clients/nouveau")

    assert response.status_code == 200
    assert "Groupe Santé" in response.text
    assert 'value="30"' in response.text


def test_create_client(client, logged_in, lab):
    response = client.post("/labo/clients/nouveau", data=client_form())

    created = Client.get(Client.code == "DUP01")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/labo/clients/{created.id}/"
    assert created.lab_id == lab.id
    assert created.payment_terms_days == 45
    assert created.postal_code == "69002"
    assert created.notes is None


def test_create_group_member(client, logged_in, lab):
    group = make_client(lab, "Groupe Santé", kind=ClientKind.GROUP)

    client.post(
        "/labo/clients/nouveau",
        data=client_form(kind=ClientKind.GROUP_MEMBER, group=str(group.id)),
    )

    assert Client.get(Client.code == "DUP01").group_id == group.id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "  "}, "Saisissez le code du client."),
        ({"name": ""}, "Saisissez le nom du client."),
        ({"email": "pas-une-adresse"}, "Cette adresse e-mail n’est pas valide."),
        ({"postal_code": "6900"}, "Le code postal compte 5 chiffres"),
        ({"payment_terms_days": "121"}, TERMS_MESSAGE),
        ({"payment_terms_days": "-1"}, TERMS_MESSAGE),
        ({"payment_terms_days": ""}, TERMS_MESSAGE),
        ({"name": "N" * 201}, "Le nom ne doit pas dépasser 200 caractères."),
        ({"code": "C" * 21}, "Le code ne doit pas dépasser 20 caractères."),
        # Upper case turns each « ß » into « SS »: 20 characters typed, 40 stored.
        ({"code": "ß" * 20}, "Le code ne doit pas dépasser 20 caractères."),
        ({"phone": "0" * 31}, "Le téléphone ne doit pas dépasser 30 caractères."),
        ({"address": "A" * 301}, "L’adresse postale ne doit pas dépasser 300 caractères."),
        ({"city": "V" * 101}, "La ville ne doit pas dépasser 100 caractères."),
        (
            {"email": "a" * 250 + "@example.net"},
            "L’adresse e-mail ne doit pas dépasser 254 caractères.",
        ),
        ({"kind": "dentist"}, 'class="field-error"'),
        (
            {"kind": ClientKind.GROUP_MEMBER},
            "Choisissez le groupe dont ce client est membre.",
        ),
    ],
)
def test_create_invalid(client, logged_in, changes, message):
    response = client.post("/labo/clients/nouveau", data=client_form(**changes))

    assert response.status_code == 422
    assert message in response.text
    assert Client.select().count() == 0


@pytest.mark.parametrize("typed", ["1e3", "30,5", "30.5", "trente", "٣٠", "+30", "0x1e"])
def test_payment_terms_one_message(client, logged_in, typed):
    response = client.post("/labo/clients/nouveau", data=client_form(payment_terms_days=typed))

    assert response.status_code == 422
    assert response.text.count('class="field-error"') == 1
    assert TERMS_MESSAGE in response.text
    assert "entier valide" not in response.text


def test_payment_terms_bounds_accepted(client, logged_in):
    for code, days in (("B0", " 0 "), ("B120", "120")):
        response = client.post(
            "/labo/clients/nouveau", data=client_form(code=code, payment_terms_days=days)
        )
        assert response.status_code == 302

    assert Client.get(Client.code == "B0").payment_terms_days == 0
    assert Client.get(Client.code == "B120").payment_terms_days == 120


def test_create_keeps_typed_values(client, logged_in):
    response = client.post("/labo/clients/nouveau", data=client_form(postal_code="6900"))

    assert 'value="Cabinet Dupont"' in response.text
    assert 'value="contact@example.net"' in response.text


def test_duplicate_code_field_error(client, logged_in, lab):
    make_client(lab, code="DUP01")

    response = client.post("/labo/clients/nouveau", data=client_form())

    assert response.status_code == 422
    assert "Le code DUP01 est déjà pris" in response.text


@pytest.mark.parametrize("typed", ["c0011", " C 0011 ", "c0011\t"])
def test_code_taken_whatever_case(client, logged_in, lab, typed):
    make_client(lab, code="C0011")

    response = client.post("/labo/clients/nouveau", data=client_form(code=typed))

    assert response.status_code == 422
    assert "Le code C0011 est déjà pris" in response.text
    assert Client.select().count() == 1


def test_code_taken_by_lowercase_stored_code(client, logged_in, lab):
    # Codes saved before normalization may still be in lower case.
    make_client(lab, code="c0011")

    response = client.post("/labo/clients/nouveau", data=client_form(code="C0011"))

    assert response.status_code == 422
    assert Client.select().count() == 1


def test_code_saved_upper_case(client, logged_in):
    response = client.post("/labo/clients/nouveau", data=client_form(code=" dup 01 "))

    assert response.status_code == 302
    assert Client.get().code == "DUP01"


def test_edit_keeps_own_lowercase_code(client, logged_in, lab):
    edited = make_client(lab, code="dup01")

    response = client.post(f"/labo/clients/{edited.id}/modifier", data=client_form(code="dup01"))

    assert response.status_code == 302
    assert Client.get_by_id(edited.id).code == "DUP01"


def test_code_help_in_form(client, logged_in):
    response = client.get("/labo/clients/nouveau")

    assert "Enregistré en majuscules, sans espaces" in response.text


def test_same_code_other_lab_allowed(client, logged_in, other_client):
    response = client.post("/labo/clients/nouveau", data=client_form(code=other_client.code))

    assert response.status_code == 302


def test_integrity_error_becomes_field_error(client, logged_in, lab, monkeypatch):
    # Skips the friendly check, as when a concurrent request takes the code
    # between the check and the insert: the unique index must catch it.
    monkeypatch.setattr(directory, "_check_client", lambda *args: {})
    make_client(lab, code="DUP01")

    response = client.post("/labo/clients/nouveau", data=client_form())

    assert response.status_code == 422
    assert "Le code DUP01 est déjà pris" in response.text
    assert Client.select().where(Client.code == "DUP01").count() == 1


def test_integrity_error_on_edit(client, logged_in, lab, monkeypatch):
    monkeypatch.setattr(directory, "_check_client", lambda *args: {})
    make_client(lab, code="DUP01")
    edited = make_client(lab, code="OTHER")

    response = client.post(f"/labo/clients/{edited.id}/modifier", data=client_form())

    assert response.status_code == 422
    assert "Le code DUP01 est déjà pris" in response.text
    assert Client.get_by_id(edited.id).code == "OTHER"


def test_group_of_other_lab_rejected(client, logged_in, other_client):
    other_client.kind = ClientKind.GROUP
    other_client.save()

    response = client.post(
        "/labo/clients/nouveau",
        data=client_form(kind=ClientKind.GROUP_MEMBER, group=str(other_client.id)),
    )

    assert response.status_code == 422
    assert "Ce groupe n’existe pas dans votre annuaire." in response.text


@pytest.mark.parametrize("group", [str(2**63), "-1", "0", "abc"])
def test_group_id_out_of_range_rejected(client, logged_in, group):
    response = client.post(
        "/labo/clients/nouveau", data=client_form(kind=ClientKind.GROUP_MEMBER, group=group)
    )

    assert response.status_code == 422
    assert "Choisissez un groupe dans la liste." in response.text
    assert Client.select().count() == 0


def test_group_that_is_not_a_group_rejected(client, logged_in, lab):
    independent = make_client(lab)

    response = client.post(
        "/labo/clients/nouveau",
        data=client_form(kind=ClientKind.GROUP_MEMBER, group=str(independent.id)),
    )

    assert response.status_code == 422


def test_group_forbidden_for_independent(client, logged_in, lab):
    group = make_client(lab, kind=ClientKind.GROUP)

    response = client.post("/labo/clients/nouveau", data=client_form(group=str(group.id)))

    assert response.status_code == 422
    assert "Seul un membre de groupe est rattaché à un groupe." in response.text


def test_group_with_members_keeps_kind(client, logged_in, lab):
    group = make_client(lab, "Groupe Alpha", kind=ClientKind.GROUP, code="GRP")
    make_client(lab, kind=ClientKind.GROUP_MEMBER, group=group)

    response = client.post(
        f"/labo/clients/{group.id}/modifier",
        data=client_form(code="GRP", kind=ClientKind.INDEPENDENT),
    )

    assert response.status_code == 422
    assert "Ce groupe a des membres" in response.text
    assert Client.get_by_id(group.id).kind == ClientKind.GROUP


def test_empty_group_can_change_kind(client, logged_in, lab):
    group = make_client(lab, kind=ClientKind.GROUP, code="GRP")

    response = client.post(
        f"/labo/clients/{group.id}/modifier",
        data=client_form(code="GRP", kind=ClientKind.INDEPENDENT),
    )

    assert response.status_code == 302
    assert Client.get_by_id(group.id).kind == ClientKind.INDEPENDENT


def test_edit_form_prefilled(client, logged_in, lab):
    group = make_client(lab, "Groupe Alpha", kind=ClientKind.GROUP)
    member = make_client(
        lab, "Cabinet Membre", kind=ClientKind.GROUP_MEMBER, group=group, postal_code="69100"
    )

    response = client.get(f"/labo/clients/{member.id}/modifier")

    assert 'value="Cabinet Membre"' in response.text
    assert 'value="69100"' in response.text
    assert f'<option selected value="{group.id}">' in response.text


def test_edit_saves(client, logged_in, lab):
    edited = make_client(lab, "Ancien nom", code="DUP01")

    response = client.post(
        f"/labo/clients/{edited.id}/modifier",
        data=client_form(name="Nouveau nom", payment_terms_days="0"),
    )

    saved = Client.get_by_id(edited.id)
    assert response.status_code == 302
    assert saved.name == "Nouveau nom"
    assert saved.payment_terms_days == 0


def test_edit_member_to_independent_drops_group(client, logged_in, lab):
    group = make_client(lab, kind=ClientKind.GROUP)
    member = make_client(lab, kind=ClientKind.GROUP_MEMBER, group=group, code="DUP01")

    client.post(f"/labo/clients/{member.id}/modifier", data=client_form(group=""))

    saved = Client.get_by_id(member.id)
    assert saved.kind == ClientKind.INDEPENDENT
    assert saved.group_id is None


# Client page and space users


def test_show_facts(client, logged_in, lab):
    group = make_client(lab, "Groupe Alpha", kind=ClientKind.GROUP)
    member = make_client(
        lab,
        "Cabinet Membre",
        kind=ClientKind.GROUP_MEMBER,
        group=group,
        phone="04 78 11 22 33",
        payment_terms_days=60,
    )

    response = client.get(f"/labo/clients/{member.id}/")

    assert response.status_code == 200
    assert "Membre de groupe" in response.text
    assert f'href="/labo/clients/{group.id}/">Groupe Alpha</a>' in response.text
    assert "04 78 11 22 33" in response.text
    assert "60 jours" in response.text


def test_show_group_members(client, logged_in, lab):
    group = make_client(lab, "Groupe Alpha", kind=ClientKind.GROUP)
    make_client(lab, "Cabinet Bêta", kind=ClientKind.GROUP_MEMBER, group=group)

    response = client.get(f"/labo/clients/{group.id}/")

    assert "Membres du groupe" in response.text
    assert "Cabinet Bêta" in response.text


def test_show_space_users(client, logged_in, lab):
    space = make_client(lab)
    grant_space(make_user("actif@example.com", name="Dr Claire Martin"), space, alerts=False)
    grant_space(make_user("invite@example.com", password=False), space, status=SpaceStatus.INVITED)

    response = client.get(f"/labo/clients/{space.id}/")

    rows = re.findall(r'<tr id="space-access-\d+">(.*?)</tr>', response.text, re.S)
    assert "actif@example.com" in rows[0]
    assert "Dr Claire Martin" in rows[0]
    assert "Actif" in rows[0]
    assert "Désactivées" in rows[0]
    assert "Renvoyer l’invitation" not in rows[0]
    assert "invite@example.com" in rows[1]
    assert "Invitation envoyée" in rows[1]
    assert "Renvoyer l’invitation" in rows[1]


def test_add_known_user(client, logged_in, lab, enqueued):
    space = make_client(lab)
    user = make_user("dr.martin@example.com")

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs", data={"email": "Dr.Martin@example.com"}
    )

    assert response.status_code == 302
    assert User.select().count() == 2
    access = SpaceAccess.get(SpaceAccess.user == user.id)
    assert access.status == SpaceStatus.ACTIVE
    row = Notification.get(Notification.user == user.id)
    assert row.kind == NotificationKind.SPACE_ADDED
    assert enqueued == [row.id]


def test_add_new_user(client, logged_in, lab, enqueued):
    space = make_client(lab)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs",
        data={"email": "secretariat@example.net"},
        follow_redirects=True,
    )

    user = User.get(User.email == "secretariat@example.net")
    assert user.password_hash is None
    assert "Une invitation a été envoyée à secretariat@example.net." in response.text
    row = Notification.get(Notification.user == user.id)
    assert row.kind == NotificationKind.INVITATION
    assert enqueued == [row.id]


def test_add_user_htmx_returns_section(client, logged_in, lab, enqueued, templates):
    space = make_client(lab)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs",
        data={"email": "secretariat@example.net"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert templates == ["partials/lab_clients/space_users.html"]
    assert "secretariat@example.net" in response.text
    assert "Invitation envoyée" in response.text


@pytest.mark.parametrize("email", ["pas-une-adresse", "", "a@b"])
def test_add_invalid_address(client, logged_in, lab, enqueued, email):
    space = make_client(lab)

    response = client.post(f"/labo/clients/{space.id}/utilisateurs", data={"email": email})

    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert User.select().count() == 1
    assert enqueued == []


def test_add_already_in_space(client, logged_in, lab, enqueued):
    space = make_client(lab)
    grant_space(make_user("dr.martin@example.com"), space)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs",
        data={"email": "dr.martin@example.com"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "Cette adresse a déjà accès à cet espace." in response.text
    assert enqueued == []


def test_add_own_staff_address(client, logged_in, lab, enqueued):
    space = make_client(lab)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs", data={"email": logged_in.email}
    )

    assert response.status_code == 302
    assert SpaceAccess.get(SpaceAccess.user == logged_in.id).status == SpaceStatus.ACTIVE


def test_resend_invitation(client, logged_in, lab, enqueued):
    space = make_client(lab)
    user = make_user("invite@example.com", password=False)
    access = grant_space(user, space, status=SpaceStatus.INVITED)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs/{access.id}/renvoyer", follow_redirects=True
    )

    row = Notification.get(Notification.user == user.id)
    assert row.kind == NotificationKind.INVITATION
    assert enqueued == [row.id]
    assert "L’invitation a été renvoyée à invite@example.com." in response.text


def test_resend_refused_for_active(client, logged_in, lab, enqueued):
    space = make_client(lab)
    access = grant_space(make_user(), space)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs/{access.id}/renvoyer", headers=HTMX
    )

    assert response.status_code == 422
    assert "aucune invitation à renvoyer" in response.text
    assert enqueued == []


def test_remove_confirmation_page(client, logged_in, lab, templates):
    space = make_client(lab, "Cabinet du Parc")
    access = grant_space(make_user("dr.martin@example.com"), space)

    response = client.get(f"/labo/clients/{space.id}/utilisateurs/{access.id}/retirer")

    assert response.status_code == 200
    assert templates[0] == "lab_clients/confirm_remove_access.html"
    assert "Oui, retirer l’accès" in response.text
    assert SpaceAccess.select().count() == 1


def test_remove_confirmation_row_htmx(client, logged_in, lab, templates):
    space = make_client(lab)
    access = grant_space(make_user(), space)

    response = client.get(
        f"/labo/clients/{space.id}/utilisateurs/{access.id}/retirer", headers=HTMX
    )

    assert templates == ["partials/lab_clients/confirm_remove_row.html"]
    assert response.text.lstrip().startswith("<tr")


def test_remove_access(client, logged_in, lab):
    space = make_client(lab)
    access = grant_space(make_user("dr.martin@example.com"), space)

    response = client.post(
        f"/labo/clients/{space.id}/utilisateurs/{access.id}/retirer", follow_redirects=True
    )

    assert SpaceAccess.select().count() == 0
    assert "dr.martin@example.com n’a plus accès à cet espace." in response.text


def test_remove_access_of_other_space_refused(client, logged_in, lab):
    space = make_client(lab)
    access = grant_space(make_user(), make_client(lab))

    confirm = client.get(f"/labo/clients/{space.id}/utilisateurs/{access.id}/retirer")
    removal = client.post(f"/labo/clients/{space.id}/utilisateurs/{access.id}/retirer")

    assert confirm.status_code == 404
    assert removal.status_code == 302
    assert SpaceAccess.select().count() == 1


def test_added_user_accepts_invitation(client, logged_in, auth, lab, enqueued):
    from app.services.accounts import TokenPurpose, make_account_token

    space = make_client(lab, "Cabinet du Parc")
    client.post(f"/labo/clients/{space.id}/utilisateurs", data={"email": "new@example.net"})
    auth.logout()
    user = User.get(User.email == "new@example.net")
    token = make_account_token(user, TokenPurpose.INVITATION)

    page = client.get(f"/invitation/{token}")
    response = client.post(
        f"/invitation/{token}",
        data={"name": "", "password": "un mot de passe sûr", "confirmation": "un mot de passe sûr"},
    )

    assert "Cabinet du Parc" in page.text
    assert response.headers["Location"] == "/choisir"
    assert SpaceAccess.get(SpaceAccess.user == user.id).status == SpaceStatus.ACTIVE


def emailed_path(message, prefix: str) -> str:
    """Return the local path of the first PUBLIC_URL link starting with `prefix` in an e-mail."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"http://127\.0\.0\.1:5000({prefix}[^\s\"<>]+)", body)
    assert match, body
    return match.group(1)


def test_invitation_email_end_to_end(
    smtp_config, client, logged_in, auth, lab, run_jobs, smtp_sink
):
    space = make_client(lab, "Cabinet du Parc")
    client.post(f"/labo/clients/{space.id}/utilisateurs", data={"email": "new@example.net"})
    auth.logout()

    run_jobs()

    assert [message["To"] for message in smtp_sink.messages] == ["new@example.net"]
    path = emailed_path(smtp_sink.messages[0], "/invitation/")
    response = client.post(
        path, data={"password": "un mot de passe sûr", "confirmation": "un mot de passe sûr"}
    )
    assert response.headers["Location"] == "/choisir"
    user = User.get(User.email == "new@example.net")
    assert SpaceAccess.get(SpaceAccess.user == user.id).status == SpaceStatus.ACTIVE
    assert client.get(path).status_code == 404


def test_space_added_email_sent(smtp_config, client, logged_in, lab, run_jobs, smtp_sink):
    space = make_client(lab, "Cabinet du Parc")
    make_user("dr.martin@example.com")
    client.post(f"/labo/clients/{space.id}/utilisateurs", data={"email": "dr.martin@example.com"})

    run_jobs()

    assert [message["To"] for message in smtp_sink.messages] == ["dr.martin@example.com"]
    row = Notification.get(Notification.kind == NotificationKind.SPACE_ADDED)
    assert row.status == "sent"


# Migration of the search columns


def test_migration_fills_search_columns(app, lab):
    runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
    user = make_user("dr.fournier@example.com")
    runner.down("0002_client_search_text")
    try:
        table = Table("client", ("id", *OLD_CLIENT_COLUMNS)).bind(database.obj)
        table.insert(
            lab_id=lab.id,
            code="C0007",
            name="Cabinet du Dr Jérôme Fournier",
            kind=ClientKind.INDEPENDENT,
            email="Contact@Fournier.example",
            postal_code="69130",
            city="Écully",
            payment_terms_days=30,
            created_at=datetime(2026, 1, 5),
        ).execute()
        # PostgreSQL returns no id from an INSERT without RETURNING.
        client_id = table.select(table.id).where(table.code == "C0007").scalar()
        SpaceAccess.insert(user=user.id, client=client_id, status=SpaceStatus.ACTIVE).execute()
    finally:
        runner.up()

    migrated = Client.get_by_id(client_id)
    assert migrated.search_text == (
        "c0007 cabinet du dr jerome fournier 69130 ecully contact@fournier.example"
    )
    assert migrated.sort_name == "cabinet du dr jerome fournier"
    # SQLite rebuilds the table to add NOT NULL: the cascade must not empty space_access.
    assert SpaceAccess.select().where(SpaceAccess.client == client_id).count() == 1


def test_save_refreshes_search_columns(app, lab):
    saved = Client.create(lab=lab, code="C1", name="Cabinet Œnone", city="Écully")
    saved.city = "Sainte-Foy-lès-Lyon"
    saved.save()

    stored = Client.get_by_id(saved.id)
    assert stored.search_text == "c1 cabinet oenone sainte-foy-les-lyon"
    assert stored.sort_name == "cabinet oenone"


def test_partial_row_save_reads_missing_fields(app, lab):
    saved = Client.create(lab=lab, code="C1", name="Cabinet Bellecour", city="Lyon")
    partial = Client.select(Client.id, Client.city).where(Client.id == saved.id).get()
    partial.city = "Écully"
    partial.save()

    assert Client.get_by_id(saved.id).search_text == "c1 cabinet bellecour ecully"


def test_unrelated_change_keeps_search_columns(app, lab):
    saved = Client.create(lab=lab, code="C1", name="Cabinet Bellecour", city="Lyon")
    partial = Client.select(Client.id, Client.notes).where(Client.id == saved.id).get()
    partial.notes = "Livraison le mardi"
    partial.save()

    assert Client.get_by_id(saved.id).search_text == "c1 cabinet bellecour lyon"
