"""Signed, expiring links sent in notification e-mails: `/n/<token>`."""

import logging

from flask import Blueprint, current_app, redirect, render_template, url_for

from app.services.accounts import InvalidToken, TokenPurpose, load_link_token
from app.services.emails import notification_link_target

log = logging.getLogger("labolien.links")

bp = Blueprint("links", __name__)

# Longer tokens are not ours: reject them before any decoding.
MAX_TOKEN_LENGTH = 400


@bp.get("/n/<token>")
def follow(token: str):
    """Check a notification link's signature, then go to the document or the list it announces.

    The target pages require login, so an anonymous visitor passes through
    the login page and comes back. An expired link gets a 410 response and
    any other invalid link a 404, with a page that points to the login.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        return _invalid_link(expired=False)
    try:
        payload = load_link_token(
            token, TokenPurpose.NOTIFICATION, current_app.config["NOTIFICATION_LINK_MAX_AGE"]
        )
    except InvalidToken as exc:
        return _invalid_link(expired=exc.expired)

    target = notification_link_target(payload)
    if target is None:
        log.warning("notification link with a valid signature but an unknown payload")
        return _invalid_link(expired=False)

    endpoint, values = target
    return redirect(url_for(endpoint, **values))


def _invalid_link(expired: bool):
    log.info("notification link rejected: %s", "expired" if expired else "invalid")
    status = 410 if expired else 404
    return render_template("links/invalid.html", expired=expired), status
