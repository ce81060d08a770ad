"""Adding users to client spaces, invitations and removals, at the service level."""

import pytest

from app.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
    SpaceAccess,
    SpaceStatus,
    User,
)
from app.services import spaces
from app.services.accounts import authenticate
from tests.factories import PASSWORD, grant_space, make_client, make_lab, make_staff, make_user


@pytest.fixture
def ctx(app):
    """A request context, for the French messages the services build."""
    with app.test_request_context():
        yield


@pytest.fixture
def lab(app):
    return make_lab()


@pytest.fixture
def staff(lab):
    return make_staff(lab)


@pytest.fixture
def space(lab):
    return make_client(lab, "Cabinet du Parc")


def notifications_of(user_id: int) -> list[Notification]:
    return list(Notification.select().where(Notification.user == user_id).order_by(Notification.id))


def test_known_address_joins_active(ctx, lab, staff, space):
    user = make_user("dr.martin@example.com")

    change = spaces.add_user_to_space(lab.id, space.id, "dr.martin@example.com", staff.id)

    assert change.access.user_id == user.id
    assert change.access.status == SpaceStatus.ACTIVE
    assert change.created_user is False
    assert User.select().where(User.email == "dr.martin@example.com").count() == 1


def test_known_address_gets_space_added(ctx, lab, staff, space):
    user = make_user("dr.martin@example.com")

    change = spaces.add_user_to_space(lab.id, space.id, "dr.martin@example.com", staff.id)

    rows = notifications_of(user.id)
    assert [row.kind for row in rows] == [NotificationKind.SPACE_ADDED]
    assert rows[0].id == change.notification_id
    assert rows[0].lab_id == lab.id
    assert rows[0].client_id == space.id


def test_new_address_gets_user_without_password(ctx, lab, staff, space):
    change = spaces.add_user_to_space(lab.id, space.id, "secretariat@example.net", staff.id)

    user = User.get(User.email == "secretariat@example.net")
    assert change.created_user is True
    assert user.password_hash is None
    assert change.access.status == SpaceStatus.INVITED
    assert change.access.invited_by_id == staff.id


def test_new_address_gets_invitation(ctx, lab, staff, space):
    change = spaces.add_user_to_space(lab.id, space.id, "secretariat@example.net", staff.id)

    rows = notifications_of(change.access.user_id)
    assert [row.kind for row in rows] == [NotificationKind.INVITATION]
    assert rows[0].client_id == space.id


def test_address_is_normalised(ctx, lab, staff, space):
    make_user("dr.martin@example.com")

    change = spaces.add_user_to_space(lab.id, space.id, "  Dr.Martin@Example.COM ", staff.id)

    assert change.access.user.email == "dr.martin@example.com"
    assert User.select().count() == 2


def test_invited_user_joins_second_space_invited(ctx, lab, staff, space):
    other_space = make_client(lab, "Centre dentaire des Lilas")
    spaces.add_user_to_space(lab.id, space.id, "new@example.net", staff.id)

    change = spaces.add_user_to_space(lab.id, other_space.id, "new@example.net", staff.id)

    assert change.access.status == SpaceStatus.INVITED
    assert change.created_user is False
    kinds = [row.kind for row in notifications_of(change.access.user_id)]
    assert kinds == [NotificationKind.INVITATION, NotificationKind.INVITATION]


def test_already_in_space_rejected(ctx, lab, staff, space):
    user = make_user("dr.martin@example.com")
    grant_space(user, space)

    with pytest.raises(spaces.SpaceError) as error:
        spaces.add_user_to_space(lab.id, space.id, "DR.MARTIN@example.com", staff.id)

    assert "déjà accès" in error.value.message
    assert notifications_of(user.id) == []


def test_staff_address_can_join_space(ctx, lab, staff, space):
    change = spaces.add_user_to_space(lab.id, space.id, staff.email, staff.id)

    assert change.access.user_id == staff.id
    assert change.access.status == SpaceStatus.ACTIVE


def test_inactive_account_rejected(ctx, lab, staff, space):
    make_user("former@example.com", is_active=False)

    with pytest.raises(spaces.SpaceError):
        spaces.add_user_to_space(lab.id, space.id, "former@example.com", staff.id)

    assert SpaceAccess.select().count() == 0


def test_empty_address_rejected(ctx, lab, staff, space):
    with pytest.raises(spaces.SpaceError):
        spaces.add_user_to_space(lab.id, space.id, "   ", staff.id)

    assert User.select().count() == 1


def test_resend_writes_new_invitation(ctx, lab, staff, space):
    first = spaces.add_user_to_space(lab.id, space.id, "new@example.net", staff.id)

    again = spaces.resend_invitation(lab.id, space.id, first.access.id)

    assert again.notification_id != first.notification_id
    kinds = [row.kind for row in notifications_of(first.access.user_id)]
    assert kinds == [NotificationKind.INVITATION, NotificationKind.INVITATION]


def test_resend_refused_for_active_user(ctx, lab, staff, space):
    access = grant_space(make_user(), space)

    with pytest.raises(spaces.SpaceError):
        spaces.resend_invitation(lab.id, space.id, access.id)

    assert notifications_of(access.user_id) == []


def test_resend_refused_for_other_space(ctx, lab, staff, space):
    other_space = make_client(lab)
    access = grant_space(make_user(password=False), other_space, status=SpaceStatus.INVITED)

    with pytest.raises(spaces.SpaceError):
        spaces.resend_invitation(lab.id, space.id, access.id)


def test_remove_access_keeps_user(ctx, lab, staff, space):
    user = make_user()
    access = grant_space(user, space)

    spaces.remove_access(space.id, access.id)

    assert SpaceAccess.get_or_none(SpaceAccess.id == access.id) is None
    assert User.get_or_none(User.id == user.id) is not None


def test_remove_access_cancels_pending_invitation(ctx, lab, staff, space):
    change = spaces.add_user_to_space(lab.id, space.id, "new@example.net", staff.id)

    spaces.remove_access(space.id, change.access.id)

    row = Notification.get_by_id(change.notification_id)
    assert row.status == NotificationStatus.CANCELLED


def test_remove_access_twice_rejected(ctx, lab, staff, space):
    access = grant_space(make_user(), space)
    spaces.remove_access(space.id, access.id)

    with pytest.raises(spaces.SpaceError):
        spaces.remove_access(space.id, access.id)


def test_accept_invitation_opens_every_space(ctx, lab, staff, space):
    other_lab = make_lab("Prothèses du Rhône")
    other_space = make_client(other_lab)
    first = spaces.add_user_to_space(lab.id, space.id, "new@example.net", staff.id)
    spaces.add_user_to_space(other_lab.id, other_space.id, "new@example.net", staff.id)
    user = User.get_by_id(first.access.user_id)

    opened = spaces.accept_invitation(user, PASSWORD, "Dr Claire Martin")

    assert opened == 2
    statuses = {access.status for access in SpaceAccess.select()}
    assert statuses == {SpaceStatus.ACTIVE}
    assert authenticate("new@example.net", PASSWORD) is not None
    assert User.get_by_id(user.id).name == "Dr Claire Martin"


def test_pending_invitations_lists_spaces(ctx, lab, staff, space):
    change = spaces.add_user_to_space(lab.id, space.id, "new@example.net", staff.id)

    invitations = spaces.pending_invitations(change.access.user_id)

    assert [access.client.name for access in invitations] == ["Cabinet du Parc"]
    assert invitations[0].client.lab.name == lab.name
