"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("mailbox", __name__, url_prefix="/dev/boite-mail")


@bp.get("/")
def index():
    return ""
