"""The gate in front of the Voilà web app: invitation sign-in, rate limits, facilitator page.

``scirocco-lab serve`` starts Voilà with :class:`InvitationIdentityProvider`, so every page,
static file, kernel and websocket of the app asks this gate who the visitor is first. A
visitor without a valid invitation cookie is sent to ``/login``, a small page served by the
Voilà server itself: no kernel is started for anonymous visitors, however many come.

The personal link ``/login?invite=TOKEN`` (or the token pasted into the sign-in page) is
checked against the store (hash lookup: known, not expired, not revoked, for the subject and
round this server assesses); a good token becomes an HttpOnly cookie and the visitor is sent
to the form, whose kernel reads the same cookie (Voilà passes it as ``HTTP_COOKIE``) and
checks it again. The URL never names a file, a subject or a round.

Failed sign-ins are rate-limited per client address and per token prefix, and logged.

>>> limiter = FailureLimiter(max_failures=2, window_seconds=60)
>>> limiter.record(["client:10.0.0.9"], now=0.0)
>>> limiter.blocked_for(["client:10.0.0.9"], now=1.0)
0.0
>>> limiter.record(["client:10.0.0.9"], now=2.0)
>>> limiter.blocked_for(["client:10.0.0.9"], now=3.0)
57.0
"""

from __future__ import annotations

import hmac
import html
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import ClassVar

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

from scirocco_lab.assessment.invitations import (
    Invitation,
    hash_token,
    token_prefix,
    verify_invitation,
)
from scirocco_lab.capture.cookies import COOKIE_NAME, cookie_token
from scirocco_lab.errors import InvitationError, SciroccoLabError
from scirocco_lab.store import Store, open_store

__all__ = [
    "ENV_BEHIND_PROXY",
    "ENV_FACILITATOR_KEY",
    "ENV_GATE_ROUND",
    "ENV_GATE_SUBJECT",
    "FacilitatorHandler",
    "FailureLimiter",
    "InvitationIdentityProvider",
    "ParticipantKernelManager",
    "SignInHandler",
    "sign_in_page",
]

#: Environment set by ``scirocco-lab serve`` for the server and its kernels.
ENV_GATE_SUBJECT = "SCIROCCO_LAB_CAPTURE_SUBJECT"
ENV_GATE_ROUND = "SCIROCCO_LAB_CAPTURE_ROUND"
ENV_FACILITATOR_KEY = "SCIROCCO_LAB_CAPTURE_FACILITATOR_KEY"
#: "1" when a reverse proxy in front sets X-Real-IP / X-Forwarded-For and X-Forwarded-Proto.
ENV_BEHIND_PROXY = "SCIROCCO_LAB_CAPTURE_BEHIND_PROXY"

_log = logging.getLogger("scirocco_lab.capture.gate")


class FailureLimiter:
    """Failed attempts per key in a sliding window; a key with ``max_failures`` failures in
    the last ``window_seconds`` is blocked until the oldest of them leaves the window.

    Stateful on purpose: the server keeps one for its lifetime (in memory, one process).
    """

    def __init__(self, *, max_failures: int = 5, window_seconds: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        return times

    def blocked_for(self, keys: Iterable[str], *, now: float) -> float:
        """Seconds until every key may try again (0.0: not blocked)."""
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[0] + self.window_seconds - now)
        return wait

    def record(self, keys: Iterable[str], *, now: float) -> None:
        """Count one failure against each key."""
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget idle keys so memory stays bounded
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]


def _round_setting() -> int | None:
    text = os.environ.get(ENV_GATE_ROUND)
    return int(text) if text and text.isdigit() else None


