"""The lab's client directory: searching, reading and saving clients."""

import logging
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from peewee import JOIN, OP, SQL, Expression, IntegrityError, NodeList, Value, fn

from app.database import database
from app.models import Client, ClientKind, SpaceAccess
from app.models.directory import fold_text
from app.web import Pagination

log = logging.getLogger("labolien.directory")

# The value of the client-type filter that keeps every client.
ALL_KINDS = "all"

# The maximum length of Client.code.
MAX_CODE_LENGTH = 20


class ClientErrors(Exception):
    """Field errors found while saving a client, by form field name, in French."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


@dataclass(frozen=True)
class ClientInput:
    """The values of a client as typed in the form, already stripped."""

    code: str
    name: str
    kind: str
    group_id: int | None
    email: str | None
    phone: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    payment_terms_days: int
    notes: str | None


def parse_kind_filter(value: str | None) -> str:
    """Return the client-type filter asked for, « all » for a missing or unknown value."""
    return value if value in ClientKind.ALL else ALL_KINDS


def normalize_code(code: str) -> str:
    """Return a client code as stored: upper case, without spaces (« c 0011 » is « C0011 »)."""
    return "".join(code.split()).upper()


def _code_taken_message(code: str) -> str:
    return _(
        "Le code %(code)s est déjà pris par un autre client du laboratoire "
        "(les majuscules et minuscules ne comptent pas).",
        code=code,
    )


def find_client(lab_id: int, client_id: int):
    """Return the query of one client of a lab, its group loaded (None when independent)."""
    group = Client.alias()
    return (
        Client.select(Client, group)
        .join_from(Client, group, JOIN.LEFT_OUTER, on=(Client.group == group.id), attr="group")
        .where(Client.lab == lab_id, Client.id == client_id)
    )


def search_clients(
    lab_id: int, search: str, kind: str, page: int, per_page: int
) -> tuple[list[Client], Pagination]:
    """Return one page of a lab's clients matching a search and a client type.

    The search matches part of the code, name, postal code, city or e-mail,
    ignoring accents and case on every database: the folded search is
    matched against the client's folded `search_text`. Clients sort by their
    folded name, so « Jérôme » comes among the J. Each row carries
    `group_name` and `user_count`. A page past the end gives the last page.
    """
    condition = Client.lab == lab_id
    folded = fold_text(search)
    if folded:
        condition &= _contains(Client.search_text, folded)
    if kind in ClientKind.ALL:
        condition &= Client.kind == kind

    total = Client.select(fn.COUNT(Client.id)).where(condition).scalar()
    pagination = Pagination(page=page, per_page=per_page, total=total)
    if page > pagination.pages:
        pagination = Pagination(page=pagination.pages, per_page=per_page, total=total)

    group = Client.alias()
    user_count = (
        SpaceAccess.select(fn.COUNT(SpaceAccess.id))
        .where(SpaceAccess.client == Client.id)
        .alias("user_count")
    )
    query = (
        Client.select(
            Client.id,
            Client.code,
            Client.name,
            Client.kind,
            Client.city,
            group.name.alias("group_name"),
            user_count,
        )
        .join_from(Client, group, JOIN.LEFT_OUTER, on=(Client.group == group.id))
        .where(condition)
        .order_by(Client.sort_name, Client.code, Client.id)
        .paginate(pagination.page, per_page)
        .objects()
    )
    return list(query), pagination


def _contains(field, text: str) -> Expression:
    """Build `field LIKE '%text%'`, with LIKE's wildcards in `text` matched literally.

    SQLite's LIKE has no escape character unless the ESCAPE clause names one.
    Peewee writes OP.ILIKE as LIKE on SQLite (its OP.LIKE would become GLOB
    there) and as ILIKE on PostgreSQL, the same match on folded text.
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # converter=False keeps the pattern away from the field's own conversion.
    pattern = NodeList(
        (Value(f"%{escaped}%", converter=False), SQL("ESCAPE"), Value("\\", converter=False))
    )
    return Expression(field, OP.ILIKE, pattern)


def group_members(client_id: int) -> list[Client]:
    """Return the members of a group, by name."""
    return list(
        Client.select(Client.id, Client.code, Client.name, Client.city)
        .where(Client.group == client_id)
        .order_by(Client.sort_name, Client.id)
    )


def group_choices(lab_id: int, exclude_id: int | None = None) -> list[tuple[int, str]]:
    """Return the (id, label) pairs of a lab's groups, for the group field."""
    query = (
        Client.select(Client.id, Client.code, Client.name)
        .where(Client.lab == lab_id, Client.kind == ClientKind.GROUP)
        .order_by(Client.sort_name, Client.id)
    )
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    return [(row.id, f"{row.name} ({row.code})") for row in query]


def _check_client(lab_id: int, client: Client | None, data: ClientInput) -> dict[str, str]:
    """Return the field errors that need the database: unique code, group rules."""
    errors = {}
    client_id = client.id if client else None

    # UPPER() also finds a code stored in lower case before codes were normalized.
    same_code = Client.select().where(Client.lab == lab_id, fn.UPPER(Client.code) == data.code)
    if client_id is not None:
        same_code = same_code.where(Client.id != client_id)
    if len(data.code) > MAX_CODE_LENGTH:
        # Upper case can lengthen a code: « ß » becomes « SS ».
        errors["code"] = _("Le code ne doit pas dépasser %(max)d caractères.", max=MAX_CODE_LENGTH)
    elif same_code.exists():
        errors["code"] = _code_taken_message(data.code)

    if data.kind == ClientKind.GROUP_MEMBER:
        if data.group_id is None:
            errors["group"] = _("Choisissez le groupe dont ce client est membre.")
        elif (
            not Client.select()
            .where(
                Client.id == data.group_id,
                Client.lab == lab_id,
                Client.kind == ClientKind.GROUP,
                Client.id != client_id,
            )
            .exists()
        ):
            errors["group"] = _("Ce groupe n’existe pas dans votre annuaire.")
    elif data.group_id is not None:
        errors["group"] = _("Seul un membre de groupe est rattaché à un groupe.")

    if (
        client is not None
        and client.kind == ClientKind.GROUP
        and data.kind != ClientKind.GROUP
        and Client.select().where(Client.group == client.id).exists()
    ):
        errors["kind"] = _(
            "Ce groupe a des membres : rattachez-les à un autre groupe avant de changer son type."
        )
    return errors


def save_client(lab_id: int, client: Client | None, data: ClientInput) -> Client:
    """Create a client of a lab, or update one, after the checks the form cannot make.

    The code is stored normalized (`normalize_code`) and must be unique in
    the lab whatever its case. Raises ClientErrors with French messages per
    field. A code taken by a concurrent request is caught from the unique
    index as a code error.
    """
    data = replace(data, code=normalize_code(data.code))
    errors = _check_client(lab_id, client, data)
    if errors:
        raise ClientErrors(errors)

    if client is None:
        client = Client(lab=lab_id)
    client.code = data.code
    client.name = data.name
    client.kind = data.kind
    client.group = data.group_id
    client.email = data.email
    client.phone = data.phone
    client.address = data.address
    client.postal_code = data.postal_code
    client.city = data.city
    client.payment_terms_days = data.payment_terms_days
    client.notes = data.notes

    is_new = client.id is None
    try:
        with database.atomic():
            client.save()
    except IntegrityError:
        log.warning("client code already taken in lab %s (client %s)", lab_id, client.id)
        if is_new:
            client.id = None
        raise ClientErrors({"code": _code_taken_message(data.code)}) from None

    log.info("client %s %s in lab %s", client.id, "created" if is_new else "updated", lab_id)
    return client
