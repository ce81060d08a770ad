"""« Mon compte »: the user's name and language, password, and e-mail alerts per space."""

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user
from htmx_flask import make_response as htmx_make_response

from app.forms import INVALID_FORM_STATUS
from app.forms.account import PasswordChangeForm, ProfileForm
from app.models import SpaceAccess, User
from app.services import accounts, ratelimit
from app.services.visibility import find_own_space_access, spaces_of_user
from app.web import wants_partial

log = logging.getLogger("labolien.account")

bp = Blueprint("account", __name__, url_prefix="/compte")

# Values of the `enabled` field the alert toggle posts.
ALERT_VALUES = {"1": True, "0": False}


@bp.get("/")
@login_required
def index():
    """Show the user's profile, password and e-mail alert settings."""
    return _render_page()


@bp.post("/profil")
@login_required
def update_profile():
    """Save the user's name and language, which the next pages use."""
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render_page(profile_form=form, status=INVALID_FORM_STATUS)

    user = current_user._get_current_object()
    user.name = form.name.data or ""
    user.locale = form.locale.data
    user.save(only=[User.name, User.locale])
    # Flask-Babel keeps the locale chosen for this request: drop it so the
    # message below is already in the new language.
    refresh()
    log.info("user %s updated their profile, locale %s", user.id, user.locale)

    flash(_("Vos informations ont été enregistrées."), "success")
    return redirect(url_for("account.index"))


@bp.post("/mot-de-passe")
@login_required
def change_password():
    """Change the password after checking the current one, with the login rate limit."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _render_page(password_form=form, status=INVALID_FORM_STATUS)

    user = current_user._get_current_object()
    ip = request.remote_addr or "unknown"
    if ratelimit.is_login_blocked(user.email, ip):
        log.warning("password change blocked by rate limit: user %s", user.id)
        form.current_password.errors.append(
            _("Trop de tentatives. Patientez quelques minutes puis réessayez.")
        )
        return _render_page(password_form=form, status=429)
    if accounts.authenticate(user.email, form.current_password.data) is None:
        ratelimit.record_login_failure(user.email, ip)
        log.warning("password change rejected: wrong current password for user %s", user.id)
        form.current_password.errors.append(_("Le mot de passe actuel est incorrect."))
        return _render_page(password_form=form, status=INVALID_FORM_STATUS)

    accounts.set_password(user, form.password.data)
    # The session id embeds the password fingerprint: renew this session's,
    # which also ends the user's other sessions.
    login_user(user)
    log.info("user %s changed their password", user.id)

    flash(_("Votre mot de passe a été modifié."), "success")
    return redirect(url_for("account.index"))


@bp.post("/alertes/<int:access_id>")
@login_required
def toggle_alerts(access_id: int):
    """Turn the e-mail alerts of one of the user's spaces on or off."""
    access = find_own_space_access(current_user.id, access_id)
    if access is None:
        abort(404)
    enabled = ALERT_VALUES.get(request.form.get("enabled", ""))
    if enabled is None:
        log.warning("alerts toggle rejected: invalid value for access %s", access_id)
        abort(400)

    access.alerts_enabled = enabled
    access.save(only=[SpaceAccess.alerts_enabled])
    log.info("user %s set alerts %s for space %s", current_user.id, enabled, access.client_id)

    if wants_partial():
        page = render_template("partials/account/alerts_toggle.html", access=access)
        response = htmx_make_response(page, 200)
    else:
        flash(_alerts_message(access), "success")
        response = redirect(url_for("account.index", _anchor="alertes"))
    response.vary.add("HX-Request")
    return response


def _alerts_message(access: SpaceAccess) -> str:
    names = {"client": access.client.name, "lab": access.client.lab.name}
    if access.alerts_enabled:
        return _("Alertes activées pour l’espace %(client)s chez %(lab)s.", **names)
    return _("Alertes désactivées pour l’espace %(client)s chez %(lab)s.", **names)


def _render_page(profile_form=None, password_form=None, status: int = 200):
    """Render « Mon compte » with the given forms, fresh ones for the others."""
    if profile_form is None:
        profile_form = ProfileForm(
            formdata=None, name=current_user.name, locale=current_user.locale or "fr"
        )
    page = render_template(
        "account/index.html",
        profile_form=profile_form,
        password_form=password_form or PasswordChangeForm(formdata=None),
        spaces=spaces_of_user(current_user.id),
        min_password_length=accounts.MIN_PASSWORD_LENGTH,
    )
    return page, status