class InvitationIdentityProvider(IdentityProvider):
    """Voilà's identity provider: a visitor is a participant only with a valid invitation."""

    limiter = FailureLimiter(max_failures=5, window_seconds=60.0)
    prefix_limiter = FailureLimiter(max_failures=10, window_seconds=300.0)
    # Hashes of bad cookie tokens already counted (bounded; one server per process).
    _bad_cookies: ClassVar[dict[str, None]] = {}

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    @property
    def logout_available(self) -> bool:
        return False

    def gate_store(self) -> Store:
        """The store named by ``SCIROCCO_LAB_STORE`` (opened once per server)."""
        store = getattr(self, "_gate_store", None)
        if store is None:
            store = open_store(create=False)
            self._gate_store = store
        return store

    def check_token(self, token: str, *, record_use: bool = False) -> Invitation:
        """The invitation for ``token`` on this server's subject and round."""
        return verify_invitation(
            self.gate_store(),
            token,
            subject=os.environ.get(ENV_GATE_SUBJECT) or None,
            round=_round_setting(),
            record_use=record_use,
        )

    def get_user(self, handler: web.RequestHandler) -> User | None:
        token = handler.get_cookie(COOKIE_NAME)
        if not token:
            return None
        client = _client_address(handler)
        keys = [f"client:{client}", f"prefix:{token_prefix(token)}"]
        now = time.monotonic()
        if self.limiter.blocked_for(keys[:1], now=now) > 0:
            return None  # a guesser cannot use the cookie to get round the sign-in limit
        try:
            invitation = self.check_token(token)
        except SciroccoLabError as exc:
            # Expired or revoked since sign-in, or forged: back to the sign-in page, the
            # cookie cleared. A browser resending one stale cookie counts as one failure.
            handler.clear_cookie(COOKIE_NAME, path=handler.base_url)  # type: ignore[attr-defined]
            seen = hash_token(token)
            if seen not in self._bad_cookies:
                self._bad_cookies[seen] = None
                if len(self._bad_cookies) > 1000:
                    self._bad_cookies.pop(next(iter(self._bad_cookies)))
                self.limiter.record(keys[:1], now=now)
                _log.warning(
                    "cookie refused: client=%s link=%s… reason=%s", client, keys[1][7:], exc
                )
            return None
        return User(username=f"invitation-{invitation.invitation_id}", name=invitation.assessor)

    def get_handlers(self) -> list[tuple[str, object]]:
        # Voilà passes its own login handler class; the gate serves its own pages instead.
        return [(r"/login", SignInHandler), (r"/facilitator", FacilitatorHandler)]

    def should_check_origin(self, handler: web.RequestHandler) -> bool:
        return True

    def is_token_authenticated(self, handler: web.RequestHandler) -> bool:
        return False


def _client_address(handler: web.RequestHandler) -> str:
    if os.environ.get(ENV_BEHIND_PROXY) == "1":
        real = handler.request.headers.get("X-Real-IP")
        forwarded = handler.request.headers.get("X-Forwarded-For", "")
        # The proxy appends the address it saw last: that one it vouches for.
        chosen = real or (forwarded.split(",")[-1].strip() if forwarded else "")
        if chosen:
            return chosen
    return handler.request.remote_ip or "unknown"


def _is_https(handler: web.RequestHandler) -> bool:
    if handler.request.protocol == "https":
        return True
    return (
        os.environ.get(ENV_BEHIND_PROXY) == "1"
        and handler.request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    )


def sign_in_page(message: str = "", *, xsrf_html: str = "", tone: str = "info") -> str:
    """The sign-in page: plain HTML, no kernel, every text escaped.

    >>> "&lt;b&gt;" in sign_in_page("<b>")
    True
    """
    colour = {"error": "#a11b1b", "info": "#0b5394"}.get(tone, "#0b5394")
    shown = (
        f"<p class='scl-sign-in-message' role='alert' style='color:{colour}'>"
        f"{html.escape(message)}</p>"
        if message
        else ""
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Maturity assessment: sign in</title><style>"
        "body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em}"
        "input[type=text]{width:100%;padding:6px;font-family:monospace}"
        "button{margin-top:8px;padding:6px 18px}</style></head><body>"
        "<h1>Maturity assessment</h1>"
        "<p>Open the personal link the facilitator gave you, or paste the code from that "
        "link (the part after <code>invite=</code>) here.</p>"
        f"{shown}<form method='post' action='login' class='scl-sign-in'>{xsrf_html}"
        "<label>Your invitation code <input type='text' name='invite' autocomplete='off' "
        "spellcheck='false'></label><br><button type='submit'>Sign in</button></form>"
        "</body></html>"
    )


