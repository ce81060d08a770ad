"""French error pages; an htmx request gets a short fragment instead of a whole page."""

import logging

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("labolien.errors")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Requête invalide"),
            _("La demande n’a pas pu être traitée. Revenez en arrière et réessayez."),
        ),
        403: (_("Accès refusé"), _("Vous n’avez pas accès à cette page.")),
        404: (_("Page introuvable"), _("Cette page n’existe pas ou ne vous est pas accessible.")),
        405: (_("Action impossible"), _("Cette action n’est pas possible sur cette page.")),
        413: (_("Fichier trop volumineux"), _("Le fichier envoyé dépasse la taille autorisée.")),
        429: (_("Trop de demandes"), _("Patientez quelques minutes puis réessayez.")),
        500: (
            _("Erreur interne"),
            _("Une erreur est survenue de notre côté. Réessayez dans un instant."),
        ),
    }


def render_error(status: int, message: str | None = None):
    """Render the error page for a status, or a one-line fragment for htmx."""
    title, text = _messages().get(status, _messages()[400])
    template = "partials/common/error.html" if request.htmx else "errors/error.html"
    response = render_template(template, status=status, title=title, text=message or text)
    return response, status


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        log.warning(
            "CSRF check failed on %s %s: %s", request.method, request.path, error.description
        )
        return render_error(
            400,
            _(
                "Votre session a expiré ou le formulaire est incomplet. Rechargez la page puis réessayez."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
        return render_error(500)
