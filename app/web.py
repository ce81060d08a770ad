"""Request helpers shared by the blueprints: page or partial, paging, lookups."""

import io
from dataclasses import dataclass
from math import ceil
from urllib.parse import urlencode

from flask import abort, render_template, request, send_file
from htmx_flask import make_response as htmx_make_response
from peewee import DoesNotExist


def wants_partial() -> bool:
    """Tell whether to respond with a fragment: an htmx request, not a history restore."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_partial(page: str, partial: str, status: int = 200, **context):
    """Render the partial for htmx and the full page otherwise, varying on HX-Request."""
    template = partial if wants_partial() else page
    response = htmx_make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def get_or_404(query):
    """Return the single row of a scoped query, or abort with 404."""
    try:
        return query.get()
    except DoesNotExist:
        abort(404)


# Far more pages than any list has; longer input is not a page number.
MAX_PAGE_DIGITS = 7


def parse_page() -> int:
    """Return the requested page number, 1 for anything invalid."""
    value = request.args.get("page", "1")
    # isdigit() accepts digits such as "²" that int() rejects, so check ASCII too.
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_PAGE_DIGITS:
        return 1
    return max(1, int(value))


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a local path, so a `next` cannot lead to another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    return target


@dataclass(frozen=True)
class Pagination:
    """The position of one page in a result set, for the paging links."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.page * self.per_page)


def url_with_args(**changes) -> str:
    """Return the current path with its query string, some arguments changed.

    Filters travel in the query string, so paging, sorting and exports keep
    them; a value of None drops the argument.
    """
    args = request.args.to_dict(flat=True)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(args)
    return f"{request.path}?{query}" if query else request.path


def pdf_attachment(content: bytes, filename: str):
    """Return PDF bytes as a download that no cache keeps.

    Werkzeug writes the name both as an ASCII fallback and as RFC 5987
    `filename*`, so « Certificat de traçabilité » keeps its accents.
    """
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filename,
        max_age=0,
        conditional=False,
        etag=False,
    )
    # A PDF contains a patient reference and amounts, so no cache may keep it.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.pop("Expires", None)
    return response