class SignInHandler(JupyterHandler):
    """``/login``: the sign-in page (GET) and the token check (GET with ?invite=, POST)."""

    @property
    def gate(self) -> InvitationIdentityProvider:
        return self.identity_provider  # type: ignore[return-value]

    def check_xsrf_cookie(self) -> None:
        # The sign-in form is the one POST made before any session exists; a forged
        # sign-in only signs the victim in as the forger's participant, who is rate-limited.
        return None

    @allow_unauthenticated
    def get(self) -> None:
        token = self.get_argument("invite", "")
        if token:
            self._attempt(token)
        else:
            self._page("")

    @allow_unauthenticated
    def post(self) -> None:
        self._attempt(self.get_argument("invite", ""))

    def _page(self, message: str, *, status: int = 200, tone: str = "info") -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(sign_in_page(message, tone=tone))

    def _attempt(self, typed: str) -> None:
        # A pasted whole link works as well as the bare token.
        token = typed.strip().rsplit("invite=", 1)[-1].split("&", 1)[0]
        client = _client_address(self)
        keys = [f"client:{client}"]
        prefix_keys = [f"prefix:{token_prefix(token)}"]
        now = time.monotonic()
        wait = max(
            self.gate.limiter.blocked_for(keys, now=now),
            self.gate.prefix_limiter.blocked_for(prefix_keys, now=now),
        )
        if wait > 0:
            _log.warning(
                "sign-in refused (rate limit): client=%s link=%s…", client, token_prefix(token)
            )
            self.set_header("Retry-After", str(int(wait) + 1))
            self._page(
                f"Too many failed sign-ins. Wait {int(wait) + 1} seconds, then open your "
                "personal link again.",
                status=429,
                tone="error",
            )
            return
        try:
            invitation = self.gate.check_token(token, record_use=True)
        except InvitationError as exc:
            self.gate.limiter.record(keys, now=now)
            self.gate.prefix_limiter.record(prefix_keys, now=now)
            _log.warning(
                "sign-in refused: client=%s link=%s… reason=%s", client, token_prefix(token), exc
            )
            self._page(f"Not signed in: {exc}", status=403, tone="error")
            return
        _log.info(
            "signed in: participant %s (invitation %s, client %s)",
            invitation.assessor,
            invitation.invitation_id,
            client,
        )
        self.set_cookie(
            COOKIE_NAME,
            token,
            path=self.base_url,
            httponly=True,
            samesite="Lax",
            secure=_is_https(self),
            expires=invitation.expires_at,
        )
        self.redirect(self.base_url)


class FacilitatorHandler(JupyterHandler):
    """``/facilitator?key=...``: live submissions, drafts and spread; no kernel.

    The key is made fresh by each ``scirocco-lab serve`` and printed only to its console.
    """

    @allow_unauthenticated
    def get(self) -> None:
        from scirocco_lab.assessment.progress import workshop_status
        from scirocco_lab.capture.facilitator import facilitator_page

        expected = os.environ.get(ENV_FACILITATOR_KEY, "")
        given = self.get_argument("key", "")
        client = _client_address(self)
        gate: InvitationIdentityProvider = self.identity_provider  # type: ignore[assignment]
        now = time.monotonic()
        keys = [f"client:{client}"]
        if gate.limiter.blocked_for(keys, now=now) > 0:
            self._refuse(429, "Too many failed attempts; wait a minute.")
            return
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            gate.limiter.record(keys, now=now)
            _log.warning("facilitator page refused: client=%s", client)
            self._refuse(403, "Wrong or missing key: use the link serve printed.")
            return
        subject = os.environ.get(ENV_GATE_SUBJECT)
        if not subject:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(
                "<p>Start the server with <code>scirocco-lab serve --subject KEY</code> to "
                "see a workshop's progress here.</p>"
            )
            return
        status = workshop_status(
            gate.gate_store(),
            subject,
            round=_round_setting() or 1,
            instrument=os.environ.get("SCIROCCO_LAB_CAPTURE_INSTRUMENT") or None,
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(facilitator_page(status, refresh_seconds=5))

    def _refuse(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(f"<!DOCTYPE html><title>Refused</title><p>{html.escape(message)}</p>")


class ParticipantKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager with two bounds: at most ``kernels_per_participant`` kernels
    per invitation (opening one more shuts that participant's oldest down: a reloaded page
    leaves nothing behind) and at most ``max_kernels`` in all (one more gets "busy", 503).

    Idle kernels without a connected page are culled by the standard ``cull_*`` settings,
    which ``scirocco-lab serve`` turns on.
    """

    kernels_per_participant = Int(2, config=True, help="kernels one invitation may hold")
    max_kernels = Int(60, config=True, help="kernels the whole server may hold")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._owners: dict[str, str | None] = {}

    async def start_kernel(self, **kwargs) -> str:  # type: ignore[override]
        env = kwargs.get("env") or {}
        token = cookie_token(env.get("HTTP_COOKIE"))
        owner = hash_token(token) if token else None
        live = set(self.list_kernel_ids())
        self._owners = {k: v for k, v in self._owners.items() if k in live}
        if owner is not None:
            mine = [k for k, v in self._owners.items() if v == owner]  # oldest first
            while len(mine) >= self.kernels_per_participant:
                oldest = mine.pop(0)
                _log.info("participant opened another page: stopping their kernel %s", oldest)
                await self.shutdown_kernel(oldest)
                self._owners.pop(oldest, None)
        if len(self.list_kernel_ids()) >= self.max_kernels:
            _log.warning("kernel limit (%s) reached: page refused", self.max_kernels)
            raise web.HTTPError(503, "the workshop server is busy; try again in a minute")
        kernel_id = await super().start_kernel(**kwargs)
        self._owners[kernel_id] = owner
        return kernel_id
