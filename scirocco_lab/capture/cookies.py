"""The invitation cookie the gate sets and the form's kernel reads back.

Kept apart from :mod:`scirocco_lab.capture.gate` so a form's kernel does not import the web
server to read one cookie.

>>> from scirocco_lab.store import open_store
>>> invitation_from_cookie_header(open_store("sqlite://"), "other=1")
Traceback (most recent call last):
...
scirocco_lab.errors.InvitationError: you are not signed in. Fix: open the personal link ...
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from scirocco_lab.assessment.invitations import Invitation, verify_invitation
from scirocco_lab.errors import InvitationError
from scirocco_lab.store import Store

__all__ = ["COOKIE_NAME", "cookie_token", "invitation_from_cookie_header"]

#: The cookie holding a participant's invitation token (HttpOnly, SameSite=Lax).
COOKIE_NAME = "scirocco-lab-invitation"


def cookie_token(cookie_header: str | None) -> str | None:
    """The invitation token in a ``Cookie`` header, if any.

    >>> cookie_token("a=1; scirocco-lab-invitation=tok")
    'tok'
    """
    if not cookie_header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE_NAME)
    return morsel.value if morsel else None


def invitation_from_cookie_header(
    store: Store,
    cookie_header: str | None,
    *,
    subject: str | None = None,
    round: int | None = None,
) -> Invitation:
    """The invitation named by the ``Cookie`` header's invitation cookie, checked in the store.

    The form's kernel calls this with ``HTTP_COOKIE`` (Voilà passes the header), so the
    kernel trusts nothing the page sends: it repeats the gate's check.
    """
    token = cookie_token(cookie_header)
    if not token:
        raise InvitationError(
            "you are not signed in. Fix: open the personal link the facilitator gave you."
        )
    return verify_invitation(store, token, subject=subject, round=round)
