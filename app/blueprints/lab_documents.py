"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("lab_documents", __name__, url_prefix="/labo/documents")


@bp.get("/")
def index():
    return ""
