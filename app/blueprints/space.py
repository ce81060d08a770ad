"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("space", __name__, url_prefix="/espace")


@bp.get("/<int:client_id>/")
def documents(client_id: int):
    return ""


@bp.get("/<int:client_id>/documents/<int:document_id>")
def document(client_id: int, document_id: int):
    return ""


@bp.get("/<int:client_id>/publications/<int:notification_id>")
def notification(client_id: int, notification_id: int):
    return ""
