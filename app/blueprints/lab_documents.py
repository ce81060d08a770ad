"""The lab's documents: the filtered list, the detail page, the PDF, publish and unpublish.

Each list row is a partial that htmx swaps alone after publish or
unpublish. Without JavaScript the same buttons are plain forms that
redirect back to the list with its filters.
"""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import jobs
from app.access import staff_required
from app.forms import INVALID_FORM_STATUS
from app.forms.documents import DocumentFilterForm, UnpublishForm
from app.services import document_list, publication
from app.services.pdf import pdf_filename, render_document_pdf
from app.services.publication import PublicationError
from app.web import (
    pdf_attachment,
    render_page_or_partial,
    safe_next,
    url_with_args,
    wants_partial,
)

log = logging.getLogger("labolien.lab_documents")

bp = Blueprint("lab_documents", __name__, url_prefix="/labo/documents")

ROW_PARTIAL = "partials/lab_documents/row.html"


@bp.get("/")
@staff_required
def index():
    """List the lab's documents, filtered and paged from the query string."""
    form = DocumentFilterForm(request.args, clients=document_list.client_choices(g.lab.id))
    form.validate()
    page, page_error = _requested_page()

    rows, pagination = document_list.list_documents(
        g.lab.id, form.filters(), page, current_app.config["DOCUMENTS_PER_PAGE"]
    )
    if pagination.page < page:
        page_error = _("La page %(page)d n’existe pas : voici la dernière page.", page=page)

    return render_page_or_partial(
        "lab_documents/index.html",
        "partials/lab_documents/list.html",
        filter_form=form,
        rows=rows,
        pagination=pagination,
        page_error=page_error,
        next_url=url_with_args(),
    )


@bp.get("/<int:document_id>")
@staff_required
def detail(document_id: int):
    """Show one document: facts, lines, payments and publication history."""
    detail = document_list.find_detail(g.lab.id, document_id)
    if detail is None:
        abort(404)

    return render_template(
        "lab_documents/detail.html",
        detail=detail,
        document=detail.document,
        unpublish_form=UnpublishForm(prefix=f"document-{document_id}"),
        next_url=url_for(".detail", document_id=document_id),
    )


@bp.get("/<int:document_id>/pdf")
@staff_required
def pdf(document_id: int):
    """Send one of the lab's documents as a PDF with every amount, published or not."""
    document = document_list.find_document(g.lab.id, document_id)
    if document is None:
        abort(404)

    # No space view: the lab's own copy, with amounts even for a group member.
    content = render_document_pdf(document)

    return pdf_attachment(content, pdf_filename(document))


@bp.get("/<int:document_id>/ligne")
@staff_required
def row(document_id: int):
    """Return a document's list row for htmx; without it, go to the detail page."""
    row = _row_or_404(document_id)

    if not wants_partial():
        return _vary(redirect(url_for(".detail", document_id=document_id)))
    return render_page_or_partial(ROW_PARTIAL, ROW_PARTIAL, row=row, next_url=_next_url())


@bp.post("/<int:document_id>/publier")
@staff_required
def publish(document_id: int):
    """Publish a document to its client spaces, then queue the alert e-mails."""
    row = _row_or_404(document_id)

    result = publication.publish_documents(
        g.lab.id,
        [document_id],
        current_user.id,
        max_per_email=current_app.config["NOTIFICATION_MAX_DOCUMENTS"],
    )
    # After the commit, so the worker finds the outbox rows.
    if result.notification_ids:
        jobs.enqueue_notifications(result.notification_ids)

    if not result.published_ids:
        message = _("Le document %(number)s était déjà publié.", number=row["number"])
        return _row_or_redirect(document_id, message, "info")
    if not result.notification_ids:
        log.info(
            "document %s published by user %s: no user with alerts on in its spaces",
            document_id,
            current_user.id,
        )
        message = _(
            "Le document %(number)s est publié, mais aucun utilisateur de l’espace n’a été "
            "prévenu par e-mail (aucun utilisateur ou alertes désactivées).",
            number=row["number"],
        )
        notice = _("Personne n’a été prévenu par e-mail.")
        return _row_or_redirect(document_id, message, "warning", notice)
    message = _("Le document %(number)s est publié sur l’espace client.", number=row["number"])
    return _row_or_redirect(document_id, message, "success")


