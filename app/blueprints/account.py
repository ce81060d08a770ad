"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/compte")


@bp.get("/")
def index():
    return ""
