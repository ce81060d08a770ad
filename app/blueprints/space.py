"""The client space: published documents, their detail and PDF, and publication pages.

Every query goes through the visibility service, from the space that
`space_required` opened in `g.space`.
"""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from peewee import fn

from app.access import space_required
from app.models import (
    Client,
    ClientKind,
    Document,
    DocumentKind,
    DocumentLine,
    NotificationDocument,
)
from app.services.documents import invoice_settlement
from app.services.pdf import pdf_filename, render_document_pdf
from app.services.visibility import (
    SpaceView,
    find_notification,
    find_visible_document,
    is_withdrawn_document,
    notification_documents,
    visible_documents,
    visible_kinds,
)
from app.web import Pagination, parse_page, pdf_attachment, render_page_or_partial

log = logging.getLogger("labolien.space")

bp = Blueprint("space", __name__, url_prefix="/espace")

# Document numbers are at most 30 characters long, so a longer search cannot match.
MAX_SEARCH_LENGTH = 30

# The columns a document list shows, fetched with the client's name in one query.
LIST_FIELDS = (
    Document.id,
    Document.kind,
    Document.number,
    Document.issue_date,
    Document.patient_reference,
    Document.total_incl_vat,
    Document.client,
    Client.name,
)

# Kinds whose documents carry no amount: the list shows « — » instead of a total.

# The accessible name of each row's « PDF » link, one sentence per kind for its article.
PDF_LINK_LABELS = {
    DocumentKind.QUOTE: _l("Télécharger le PDF du devis %(number)s"),
    DocumentKind.TRY_IN_NOTE: _l("Télécharger le PDF du bon d’essayage %(number)s"),
    DocumentKind.DELIVERY_NOTE: _l("Télécharger le PDF du bon de livraison %(number)s"),
    DocumentKind.PROFORMA: _l("Télécharger le PDF de la facture pro forma %(number)s"),
    DocumentKind.INVOICE: _l("Télécharger le PDF de la facture %(number)s"),
    DocumentKind.CREDIT_NOTE: _l("Télécharger le PDF de l’avoir %(number)s"),
    DocumentKind.TRACEABILITY_CERTIFICATE: _l(
        "Télécharger le PDF du certificat de traçabilité %(number)s"
    ),
}


@bp.context_processor
def _document_table_helpers() -> dict:
    """Give the space's templates what the document table needs per row."""
    return {"pdf_link_label": pdf_link_label}


def pdf_link_label(kind: str, number: str) -> str:
    """Return the accessible name of a document's « PDF » link in the list."""
    return str(PDF_LINK_LABELS[kind]) % {"number": number}


@bp.get("/<int:client_id>/")
@space_required
def documents(client_id: int):
    """List the space's published documents, newest first, filtered by kind and number."""
    view = g.space
    kinds = visible_kinds(view)
    kind = request.args.get("kind", "")
    kind = kind if kind in kinds else ""
    search = request.args.get("q", "").strip()[:MAX_SEARCH_LENGTH]

    total = _filtered_documents(view, kind, search, fn.COUNT(Document.id)).scalar()
    pagination = _clamped_pagination(total)
    query = _newest_first(_filtered_documents(view, kind, search, *LIST_FIELDS).join(Client))
    rows = list(query.paginate(pagination.page, pagination.per_page))

    return render_page_or_partial(
        "space/documents.html",
        "partials/space/documents.html",
        view=view,
        show_client=_lists_members(view),
        documents=rows,
        pagination=pagination,
        kinds=kinds,
        kind=kind,
        search=search,
    )


@bp.get("/<int:client_id>/documents/<int:document_id>")
@space_required
def document(client_id: int, document_id: int):
    """Show one published document: facts, lines, totals, and an invoice's payments."""
    view = g.space
    document = _visible_document_or_404(view, document_id)

    context = _document_context(view, document)

    return render_template("space/document.html", view=view, document=document, **context)


@bp.get("/<int:client_id>/documents/<int:document_id>/pdf")
@space_required
def pdf(client_id: int, document_id: int):
    """Send a published document as a PDF attachment, without amounts where the space hides them."""
    view = g.space
    document = _visible_document_or_404(view, document_id)

    content = render_document_pdf(document, view)
    return pdf_attachment(content, pdf_filename(document))


@bp.get("/<int:client_id>/publications/<int:notification_id>")
@space_required
def notification(client_id: int, notification_id: int):
    """List the documents a publication e-mail announced that the space may still see."""
    view = g.space
    notification = find_notification(view, current_user.id, notification_id)
    if notification is None:
        abort(404)

    query = notification_documents(view, notification.id, *LIST_FIELDS).join(Client)
    rows = list(_newest_first(query))
    announced = (
        NotificationDocument.select()
        .where(NotificationDocument.notification == notification.id)
        .count()
    )

    return render_template(
        "space/notification.html",
        view=view,
        show_client=_lists_members(view),
        notification=notification,
        documents=rows,
        withdrawn_count=max(0, announced - len(rows)),
    )


def _lists_members(view: SpaceView) -> bool:
    """Tell whether the space's lists mix clients: a group's space lists its members' too."""
    return view.client.kind == ClientKind.GROUP


def _filtered_documents(view: SpaceView, kind: str, search: str, *fields):
    """Return the space's visible documents, narrowed to one kind and a number search."""
    query = visible_documents(view, *fields)
    if kind:
        query = query.where(Document.kind == kind)
    if search:
        query = query.where(Document.number.contains(search))
    return query


def _clamped_pagination(total: int) -> Pagination:
    """Return the requested page, moved back to the last one when it is past the end."""
    per_page = current_app.config["DOCUMENTS_PER_PAGE"]
    last_page = Pagination(page=1, per_page=per_page, total=total).pages
    return Pagination(page=min(parse_page(), last_page), per_page=per_page, total=total)


def _newest_first(query):
    return query.order_by(Document.issue_date.desc(), Document.id.desc())


def _visible_document_or_404(view: SpaceView, document_id: int) -> Document:
    """Return a document visible in the space, else abort with « Document retiré » or a plain 404."""
    document = find_visible_document(view, document_id)
    if document is not None:
        return document

    if is_withdrawn_document(view, document_id):
        log.info(
            "withdrawn document %s requested: space %s, user %s",
            document_id,
            view.client_id,
            current_user.id,
        )
        page = render_template("space/withdrawn.html", view=view)
        abort(make_response(page, 404))
    abort(404)


def _document_context(view: SpaceView, document: Document) -> dict:
    """Load what a document's page shows besides the document: lines, client, payments."""
    lines = list(
        DocumentLine.select()
        .where(DocumentLine.document == document.id)
        .order_by(DocumentLine.position)
    )
    context = {
        "lines": lines,
        "document_client": Client.get_by_id(document.client_id),
        "related": None,
        "settlement": None,
    }
    if document.related_document_id:
        context["related"] = find_visible_document(view, document.related_document_id)

    if document.kind == DocumentKind.INVOICE and view.shows_amounts:
        credit_notes = _newest_first(
            visible_documents(view).where(
                Document.related_document == document.id,
                Document.kind == DocumentKind.CREDIT_NOTE,
            )
        )
        context["settlement"] = invoice_settlement(document, list(credit_notes))
    return context