@bp.get("/<int:document_id>/depublier")
@staff_required
def unpublish_form(document_id: int):
    """Show the withdrawal form: inside the row for htmx, as a page without JavaScript."""
    row = _row_or_404(document_id)

    if not row["is_published"]:
        return _not_published(row)
    form = UnpublishForm(prefix=f"document-{document_id}")
    return _render_unpublish(row, form)


@bp.post("/<int:document_id>/depublier")
@staff_required
def unpublish(document_id: int):
    """Withdraw a published document with a required reason, kept in its history."""
    row = _row_or_404(document_id)
    form = UnpublishForm(prefix=f"document-{document_id}")
    if not form.validate():
        return _render_unpublish(row, form, INVALID_FORM_STATUS)

    try:
        publication.unpublish_document(g.lab.id, document_id, current_user.id, form.comment.data)
    except PublicationError as error:
        return _unpublish_rejected(row, form, error)

    message = _("Le document %(number)s est retiré de l’espace client.", number=row["number"])
    return _row_or_redirect(document_id, message, "success")


def _requested_page() -> tuple[int, str | None]:
    """Return the requested page number, or 1 and a French message when it is invalid."""
    value = request.args.get("page", "")
    if not value:
        return 1, None
    # ASCII only, since str.isdigit() accepts « ² », which int() rejects.
    if value.isascii() and value.isdigit() and len(value) <= 9 and int(value) > 0:
        return int(value), None
    message = _(
        "Le numéro de page « %(value)s » n’est pas valide : voici la première page.",
        value=value[:20],
    )
    return 1, message


def _row_or_404(document_id: int) -> dict:
    """Return a document's list row scoped to the open lab, or abort with 404."""
    row = document_list.find_row(g.lab.id, document_id)
    if row is None:
        abort(404)
    return row


def _unpublish_rejected(row: dict, form: UnpublishForm, error: PublicationError):
    """Respond to an unpublish the service rejected, in French, with the matching status."""
    log.info(
        "unpublish of document %s by user %s rejected: %s", row["id"], current_user.id, error.code
    )
    if error.code == "not_found":
        abort(404)
    if error.code == "not_published":
        return _not_published(row)
    form.comment.errors = [_unpublish_messages().get(error.code, _("Le retrait a échoué."))]
    return _render_unpublish(row, form, INVALID_FORM_STATUS)


def _unpublish_messages() -> dict[str, str]:
    return {
        "comment_required": _(
            "Indiquez le motif du retrait : il reste dans l’historique du document."
        ),
        "comment_too_long": _(
            "Le motif ne doit pas dépasser %(max)d caractères.",
            max=publication.MAX_COMMENT_LENGTH,
        ),
    }


def _not_published(row: dict):
    """Respond to the withdrawal of a document that is not, or no longer, published."""
    message = _("Le document %(number)s n’est pas publié : rien à retirer.", number=row["number"])
    return _row_or_redirect(row["id"], message, "info")


def _render_unpublish(row: dict, form: UnpublishForm, status: int = 200):
    return render_page_or_partial(
        "lab_documents/unpublish.html",
        ROW_PARTIAL,
        status=status,
        row=row,
        unpublish_form=form,
        next_url=_next_url(),
    )


def _row_or_redirect(document_id: int, message: str, category: str, notice: str | None = None):
    """Return the fresh row for htmx, with `notice` in it; otherwise flash and go to `next`."""
    if wants_partial():
        row = _row_or_404(document_id)
        return render_page_or_partial(
            ROW_PARTIAL, ROW_PARTIAL, row=row, next_url=_next_url(), notice=notice
        )

    flash(message, category)
    return _vary(redirect(_next_url()))


def _next_url() -> str:
    """Return the page to come back to, from `next`; only a local path is accepted."""
    return safe_next(request.values.get("next")) or url_for(".index")


def _vary(response):
    # The same URL returns a fragment or a redirect depending on HX-Request.
    response.vary.add("HX-Request")
    return response
