"""What a user, in one client space, may see: the one place that decides it.

Lists, detail pages, PDFs, downloads, e-mails and exports all ask here, so
a rule about a group member's space is written once.
"""

from dataclasses import dataclass

from app.models import (
    Client,
    ClientKind,
    Document,
    DocumentKind,
    Lab,
    Notification,
    NotificationDocument,
    NotificationKind,
    SpaceAccess,
    SpaceStatus,
)


@dataclass(frozen=True)
class SpaceView:
    """One client space as one viewer sees it."""

    client: Client
    lab: Lab
    # None when lab staff explore the space read-only.
    access: SpaceAccess | None
    exploring: bool = False

    @property
    def client_id(self) -> int:
        return self.client.id

    @property
    def is_group_member(self) -> bool:
        return self.client.kind == ClientKind.GROUP_MEMBER

    @property
    def shows_amounts(self) -> bool:
        """Whether amounts appear anywhere in this space (lists, PDFs, e-mails)."""
        return not self.is_group_member

    @property
    def shows_prices(self) -> bool:
        """Whether the lab's price list appears in this space."""
        return self.lab.shows_prices and not self.is_group_member


def hidden_kinds(client: Client) -> frozenset[str]:
    """Return the document kinds a client's space never shows."""
    if client.kind == ClientKind.GROUP_MEMBER:
        return DocumentKind.FINANCIAL
    return frozenset()


def open_space(user_id: int, client_id: int) -> SpaceView | None:
    """Return the space a user may open, or None when they have no active access."""
    row = (
        SpaceAccess.select(SpaceAccess, Client, Lab)
        .join(Client)
        .join(Lab)
        .where(
            SpaceAccess.user == user_id,
            SpaceAccess.client == client_id,
            SpaceAccess.status == SpaceStatus.ACTIVE,
        )
        .first()
    )
    if row is None:
        return None
    return SpaceView(client=row.client, lab=row.client.lab, access=row)


def explore_space(lab_id: int, client_id: int) -> SpaceView | None:
    """Return a lab's own client space for read-only exploring by its staff."""
    client = (
        Client.select(Client, Lab)
        .join(Lab)
        .where(Client.id == client_id, Client.lab == lab_id)
        .first()
    )
    if client is None:
        return None
    return SpaceView(client=client, lab=client.lab, access=None, exploring=True)


def spaces_of_user(user_id: int) -> list[SpaceAccess]:
    """Return the active spaces of a user, with client and lab loaded."""
    return list(
        SpaceAccess.select(SpaceAccess, Client, Lab)
        .join(Client)
        .join(Lab)
        .where(SpaceAccess.user == user_id, SpaceAccess.status == SpaceStatus.ACTIVE)
        .order_by(Lab.name, Client.name)
    )


def visible_clients_condition(view: SpaceView):
    """Return the condition on Document.client for the clients this space covers.

    A group's space also covers its members' documents; any other space
    covers only its own client.
    """
    if view.client.kind == ClientKind.GROUP:
        members = Client.select(Client.id).where(Client.group == view.client_id)
        return (Document.client == view.client_id) | (Document.client.in_(members))
    return Document.client == view.client_id


def visible_documents(view: SpaceView, *fields):
    """Return the query of the published documents this space may see."""
    query = Document.select(*fields) if fields else Document.select()
    query = query.where(
        Document.lab == view.lab.id,
        Document.is_published == True,  # noqa: E712 (peewee expression)
        visible_clients_condition(view),
    )
    hidden = hidden_kinds(view.client)
    if hidden:
        query = query.where(Document.kind.not_in(sorted(hidden)))
    return query


def find_visible_document(view: SpaceView, document_id: int) -> Document | None:
    """Return one document if this space may see it now, else None."""
    return visible_documents(view).where(Document.id == document_id).first()


def is_withdrawn_document(view: SpaceView, document_id: int) -> bool:
    """Tell whether a document this space would show exists but is unpublished.

    An old link then gets the « document retiré » page instead of a bare 404.
    """
    query = Document.select(Document.id).where(
        Document.id == document_id,
        Document.lab == view.lab.id,
        Document.is_published == False,  # noqa: E712 (peewee expression)
        visible_clients_condition(view),
    )
    hidden = hidden_kinds(view.client)
    if hidden:
        query = query.where(Document.kind.not_in(sorted(hidden)))
    return query.exists()


def spaces_seeing(document: Document) -> list[Client]:
    """Return the client spaces that show a document once it is published.

    The document's own client, and its group when the client is a member;
    a member's space is dropped for the billing kinds it never shows.
    """
    client = document.client
    spaces = []
    if document.kind not in hidden_kinds(client):
        spaces.append(client)
    if client.kind == ClientKind.GROUP_MEMBER and client.group_id:
        spaces.append(Client.get_by_id(client.group_id))
    return spaces


def visible_kinds(view: SpaceView) -> list[str]:
    """Return the document kinds this space may see, in the usual order."""
    hidden = hidden_kinds(view.client)
    return [kind for kind in DocumentKind.ALL if kind not in hidden]


def find_notification(view: SpaceView, user_id: int, notification_id: int) -> Notification | None:
    """Return a publication e-mail sent to this user for this space, else None."""
    return Notification.get_or_none(
        Notification.id == notification_id,
        Notification.kind == NotificationKind.PUBLICATION,
        Notification.user == user_id,
        Notification.client == view.client_id,
        Notification.lab == view.lab.id,
    )


def notification_documents(view: SpaceView, notification_id: int, *fields):
    """Return the query of the documents a notification announced that this space shows now.

    The caller checks first, with `find_notification`, that the notification
    is the user's own and belongs to this space.
    """
    announced = NotificationDocument.select(NotificationDocument.document).where(
        NotificationDocument.notification == notification_id
    )
    return visible_documents(view, *fields).where(Document.id.in_(announced))


def find_own_space_access(user_id: int, access_id: int) -> SpaceAccess | None:
    """Return one of the user's own active space accesses, client and lab loaded, else None."""
    return (
        SpaceAccess.select(SpaceAccess, Client, Lab)
        .join(Client)
        .join(Lab)
        .where(
            SpaceAccess.id == access_id,
            SpaceAccess.user == user_id,
            SpaceAccess.status == SpaceStatus.ACTIVE,
        )
        .first()
    )
