"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("lab_clients", __name__, url_prefix="/labo/clients")


@bp.get("/")
def index():
    return ""
