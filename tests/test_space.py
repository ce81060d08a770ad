"""The client space: lists, detail, PDF and publication pages, scoped to what a space may see."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playhouse.test_utils import count_queries

from app.models import ClientKind, DocumentKind, Notification, Payment, SpaceStatus
from app.services.publication import publish_documents, unpublish_document
from tests.factories import (
    extract_pdf_text,
    grant_space,
    make_client,
    make_document,
    make_lab,
    make_staff,
    make_user,
)

HX = {"HX-Request": "true"}


@pytest.fixture
def world(app):
    """A lab with an independent practice, a group and one of its members, each with a user."""
    lab = make_lab("Laboratoire Lumière")
    staff = make_staff(lab)
    practice = make_client(lab, "Cabinet Bernard")
    other = make_client(lab, "Cabinet Voisin")
    group = make_client(lab, "Groupe Rhône", kind=ClientKind.GROUP)
    member = make_client(lab, "Centre Part-Dieu", kind=ClientKind.GROUP_MEMBER, group=group)

    alice = make_user("alice@example.test")
    grant_space(alice, practice)
    greta = make_user("greta@example.test")
    grant_space(greta, group)
    marc = make_user("marc@example.test")
    grant_space(marc, member)

    documents = {
        "invoice": make_document(lab, practice, DocumentKind.INVOICE, "180.00", published=True),
        "delivery": make_document(
            lab, practice, DocumentKind.DELIVERY_NOTE, "95.50", date(2026, 11, 21), published=True
        ),
        "draft": make_document(lab, practice, DocumentKind.QUOTE, "40.00"),
        "other": make_document(lab, other, DocumentKind.INVOICE, "77.00", published=True),
        "member_note": make_document(
            lab, member, DocumentKind.DELIVERY_NOTE, "230.00", published=True
        ),
        "member_invoice": make_document(
            lab, member, DocumentKind.INVOICE, "230.00", published=True
        ),
        "member_proforma": make_document(
            lab, member, DocumentKind.PROFORMA, "230.00", published=True
        ),
        "group_invoice": make_document(lab, group, DocumentKind.INVOICE, "460.00", published=True),
        "group_credit": make_document(
            lab, group, DocumentKind.CREDIT_NOTE, "20.00", published=True
        ),
    }
    return {
        "lab": lab,
        "staff": staff,
        "alice": alice,
        "marc": marc,
        "practice": practice,
        "other": other,
        "group": group,
        "member": member,
        "documents": documents,
    }


def _list_url(client) -> str:
    return f"/espace/{client.id}/"


def _detail_url(client, document) -> str:
    return f"/espace/{client.id}/documents/{document.id}"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _kind_options(body: str) -> list[str]:
    """Return the option values of the « Type de document » filter, in order."""
    select = re.search(r'<select id="filter-kind".*?</select>', body, re.S)
    assert select is not None, "no kind filter in the response"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def _row_of(body: str, document) -> str:
    """Return the list row (<tr>…</tr>) of a document."""
    start = body.index(f">{document.number}</a>")
    return body[body.rindex("<tr>", 0, start) : body.index("</tr>", start)]


# Scoping


def test_anonymous_redirected_to_login(client, world):
    response = client.get(_list_url(world["practice"]))
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_space_without_access_is_404(client, auth, world):
    auth.login("alice@example.test")
    assert client.get(_list_url(world["other"])).status_code == 404


def test_invited_access_is_404(client, auth, world):
    third = make_client(world["lab"], "Cabinet Invité")
    grant_space(world["alice"], third, status=SpaceStatus.INVITED)
    auth.login("alice@example.test")
    assert client.get(_list_url(third)).status_code == 404


def test_other_client_document_is_404(client, auth, world):
    auth.login("alice@example.test")
    other = world["documents"]["other"]
    assert client.get(_detail_url(world["practice"], other)).status_code == 404
    assert client.get(_detail_url(world["practice"], other) + "/pdf").status_code == 404


def test_other_client_document_not_withdrawn_page(client, auth, world):
    auth.login("alice@example.test")
    response = client.get(_detail_url(world["practice"], world["documents"]["other"]))
    assert "Document retiré" not in _text(response)


def test_other_lab_space_is_404(client, auth, world):
    other_lab = make_lab("Autre Laboratoire")
    foreign = make_client(other_lab, "Cabinet Ailleurs")
    document = make_document(other_lab, foreign, DocumentKind.INVOICE, published=True)
    auth.login("alice@example.test")
    assert client.get(_detail_url(world["practice"], document)).status_code == 404


# Document list


def test_list_shows_published_documents(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    assert world["documents"]["invoice"].number in body
    assert world["documents"]["delivery"].number in body


def test_list_hides_unpublished_and_others(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    assert world["documents"]["draft"].number not in body
    assert world["documents"]["other"].number not in body


def test_list_newest_first(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    newer = body.index(world["documents"]["delivery"].number)
    older = body.index(world["documents"]["invoice"].number)
    assert newer < older


def test_list_shows_amounts_to_independent(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    assert "180,00\xa0€" in body
    assert "Total TTC" in body


def test_list_shows_open_space_in_topbar(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    topbar = body[body.index('<header class="topbar">') : body.index("</header>")]
    assert "Cabinet Bernard" in topbar
    assert "Laboratoire Lumière" in topbar


def test_list_empty_state(client, auth, world):
    empty = make_client(world["lab"], "Cabinet Neuf")
    user = make_user("nouveau@example.test")
    grant_space(user, empty)
    auth.login("nouveau@example.test")
    body = _text(client.get(_list_url(empty)))
    assert "Aucun document n’a encore été publié" in body


def test_list_filters_by_kind(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"]) + "?kind=delivery_note"))
    assert world["documents"]["delivery"].number in body
    assert world["documents"]["invoice"].number not in body


def test_list_ignores_unknown_kind(client, auth, world):
    auth.login("alice@example.test")
    response = client.get(_list_url(world["practice"]) + "?kind=nonsense")
    assert response.status_code == 200
    assert world["documents"]["invoice"].number in _text(response)


def test_list_searches_number(client, auth, world):
    auth.login("alice@example.test")
    number = world["documents"]["delivery"].number
    body = _text(client.get(_list_url(world["practice"]) + f"?q={number.lower()}"))
    assert number in body
    assert world["documents"]["invoice"].number not in body


def test_list_search_without_match(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"]) + "?q=ZZ%25"))
    assert "Aucun document ne correspond à ces critères." in body


def test_list_pages_by_fifty(client, auth, world):
    practice = world["practice"]
    for day in range(1, 51):
        make_document(
            world["lab"],
            practice,
            DocumentKind.DELIVERY_NOTE,
            issue_date=date(2025, 1, 1),
            published=True,
            patient_reference=f"P{day}",
        )
    auth.login("alice@example.test")
    first = _text(client.get(_list_url(practice)))
    second = _text(client.get(_list_url(practice) + "?page=2"))
    assert first.count("/pdf") == 50
    assert second.count("/pdf") == 2


def test_list_paging_keeps_filters(client, auth, world):
    practice = world["practice"]
    for _ in range(51):
        make_document(world["lab"], practice, DocumentKind.DELIVERY_NOTE, published=True)
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(practice) + "?kind=delivery_note"))
    assert "kind=delivery_note&amp;page=2" in body


def test_list_page_past_end_shows_last(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"]) + "?page=99"))
    assert world["documents"]["invoice"].number in body


def test_list_htmx_gets_partial(client, auth, world):
    auth.login("alice@example.test")
    response = client.get(_list_url(world["practice"]), headers=HX)
    assert "<html" not in _text(response)
    assert world["documents"]["invoice"].number in _text(response)
    assert "HX-Request" in response.headers["Vary"]


def test_list_htmx_partial_has_filters(client, auth, world):
    auth.login("alice@example.test")
    url = _list_url(world["practice"]) + "?kind=delivery_note&q=BL"
    body = _text(client.get(url, headers=HX))
    assert '<option value="delivery_note" selected>' in body
    assert 'name="q" value="BL"' in body


def test_list_region_swaps_whole(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"]), headers=HX))
    assert body.lstrip().startswith('<div id="document-list" hx-history="false">')
    assert 'hx-target="#document-list" hx-swap="outerHTML"' in body


def test_list_pdf_link_names_document(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    delivery = world["documents"]["delivery"]
    invoice = world["documents"]["invoice"]
    label = f'aria-label="Télécharger le PDF du bon de livraison {delivery.number}"'
    assert label in _row_of(body, delivery)
    assert f'aria-label="Télécharger le PDF de la facture {invoice.number}"' in body


@pytest.mark.parametrize("kind", [DocumentKind.TRY_IN_NOTE, DocumentKind.TRACEABILITY_CERTIFICATE])
def test_list_total_dash_without_amount(client, auth, world, kind):
    document = make_document(world["lab"], world["practice"], kind, "0.00", published=True)
    auth.login("alice@example.test")
    row = _row_of(_text(client.get(_list_url(world["practice"]))), document)
    assert '<span aria-hidden="true">—</span>' in row
    assert "Sans montant" in row
    assert "€" not in row


def test_list_total_zero_quote_shows_amount(client, auth, world):
    quote = make_document(
        world["lab"], world["practice"], DocumentKind.QUOTE, "0.00", published=True
    )
    auth.login("alice@example.test")
    row = _row_of(_text(client.get(_list_url(world["practice"]))), quote)
    assert "0,00\xa0€" in row


def test_list_full_page_varies(client, auth, world):
    auth.login("alice@example.test")
    response = client.get(_list_url(world["practice"]))
    assert "<html" in _text(response)
    assert "HX-Request" in response.headers["Vary"]


def test_list_query_count_is_flat(client, auth, world):
    practice = world["practice"]
    auth.login("alice@example.test")
    with count_queries() as few:
        client.get(_list_url(practice))
    for _ in range(30):
        make_document(world["lab"], practice, DocumentKind.DELIVERY_NOTE, published=True)
    with count_queries() as many:
        client.get(_list_url(practice))
    assert many.count == few.count


def test_list_reads_documents_twice(client, auth, world):
    auth.login("alice@example.test")
    client.get(_list_url(world["practice"]))
    with count_queries(only_select=True) as counter:
        client.get(_list_url(world["practice"]))
    document_queries = [
        query for query in counter.get_queries() if 'FROM "document"' in query.msg[0]
    ]
    # One count, and one query for the page of rows with the client names joined.
    assert len(document_queries) == 2


# Group and group member spaces


def test_member_list_hides_financial_documents(client, auth, world):
    auth.login("marc@example.test")
    body = _text(client.get(_list_url(world["member"])))
    documents = world["documents"]
    assert documents["member_note"].number in body
    for key in ("member_invoice", "member_proforma", "group_invoice", "group_credit"):
        assert documents[key].number not in body


def test_member_list_has_no_amount(client, auth, world):
    auth.login("marc@example.test")
    body = _text(client.get(_list_url(world["member"])))
    assert "€" not in body
    assert "230,00" not in body


def test_member_kind_filter_offers_no_financial_kind(client, auth, world):
    auth.login("marc@example.test")
    body = _text(client.get(_list_url(world["member"])))
    assert 'value="invoice"' not in body
    assert 'value="proforma"' not in body
    assert 'value="credit_note"' not in body


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_member_kind_filter_offers_visible_kinds(client, auth, world, headers):
    auth.login("marc@example.test")
    body = _text(client.get(_list_url(world["member"]), headers=headers))
    assert _kind_options(body) == [
        "",
        DocumentKind.QUOTE,
        DocumentKind.TRY_IN_NOTE,
        DocumentKind.DELIVERY_NOTE,
        DocumentKind.TRACEABILITY_CERTIFICATE,
    ]


def test_group_kind_filter_offers_all_kinds(client, auth, world):
    auth.login("greta@example.test")
    body = _text(client.get(_list_url(world["group"])))
    assert _kind_options(body) == ["", *DocumentKind.ALL]


def test_member_kind_filter_cannot_force_invoices(client, auth, world):
    auth.login("marc@example.test")
    body = _text(client.get(_list_url(world["member"]) + "?kind=invoice"))
    assert world["documents"]["member_invoice"].number not in body


def test_member_detail_has_no_amount(client, auth, world):
    auth.login("marc@example.test")
    response = client.get(_detail_url(world["member"], world["documents"]["member_note"]))
    assert response.status_code == 200
    assert "€" not in _text(response)
    assert "230,00" not in _text(response)


def test_member_invoice_detail_is_404(client, auth, world):
    auth.login("marc@example.test")
    response = client.get(_detail_url(world["member"], world["documents"]["member_invoice"]))
    assert response.status_code == 404
    assert "Document retiré" not in _text(response)


def test_member_group_invoice_is_404(client, auth, world):
    auth.login("marc@example.test")
    url = _detail_url(world["member"], world["documents"]["group_invoice"])
    assert client.get(url).status_code == 404
    assert client.get(url + "/pdf").status_code == 404


def test_group_lists_member_documents(client, auth, world):
    auth.login("greta@example.test")
    body = _text(client.get(_list_url(world["group"])))
    documents = world["documents"]
    for key in ("member_note", "member_invoice", "group_invoice", "group_credit"):
        assert documents[key].number in body


def test_group_list_names_member(client, auth, world):
    auth.login("greta@example.test")
    body = _text(client.get(_list_url(world["group"])))
    assert "Centre Part-Dieu" in body
    assert '<th scope="col">Client</th>' in body


def test_group_list_shows_amounts(client, auth, world):
    auth.login("greta@example.test")
    body = _text(client.get(_list_url(world["group"])))
    assert "460,00\xa0€" in body


def test_group_opens_member_document(client, auth, world):
    auth.login("greta@example.test")
    response = client.get(_detail_url(world["group"], world["documents"]["member_invoice"]))
    assert response.status_code == 200
    assert "Centre Part-Dieu" in _text(response)


def test_independent_list_has_no_client_column(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_list_url(world["practice"])))
    assert '<th scope="col">Client</th>' not in body


# Document detail


def test_detail_shows_facts_and_lines(client, auth, world):
    auth.login("alice@example.test")
    invoice = world["documents"]["invoice"]
    body = _text(client.get(_detail_url(world["practice"], invoice)))
    assert invoice.number in body
    assert "Couronne céramo-métallique" in body
    assert "Patient DUPONT J." in body
    assert "20/12/2026" in body


def test_detail_shows_totals(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_detail_url(world["practice"], world["documents"]["invoice"])))
    assert "Total TTC" in body
    assert "180,00\xa0€" in body


def test_detail_links_pdf(client, auth, world):
    auth.login("alice@example.test")
    invoice = world["documents"]["invoice"]
    body = _text(client.get(_detail_url(world["practice"], invoice)))
    assert "Télécharger le PDF" in body
    assert f"/documents/{invoice.id}/pdf" in body


def test_invoice_detail_shows_balance_and_payments(client, auth, world):
    invoice = world["documents"]["invoice"]
    Payment.create(
        document=invoice, paid_on=date(2026, 11, 30), amount=Decimal("50.00"), reference="VIR-77"
    )
    auth.login("alice@example.test")
    body = _text(client.get(_detail_url(world["practice"], invoice)))
    assert "VIR-77" in body
    assert "Reste à payer" in body
    assert "130,00\xa0€" in body


def test_paid_invoice_shows_settled(client, auth, world):
    invoice = world["documents"]["invoice"]
    Payment.create(document=invoice, paid_on=date(2026, 11, 30), amount=Decimal("180.00"))
    auth.login("alice@example.test")
    body = _text(client.get(_detail_url(world["practice"], invoice)))
    assert "Soldée" in body


def test_delivery_note_has_no_balance(client, auth, world):
    auth.login("alice@example.test")
    body = _text(client.get(_detail_url(world["practice"], world["documents"]["delivery"])))
    assert "Reste à payer" not in body


# PDF


def test_pdf_headers(client, auth, world):
    auth.login("alice@example.test")
    invoice = world["documents"]["invoice"]
    response = client.get(_detail_url(world["practice"], invoice) + "/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="Facture {invoice.number}.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"


def test_pdf_filename_encodes_accents(client, auth, world):
    certificate = make_document(
        world["lab"], world["practice"], DocumentKind.TRACEABILITY_CERTIFICATE, published=True
    )
    auth.login("alice@example.test")
    response = client.get(_detail_url(world["practice"], certificate) + "/pdf")
    disposition = response.headers["Content-Disposition"]
    assert f'filename="Certificat de tracabilite {certificate.number}.pdf"' in disposition
    assert (
        f"filename*=UTF-8''Certificat%20de%20tra%C3%A7abilit%C3%A9%20{certificate.number}.pdf"
        in disposition
    )


def test_pdf_has_no_expiry_header(client, auth, world):
    auth.login("alice@example.test")
    response = client.get(_detail_url(world["practice"], world["documents"]["invoice"]) + "/pdf")
    assert "Expires" not in response.headers
    assert "ETag" not in response.headers


def test_member_pdf_has_no_amount(client, auth, world):
    auth.login("marc@example.test")
    response = client.get(_detail_url(world["member"], world["documents"]["member_note"]) + "/pdf")
    text = extract_pdf_text(response.data)
    assert world["documents"]["member_note"].number in text
    assert "€" not in text
    assert "230,00" not in text


# Unpublished documents


def _withdraw(world, key: str):
    document = world["documents"][key]
    unpublish_document(world["lab"].id, document.id, world["staff"].id, "Teinte à corriger")
    return document


def test_unpublished_leaves_list(client, auth, world):
    invoice = _withdraw(world, "invoice")
    auth.login("alice@example.test")
    assert invoice.number not in _text(client.get(_list_url(world["practice"])))


def test_unpublished_detail_says_withdrawn(client, auth, world):
    invoice = _withdraw(world, "invoice")
    auth.login("alice@example.test")
    response = client.get(_detail_url(world["practice"], invoice))
    assert response.status_code == 404
    assert "Document retiré" in _text(response)
    assert "Teinte à corriger" not in _text(response)


def test_unpublished_pdf_is_404(client, auth, world):
    invoice = _withdraw(world, "invoice")
    auth.login("alice@example.test")
    response = client.get(_detail_url(world["practice"], invoice) + "/pdf")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_never_published_is_plain_404(client, auth, world):
    auth.login("alice@example.test")
    response = client.get(_detail_url(world["practice"], world["documents"]["draft"]))
    assert response.status_code == 404


def test_republish_brings_document_back(client, auth, world):
    invoice = _withdraw(world, "invoice")
    publish_documents(world["lab"].id, [invoice.id], world["staff"].id)
    auth.login("alice@example.test")
    assert client.get(_detail_url(world["practice"], invoice)).status_code == 200
    assert client.get(_detail_url(world["practice"], invoice) + "/pdf").status_code == 200
    assert invoice.number in _text(client.get(_list_url(world["practice"])))


def test_group_sees_member_withdrawn_page(client, auth, world):
    note = _withdraw(world, "member_note")
    auth.login("greta@example.test")
    response = client.get(_detail_url(world["group"], note))
    assert response.status_code == 404
    assert "Document retiré" in _text(response)


# Publication pages


@pytest.fixture
def batch(world):
    """Three new documents of the practice, published in one batch with e-mails queued."""
    practice = world["practice"]
    documents = [
        make_document(world["lab"], practice, DocumentKind.DELIVERY_NOTE, "10.00"),
        make_document(world["lab"], practice, DocumentKind.INVOICE, "20.00"),
        make_document(world["lab"], practice, DocumentKind.QUOTE, "30.00"),
    ]
    result = publish_documents(
        world["lab"].id, [document.id for document in documents], world["staff"].id
    )
    return {"documents": documents, "notification_id": result.notification_ids[0]}


def _publication_url(client, notification_id) -> str:
    return f"/espace/{client.id}/publications/{notification_id}"


def test_publication_lists_announced_documents(client, auth, world, batch):
    auth.login("alice@example.test")
    body = _text(client.get(_publication_url(world["practice"], batch["notification_id"])))
    for document in batch["documents"]:
        assert document.number in body


def test_publication_omits_other_documents(client, auth, world, batch):
    auth.login("alice@example.test")
    body = _text(client.get(_publication_url(world["practice"], batch["notification_id"])))
    assert world["documents"]["invoice"].number not in body


def test_publication_drops_withdrawn_documents(client, auth, world, batch):
    withdrawn = batch["documents"][0]
    unpublish_document(world["lab"].id, withdrawn.id, world["staff"].id, "Erreur")
    auth.login("alice@example.test")
    body = _text(client.get(_publication_url(world["practice"], batch["notification_id"])))
    assert withdrawn.number not in body
    assert "1 document de cette publication a été retiré" in body


def test_publication_of_other_user_is_404(client, auth, world, batch):
    colleague = make_user("colleague@example.test")
    grant_space(colleague, world["practice"])
    auth.login("colleague@example.test")
    url = _publication_url(world["practice"], batch["notification_id"])
    assert client.get(url).status_code == 404


def test_publication_in_other_space_is_404(client, auth, world, batch):
    second = make_client(world["lab"], "Cabinet Second")
    grant_space(world["alice"], second)
    auth.login("alice@example.test")
    assert client.get(_publication_url(second, batch["notification_id"])).status_code == 404


def test_unknown_publication_is_404(client, auth, world):
    auth.login("alice@example.test")
    assert client.get(_publication_url(world["practice"], 999999)).status_code == 404


def test_member_publication_hides_financial(client, auth, world):
    member = world["member"]
    note = make_document(world["lab"], member, DocumentKind.DELIVERY_NOTE, "10.00")
    invoice = make_document(world["lab"], member, DocumentKind.INVOICE, "20.00")
    result = publish_documents(world["lab"].id, [note.id, invoice.id], world["staff"].id)
    notification_id = next(
        n for n in result.notification_ids if _notification_user(n) == world["marc"].id
    )
    auth.login("marc@example.test")
    body = _text(client.get(_publication_url(member, notification_id)))
    assert note.number in body
    assert invoice.number not in body
    assert "€" not in body


def _notification_user(notification_id: int) -> int:
    return Notification.get_by_id(notification_id).user_id
