"""The lab's client directory: list, create and edit clients, manage space users."""

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
from app.forms.clients import KIND_FILTER_CHOICES, ClientForm, SpaceUserForm
from app.models import Client, ClientKind, SpaceStatus
from app.services import directory, spaces
from app.web import get_or_404, parse_page, render_page_or_partial, wants_partial

log = logging.getLogger("labolien.lab_clients")

bp = Blueprint("lab_clients", __name__, url_prefix="/labo/clients")


def _load_client(client_id: int) -> Client:
    """Return a client of the open lab, or abort with 404."""
    return get_or_404(directory.find_client(g.lab.id, client_id))


def _enqueue(notification_id: int | None) -> None:
    """Hand a committed outbox row to the queue."""
    if notification_id is not None:
        jobs.enqueue_notifications([notification_id])


@bp.get("/")
@staff_required
def index():
    """List the lab's clients, with search, client-type filter and paging."""
    search = request.args.get("q", "")
    kind = directory.parse_kind_filter(request.args.get("kind"))

    clients, pagination = directory.search_clients(
        g.lab.id, search, kind, parse_page(), current_app.config["CLIENTS_PER_PAGE"]
    )

    return render_page_or_partial(
        "lab_clients/index.html",
        "partials/lab_clients/results.html",
        clients=clients,
        pagination=pagination,
        search=search,
        kind=kind,
        kind_choices=KIND_FILTER_CHOICES,
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@staff_required
def new():
    """Show the new client form and create the client."""
    form = ClientForm()
    form.set_group_choices(directory.group_choices(g.lab.id))

    if form.validate_on_submit():
        client = _save(form, None)
        if client is not None:
            flash(_("Le client %(name)s a été créé.", name=client.name), "success")
            return redirect(url_for("lab_clients.show", client_id=client.id))

    status = INVALID_FORM_STATUS if request.method == "POST" else 200
    return render_template("lab_clients/new.html", form=form), status


@bp.route("/<int:client_id>/modifier", methods=["GET", "POST"])
@staff_required
def edit(client_id: int):
    """Show a client's form and save the changes."""
    client = _load_client(client_id)
    form = ClientForm(obj=client)
    form.set_group_choices(directory.group_choices(g.lab.id, exclude_id=client.id))

    if form.validate_on_submit():
        saved = _save(form, client)
        if saved is not None:
            flash(_("Les informations du client ont été enregistrées."), "success")
            return redirect(url_for("lab_clients.show", client_id=client.id))

    status = INVALID_FORM_STATUS if request.method == "POST" else 200
    return render_template("lab_clients/edit.html", form=form, client=client), status


def _save(form: ClientForm, client: Client | None) -> Client | None:
    """Save the form through the directory service; put its errors on the fields."""
    try:
        return directory.save_client(g.lab.id, client, form.to_input())
    except directory.ClientErrors as exc:
        for name, message in exc.errors.items():
            form[name].errors = [*form[name].errors, message]
        return None


@bp.get("/<int:client_id>/")
@staff_required
def show(client_id: int):
    """Show a client's details and space users; htmx gets the space users section only."""
    client = _load_client(client_id)
    return _render_show(client, SpaceUserForm(formdata=None))


def _render_show(
    client: Client, form: SpaceUserForm, status: int = 200, message=None, category="success"
):
    """Render the client page, or its space users section for htmx, with a message."""
    return render_page_or_partial(
        "lab_clients/show.html",
        "partials/lab_clients/space_users.html",
        status=status,
        client=client,
        members=directory.group_members(client.id) if client.kind == ClientKind.GROUP else [],
        accesses=spaces.space_users(client.id),
        form=form,
        message=message,
        message_category=category,
    )


def _respond(client: Client, message: str, rejected: bool = False):
    """Respond to a change to the space users, made or rejected.

    htmx gets the refreshed section with the message, with status 422 when
    rejected so that htmx still swaps it. A plain form post gets a redirect
    and a flash.
    """
    if wants_partial():
        status = INVALID_FORM_STATUS if rejected else 200
        category = "error" if rejected else "success"
        return _render_show(client, SpaceUserForm(formdata=None), status, message, category)
    flash(message, "error" if rejected else "success")
    return redirect(url_for("lab_clients.show", client_id=client.id))


@bp.post("/<int:client_id>/utilisateurs")
@staff_required
def add_user(client_id: int):
    """Give an e-mail address access to the client's space and send the e-mail."""
    client = _load_client(client_id)
    form = SpaceUserForm()
    if not form.validate():
        return _render_show(client, form, INVALID_FORM_STATUS)

    try:
        change = spaces.add_user_to_space(g.lab.id, client.id, form.email.data, current_user.id)
    except spaces.SpaceError as exc:
        form.email.errors = [*form.email.errors, exc.message]
        return _render_show(client, form, INVALID_FORM_STATUS)

    _enqueue(change.notification_id)
    return _respond(client, _added_message(change))


def _added_message(change: spaces.SpaceChange) -> str:
    email = change.access.user.email
    if change.access.status == SpaceStatus.ACTIVE:
        return _("%(email)s a désormais accès à cet espace ; un e-mail l’en informe.", email=email)
    return _("Une invitation a été envoyée à %(email)s.", email=email)


@bp.post("/<int:client_id>/utilisateurs/<int:access_id>/renvoyer")
@staff_required
def resend_invitation(client_id: int, access_id: int):
    """Send the invitation e-mail again to a user who has not set a password yet."""
    client = _load_client(client_id)

    try:
        change = spaces.resend_invitation(g.lab.id, client.id, access_id)
    except spaces.SpaceError as exc:
        return _respond(client, exc.message, rejected=True)

    _enqueue(change.notification_id)
    return _respond(
        client, _("L’invitation a été renvoyée à %(email)s.", email=change.access.user.email)
    )


@bp.get("/<int:client_id>/utilisateurs/<int:access_id>/retirer")
@staff_required
def confirm_remove_access(client_id: int, access_id: int):
    """Ask to confirm the removal of a user's access: a page, or a table row for htmx."""
    client = _load_client(client_id)
    access = spaces.find_access(client.id, access_id)
    if access is None:
        abort(404)

    return render_page_or_partial(
        "lab_clients/confirm_remove_access.html",
        "partials/lab_clients/confirm_remove_row.html",
        client=client,
        access=access,
    )


@bp.post("/<int:client_id>/utilisateurs/<int:access_id>/retirer")
@staff_required
def remove_access(client_id: int, access_id: int):
    """Remove a user's access to the client's space."""
    client = _load_client(client_id)

    try:
        access = spaces.remove_access(client.id, access_id)
    except spaces.SpaceError as exc:
        return _respond(client, exc.message, rejected=True)

    return _respond(client, _("%(email)s n’a plus accès à cet espace.", email=access.user.email))
