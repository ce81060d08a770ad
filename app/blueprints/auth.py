"""Login, logout, the choice between lab and spaces, password resets and invitations."""

import logging
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from htmx_flask import make_response as htmx_make_response

from app import jobs
from app.access import SESSION_LAB_KEY, memberships_of
from app.forms import INVALID_FORM_STATUS
from app.forms.auth import InvitationForm, LoginForm, NewPasswordForm, PasswordResetRequestForm
from app.models import User
from app.services import accounts, password_reset, ratelimit, spaces
from app.services.accounts import InvalidToken, TokenPurpose
from app.services.visibility import spaces_of_user
from app.web import safe_next

log = logging.getLogger("labolien.auth")

bp = Blueprint("auth", __name__)


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the active user of a session, if its password is unchanged."""
    user_id, _, fingerprint = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18:
        return None
    user = User.get_or_none((User.id == int(user_id)) & (User.is_active == True))  # noqa: E712
    if user is None or user.password_fingerprint != fingerprint:
        return None
    return user


def unauthorized():
    """Send anonymous visitors to the login page; htmx gets HX-Redirect, not a form in a row."""
    login_url = url_for("auth.login", next=safe_next(request.full_path.rstrip("?")))
    if request.htmx:
        response = htmx_make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        response.vary.add("HX-Request")
        return response
    flash(_("Connectez-vous pour accéder à cette page."), "warning")
    return redirect(login_url)


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
    _start_session(user)
    log.info("user %s logged in", user.id)
    return redirect(safe_next(request.args.get("next")) or url_for("auth.choose"))


def _start_session(user: User) -> None:
    """Log a user in on a fresh session, so nothing from before carries over."""
    session.clear()
    login_user(user)
    session.permanent = True
    accounts.record_login(user)


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


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    """Request a password-reset link; the response never reveals whether the address has an account."""
    form = PasswordResetRequestForm()
    if not form.validate_on_submit():
        status = INVALID_FORM_STATUS if request.method == "POST" else 200
        return render_template("auth/forgot_password.html", form=form), status

    email = accounts.normalize_email(form.email.data)
    ip = request.remote_addr or "unknown"
    if not ratelimit.allow_password_reset_request(email, ip):
        log.warning("password reset request blocked by rate limit from ip %s", ip)
        form.form_errors.append(
            _("Trop de demandes de réinitialisation. Patientez une heure puis réessayez.")
        )
        return render_template("auth/forgot_password.html", form=form), 429

    notification_id = password_reset.request_password_reset(email)
    if notification_id is not None:
        jobs.enqueue_notifications([notification_id])

    validity = format_timedelta(
        timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"]), threshold=1
    )
    flash(
        _(
            "Si un compte existe pour l’adresse %(email)s, un e-mail vient de lui être envoyé "
            "avec un lien pour choisir un nouveau mot de passe. Ce lien reste valable %(validity)s.",
            email=email,
            validity=validity,
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the e-mailed link, then log in."""
    g.no_store = True
    try:
        user = _load_link_user(token, TokenPurpose.PASSWORD_RESET, "PASSWORD_RESET_MAX_AGE")
    except InvalidToken as exc:
        log.info("password reset link rejected: %s", exc)
        return _link_error(exc, "reset")

    form = NewPasswordForm()
    if not form.validate_on_submit():
        status = INVALID_FORM_STATUS if request.method == "POST" else 200
        return render_template("auth/reset_password.html", form=form, user=user), status

    password_reset.reset_password(user, form.password.data)
    ratelimit.clear_login_failures(user.email, request.remote_addr or "unknown")
    _start_session(user)
    flash(_("Votre mot de passe a été modifié. Vous êtes connecté."), "success")
    return redirect(url_for("auth.choose"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Show where an invited user is expected, take their password, open their spaces."""
    g.no_store = True
    try:
        user = _load_link_user(token, TokenPurpose.INVITATION, "INVITATION_MAX_AGE")
        invitations = _pending_invitations(user)
    except InvalidToken as exc:
        log.info("invitation link rejected: %s", exc)
        return _link_error(exc, "invitation")

    form = InvitationForm(name=user.name)
    if not form.validate_on_submit():
        status = INVALID_FORM_STATUS if request.method == "POST" else 200
        return render_template(
            "auth/accept_invitation.html",
            form=form,
            user=user,
            invitations=invitations,
            memberships=memberships_of(user.id),
        ), status

    spaces.accept_invitation(user, form.password.data, form.name.data)
    _start_session(user)
    flash(_("Bienvenue sur Labolien ! Votre mot de passe est enregistré."), "success")
    return redirect(url_for("auth.choose"))


def _load_link_user(token: str, purpose: str, max_age_setting: str) -> User:
    """Return the active user of a single-use link, or raise InvalidToken."""
    user = accounts.load_account_token(token, purpose, current_app.config[max_age_setting])
    if not user.is_active:
        raise InvalidToken()
    return user


def _pending_invitations(user: User) -> list:
    """Return the spaces an invited user is expected in, or raise InvalidToken.

    A user who already has a password has used an invitation. A user with no
    invited space and no lab has lost every access since the e-mail was sent.
    """
    if user.has_password:
        raise InvalidToken()
    invitations = spaces.pending_invitations(user.id)
    if not invitations and not spaces.has_lab_membership(user.id):
        raise InvalidToken()
    return invitations


def _link_error(exc: InvalidToken, link: str):
    """Render the page of an expired link (410) or an invalid or used one (404)."""
    status = 410 if exc.expired else 404
    return render_template("auth/link_error.html", link=link, expired=exc.expired), status
