"""Access checks: lab staff are scoped to their lab, client users to their spaces."""

from functools import wraps

from flask import abort, g, session
from flask_login import current_user, login_required

from app.models import Lab, LabMembership
from app.services.visibility import open_space

SESSION_LAB_KEY = "lab_id"


def memberships_of(user_id: int) -> list[LabMembership]:
    """Return a user's lab memberships, lab loaded, by lab name."""
    return list(
        LabMembership.select(LabMembership, Lab)
        .join(Lab)
        .where(LabMembership.user == user_id)
        .order_by(Lab.name)
    )


def current_membership() -> LabMembership | None:
    """Return the membership of the lab chosen in the session, if still valid."""
    lab_id = session.get(SESSION_LAB_KEY)
    if lab_id is None or not current_user.is_authenticated:
        return None
    return (
        LabMembership.select(LabMembership, Lab)
        .join(Lab)
        .where(LabMembership.user == current_user.id, LabMembership.lab == lab_id)
        .first()
    )


def staff_required(view):
    """Require a logged-in staff member; sets `g.lab` and `g.membership`.

    A user with no lab chosen, or no longer a member, gets 404 rather than
    a hint that the lab side exists.
    """

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        membership = current_membership()
        if membership is None:
            memberships = memberships_of(current_user.id)
            if len(memberships) != 1:
                abort(404)
            membership = memberships[0]
            session[SESSION_LAB_KEY] = membership.lab_id
        g.membership = membership
        g.lab = membership.lab
        return view(*args, **kwargs)

    return wrapper


def space_required(view):
    """Require access to the space named by the `client_id` URL argument; sets `g.space`."""

    @wraps(view)
    @login_required
    def wrapper(*args, client_id: int, **kwargs):
        space = open_space(current_user.id, client_id)
        if space is None:
            abort(404)
        g.space = space
        return view(*args, client_id=client_id, **kwargs)

    return wrapper
