"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("links", __name__)
