"""Login, logout, and the choice between the lab side and the client spaces."""

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from htmx_flask import make_response as htmx_make_response

from app.access import SESSION_LAB_KEY, memberships_of
from app.forms import INVALID_FORM_STATUS
from app.forms.auth import LoginForm
from app.models import User
from app.services import accounts, ratelimit
from app.services.visibility import spaces_of_user

log = logging.getLogger("labolien.auth")

bp = Blueprint("auth", __name__)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: an active user by id."""
    if not user_id.isdigit():
        return None
    return User.get_or_none((User.id == int(user_id)) & (User.is_active == True))  # noqa: E712


def unauthorized():
    """Send anonymous visitors to the login page; htmx gets HX-Redirect, not a form in a row."""
    login_url = url_for("auth.login", next=_safe_next(request.full_path.rstrip("?")))
    if request.htmx:
        response = htmx_make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        response.vary.add("HX-Request")
        return response
    flash(_("Connectez-vous pour accéder à cette page."), "warning")
    return redirect(login_url)


def _safe_next(target: str | None) -> str | None:
    """Keep only a local path, so `next` cannot send the user to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.get("/")
def home():
    """Send the visitor where they belong: login, the chooser, or their only space."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.choose"))


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("auth.choose"))
    if not form.validate_on_submit():
        status = INVALID_FORM_STATUS if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status

    email = accounts.normalize_email(form.email.data)
    ip = request.remote_addr or "unknown"
    if ratelimit.is_login_blocked(email, ip):
        log.warning("login blocked by rate limit from ip %s", ip)
        form.form_errors.append(
            _("Trop de tentatives de connexion. Patientez quelques minutes puis réessayez.")
        )
        return render_template("auth/login.html", form=form), 429

    user = accounts.authenticate(email, form.password.data)
    if user is None:
        ratelimit.record_login_failure(email, ip)
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        return render_template("auth/login.html", form=form), INVALID_FORM_STATUS

    ratelimit.clear_login_failures(email, ip)
    session.clear()
    login_user(user)
    session.permanent = True
    accounts.record_login(user)
    log.info("user %s logged in", user.id)
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.choose"))


@bp.post("/deconnexion")
def logout():
    """Sign the user out and forget the chosen lab or space."""
    if current_user.is_authenticated:
        log.info("user %s logged out", current_user.id)
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("auth.login"))


@bp.get("/choisir")
@login_required
def choose():
    """List the user's labs and client spaces; go straight in when there is only one."""
    memberships = memberships_of(current_user.id)
    spaces = spaces_of_user(current_user.id)

    if len(memberships) + len(spaces) == 1:
        if memberships:
            session[SESSION_LAB_KEY] = memberships[0].lab_id
            return redirect(url_for("lab_documents.index"))
        return redirect(url_for("space.documents", client_id=spaces[0].client_id))

    return render_template("auth/choose.html", memberships=memberships, spaces=spaces)


@bp.post("/labo/<int:lab_id>")
@login_required
def open_lab(lab_id: int):
    """Open the lab side of one of the user's labs, remembered in the session."""
    if not any(m.lab_id == lab_id for m in memberships_of(current_user.id)):
        abort(404)
    session[SESSION_LAB_KEY] = lab_id
    return redirect(url_for("lab_documents.index"))


@bp.get("/mot-de-passe-oublie")
def forgot_password():
    return ""
