"""Invitations: one personal, unguessable sign-in link per participant of a workshop round.

The facilitator creates invitations for a subject (region or good practice) and round; each
gets a token of 192 random bits from :mod:`secrets`, scoped to one subject, round and
assessor, with an expiry. The store keeps only the token's SHA-256 (and its first six
characters, to name a link in listings and logs), so a copied database signs nobody in and
the tokens are shown exactly once: in the CSV and the printable sheet written when they are
created. A pseudonym alone never signs anyone in.

>>> from scirocco_lab.assessment.store import add_subjects, add_assessors
>>> from scirocco_lab.store import open_store
>>> from scirocco_lab.assessment.records import SubjectRecord, AssessorRecord
>>> store = open_store("sqlite://")
>>> _ = add_subjects(store, [SubjectRecord("northvale", "Northvale")])
>>> _ = add_assessors(store, [AssessorRecord("NV-01")])
>>> [issued] = create_invitations(store, "northvale", 2, assessors=["NV-01"])
>>> len(issued.token) >= 32
True
>>> verify_invitation(store, issued.token, subject="northvale", round=2).assessor
'NV-01'
>>> verify_invitation(store, issued.token, subject="northvale", round=1)
Traceback (most recent call last):
...
scirocco_lab.errors.InvitationError: this invitation is for round 2, not round 1. ...
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import Connection, select, update

from scirocco_lab.assessment import tables as assessment_tables
from scirocco_lab.assessment.records import AssessorRecord
from scirocco_lab.assessment.store import add_assessors
from scirocco_lab.errors import ConfigurationError, InvitationError, NotFoundError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.files import write_atomically
from scirocco_lab.store import Store, schema
from scirocco_lab.store.ledger import audit

__all__ = [
    "DEFAULT_EXPIRY",
    "TOKEN_BYTES",
    "Invitation",
    "IssuedInvitation",
    "check_invitation_active",
    "create_invitations",
    "hash_token",
    "invitation_link",
    "invitations_frame",
    "parse_expiry",
    "revoke_invitations",
    "token_prefix",
    "verify_invitation",
    "write_invitation_sheets",
]

#: Random bytes per token: 192 bits, well above the 128 bits a guessing attack would need.
TOKEN_BYTES = 24
#: How long a new invitation stays valid unless ``expires`` says otherwise.
DEFAULT_EXPIRY = "7d"
_PREFIX_LENGTH = 6


@dataclass(frozen=True)
class IssuedInvitation:
    """A freshly created invitation, with its token (the only time the token exists)."""

    invitation_id: int
    subject: str
    round: int
    assessor: str
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Invitation:
    """A stored invitation as a sign-in check sees it (no token, only its prefix)."""

    invitation_id: int
    subject: str
    round: int
    assessor: str
    prefix: str
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    first_used_at: dt.datetime | None


def hash_token(token: str) -> str:
    """The SHA-256 (hex) the store keeps instead of the token.

    Tokens carry 192 random bits, so a fast hash is enough: there is nothing to brute-force.

    >>> len(hash_token("abc"))
    64
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    """The first characters of a token: names a link in listings and logs, signs nobody in.

    >>> token_prefix("Abc123xyz-rest")
    'Abc123'
    """
    return token[:_PREFIX_LENGTH]


def parse_expiry(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """An expiry as a UTC time: a duration (``90m``, ``8h``, ``7d``) from now, or an ISO date
    or date-time (UTC unless it names a zone; a date means the end of that day).

    >>> start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    >>> parse_expiry("8h", now=start).isoformat()
    '2026-05-01T17:00:00+00:00'
    >>> parse_expiry("2026-05-03", now=start).isoformat()
    '2026-05-03T23:59:59+00:00'
    """
    now = now or utc_now()
    value = (text or "").strip()
    match = re.fullmatch(r"(\d+)\s*([mhd])", value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"m": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1)}.get(
            unit, dt.timedelta(days=1)
        )
        expires = now + amount * delta
    else:
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                day = dt.date.fromisoformat(value)
                expires = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
            else:
                expires = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ConfigurationError(
                f"expiry '{text}' is neither a duration nor a date. Fix: use e.g. --expires 8h, "
                "--expires 3d or --expires 2026-05-03T18:00."
            ) from None
        expires = _as_utc(expires)
    if expires <= now:
        raise ConfigurationError(
            f"expiry '{text}' is already in the past. Fix: give a later time or a duration."
        )
    return expires


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive date-times; everything here is stored in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _subject_id(connection: Connection, subject: str) -> int:
    found = connection.execute(
        select(schema.subjects.c.id).where(schema.subjects.c.key == subject)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(
            f"no region or good practice with key '{subject}' in the store. Fix: check the "
            "key (scirocco-lab store info lists them)."
        )
    return int(found)


def _new_pseudonyms(store: Store, subject: str, count: int) -> list[str]:
    letters = re.sub(r"[^A-Za-z]", "", subject).upper()[:3] or "P"
    with store.engine.connect() as connection:
        taken = set(connection.execute(select(schema.assessors.c.pseudonym)).scalars())
    names: list[str] = []
    number = 1
    while len(names) < count:
        name = f"{letters}-{number:02d}"
        if name not in taken:
            names.append(name)
        number += 1
    return names


def create_invitations(
    store: Store,
    subject: str,
    round: int,
    *,
    assessors: Sequence[str] | None = None,
    count: int | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[IssuedInvitation, ...]:
    """One new invitation per assessor (``assessors``), or ``count`` new assessors with
    generated pseudonyms (e.g. ``NOR-07``) and one invitation each; one transaction.

    Raises :class:`NotFoundError` for an unknown subject or pseudonym (nothing is written)
    and :class:`ConfigurationError` for a bad round or count.
    """
    if round < 1:
        raise ConfigurationError(f"round {round} is not a round number. Fix: use 1, 2, 3, ...")
    if (assessors is None) == (count is None):
        raise ConfigurationError(
            "name the participants (--assessors NV-01 NV-02 ...) or how many (--count N), "
            "not both and not neither."
        )
    if count is not None and not 1 <= count <= 500:
        raise ConfigurationError(f"--count {count}: give a number from 1 to 500.")
    now = utc_now()
    expires_at = _as_utc(expires_at) if expires_at else parse_expiry(DEFAULT_EXPIRY, now=now)
    with store.engine.connect() as connection:
        subject_id = _subject_id(connection, subject)
    if count is not None:
        names = _new_pseudonyms(store, subject, count)
        add_assessors(store, [AssessorRecord(name, home_subject=subject) for name in names])
    else:
        names = [name.strip() for name in assessors or () if name.strip()]
        if not names:
            raise ConfigurationError("no pseudonyms given. Fix: --assessors NV-01 NV-02 ...")
    issued: list[IssuedInvitation] = []
    with store.transaction() as connection:
        ids = dict(
            connection.execute(
                select(schema.assessors.c.pseudonym, schema.assessors.c.id).where(
                    schema.assessors.c.pseudonym.in_(names)
                )
            ).all()
        )
        unknown = [name for name in names if name not in ids]
        if unknown:
            raise NotFoundError(
                f"unknown participant pseudonym(s): {', '.join(unknown)}; no invitation was "
                "created. Fix: add them to the store first, or use --count N to create "
                "new participants."
            )
        for name in dict.fromkeys(names):
            token = secrets.token_urlsafe(TOKEN_BYTES)
            result = connection.execute(
                assessment_tables.invitations.insert().values(
                    token_hash=hash_token(token),
                    token_prefix=token_prefix(token),
                    subject_id=subject_id,
                    round=round,
                    assessor_id=ids[name],
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            issued.append(
                IssuedInvitation(
                    int(result.inserted_primary_key[0]), subject, round, name, token, expires_at
                )
            )
        # Token prefixes name the links; never the tokens themselves.
        audit(
            connection,
            "create",
            "invitations",
            keys=[f"{subject}/{round}/{i.assessor}" for i in issued],
            counts={"invitations": len(issued)},
        )
    return tuple(issued)


def _invitation_select():
    table = assessment_tables.invitations
    return (
        select(
            table.c.id,
            schema.subjects.c.key.label("subject"),
            table.c.round,
            schema.assessors.c.pseudonym.label("assessor"),
            table.c.token_prefix,
            table.c.created_at,
            table.c.expires_at,
            table.c.revoked_at,
            table.c.first_used_at,
            table.c.last_used_at,
        )
        .join(schema.subjects, schema.subjects.c.id == table.c.subject_id)
        .join(schema.assessors, schema.assessors.c.id == table.c.assessor_id)
    )


def verify_invitation(
    store: Store,
    token: str,
    *,
    subject: str | None = None,
    round: int | None = None,
    record_use: bool = False,
    now: dt.datetime | None = None,
) -> Invitation:
    """The invitation ``token`` opens, checked against ``subject`` and ``round`` when given.

    Raises :class:`InvitationError` (one sentence, no hint of which part of a wrong token was
    right) for an unknown, expired or revoked token, or one for another subject or round.
    ``record_use`` stamps the first and last use (for ``invitations list``).
    """
    now = now or utc_now()
    text = (token or "").strip()
    if not text or len(text) > 200:
        raise InvitationError(
            "this sign-in link is not valid. Fix: open the personal link the facilitator "
            "gave you, exactly as written."
        )
    with store.engine.connect() as connection:
        row = connection.execute(
            _invitation_select().where(
                assessment_tables.invitations.c.token_hash == hash_token(text)
            )
        ).first()
    if row is None:
        raise InvitationError(
            "this sign-in link is not valid. Fix: open the personal link the facilitator "
            "gave you, exactly as written."
        )
    _check_live(row, now)
    if subject is not None and row.subject != subject:
        raise InvitationError(
            "this invitation is for another region or good practice than the one this "
            "workshop assesses. Fix: use the link for this workshop."
        )
    if round is not None and int(row.round) != int(round):
        raise InvitationError(
            f"this invitation is for round {row.round}, not round {round}. Fix: use the link "
            "for this round."
        )
    if record_use:
        table = assessment_tables.invitations
        with store.transaction() as connection:
            connection.execute(update(table).where(table.c.id == row.id).values(last_used_at=now))
            connection.execute(
                update(table)
                .where(table.c.id == row.id, table.c.first_used_at.is_(None))
                .values(first_used_at=now)
            )
    return Invitation(
        invitation_id=int(row.id),
        subject=row.subject,
        round=int(row.round),
        assessor=row.assessor,
        prefix=row.token_prefix,
        expires_at=_as_utc(row.expires_at),
        revoked_at=row.revoked_at,
        first_used_at=row.first_used_at or (now if record_use else None),
    )


def check_invitation_active(
    store: Store, invitation_id: int, *, now: dt.datetime | None = None
) -> None:
    """Raise :class:`InvitationError` unless invitation ``invitation_id`` is still neither
    revoked nor expired: a form already open checks this before every save, so revoking
    a link stops its participant at once."""
    now = now or utc_now()
    table = assessment_tables.invitations
    with store.engine.connect() as connection:
        row = connection.execute(
            select(table.c.revoked_at, table.c.expires_at).where(table.c.id == invitation_id)
        ).first()
    if row is None:
        raise InvitationError(_WITHDRAWN)
    _check_live(row, now)


_WITHDRAWN = (
    "this invitation was withdrawn by the facilitator. Fix: ask the facilitator for a new link."
)


def _check_live(row, now: dt.datetime) -> None:
    """Refuse an invitation row (``revoked_at``, ``expires_at``) that was withdrawn or has
    expired: at sign-in and before every save of a form already open."""
    if row.revoked_at is not None:
        raise InvitationError(_WITHDRAWN)
    if _as_utc(row.expires_at) <= now:
        raise InvitationError(
            "this invitation has expired. Fix: ask the facilitator for a new link."
        )


def invitations_frame(
    store: Store,
    *,
    subject: str | None = None,
    round: int | None = None,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """Every invitation (never a token): id, subject, round, assessor, link prefix, created,
    expires, status (``unused``, ``used``, ``expired``, ``revoked``) and first/last use."""
    now = now or utc_now()
    statement = _invitation_select().order_by(assessment_tables.invitations.c.id)
    if subject is not None:
        statement = statement.where(schema.subjects.c.key == subject)
    if round is not None:
        statement = statement.where(assessment_tables.invitations.c.round == round)
    with store.engine.connect() as connection:
        rows = connection.execute(statement).all()
    records = []
    for row in rows:
        if row.revoked_at is not None:
            status = "revoked"
        elif _as_utc(row.expires_at) <= now:
            status = "expired"
        else:
            status = "used" if row.first_used_at is not None else "unused"
        records.append(
            {
                "id": int(row.id),
                "subject": row.subject,
                "round": int(row.round),
                "assessor": row.assessor,
                "link": f"{row.token_prefix}…",
                "status": status,
                "expires_at": _as_utc(row.expires_at).isoformat(timespec="minutes"),
                "first_used_at": _iso(row.first_used_at),
                "last_used_at": _iso(row.last_used_at),
            }
        )
    columns = [
        "id",
        "subject",
        "round",
        "assessor",
        "link",
        "status",
        "expires_at",
        "first_used_at",
        "last_used_at",
    ]
    return pd.DataFrame(records, columns=columns)


def _iso(value: dt.datetime | None) -> str:
    return "" if value is None else _as_utc(value).isoformat(timespec="minutes")


def revoke_invitations(
    store: Store,
    *,
    ids: Sequence[int] = (),
    subject: str | None = None,
    round: int | None = None,
    assessor: str | None = None,
) -> int:
    """Withdraw invitations by id, or every one of a subject (and round, and assessor);
    returns how many were revoked now. A revoked link stops working at once, also for a
    participant already signed in (every page and save checks it)."""
    if not ids and subject is None:
        raise ConfigurationError(
            "say which invitations to revoke: their ids (from invitations list) or --subject "
            "KEY (with --round N and --assessor CODE to narrow it)."
        )
    table = assessment_tables.invitations
    now = utc_now()
    with store.transaction() as connection:
        statement = update(table).where(table.c.revoked_at.is_(None)).values(revoked_at=now)
        if ids:
            statement = statement.where(table.c.id.in_([int(i) for i in ids]))
        if subject is not None:
            statement = statement.where(table.c.subject_id == _subject_id(connection, subject))
        if round is not None:
            statement = statement.where(table.c.round == round)
        if assessor is not None:
            assessor_id = connection.execute(
                select(schema.assessors.c.id).where(schema.assessors.c.pseudonym == assessor)
            ).scalar_one_or_none()
            if assessor_id is None:
                raise NotFoundError(f"unknown participant pseudonym '{assessor}'.")
            statement = statement.where(table.c.assessor_id == assessor_id)
        revoked = int(connection.execute(statement).rowcount or 0)
        if revoked:
            audit(connection, "revoke", "invitations", keys=map(str, ids or ()),
                  counts={"invitations": revoked})  # fmt: skip
        return revoked


def invitation_link(base_url: str, token: str) -> str:
    """The personal link for ``token`` on a server at ``base_url``.

    >>> invitation_link("http://10.0.0.5:8866", "tok")
    'http://10.0.0.5:8866/login?invite=tok'
    """
    return f"{base_url.rstrip('/')}/login?{urlencode({'invite': token})}"


def write_invitation_sheets(
    issued: Sequence[IssuedInvitation],
    out_dir: Path,
    *,
    base_url: str,
    subject_name: str | None = None,
) -> tuple[Path, Path]:
    """Write the CSV and the printable HTML sheet of personal links; returns both paths.

    Both files hold live tokens, so they are created readable by their owner only (0600).
    Every text on the sheet is escaped.
    """
    if not issued:
        raise ConfigurationError("no invitations to write.")
    first = issued[0]
    stem = f"invitations-{re.sub(r'[^A-Za-z0-9_-]', '_', first.subject)}-round{first.round}"
    stamp = utc_now().strftime("%Y%m%dT%H%M%S")
    csv_path = Path(out_dir) / f"{stem}-{stamp}.csv"
    html_path = Path(out_dir) / f"{stem}-{stamp}.html"
    rows = [
        {
            "invitation_id": item.invitation_id,
            "subject": item.subject,
            "round": item.round,
            "assessor": item.assessor,
            "link": invitation_link(base_url, item.token),
            "expires_at": item.expires_at.isoformat(timespec="minutes"),
        }
        for item in issued
    ]

    def write_csv(temporary: Path) -> None:
        os.chmod(temporary, 0o600)
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def write_html(temporary: Path) -> None:
        os.chmod(temporary, 0o600)
        temporary.write_text(_sheet_html(rows, subject_name or first.subject), encoding="utf-8")

    write_atomically(csv_path, write_csv)
    write_atomically(html_path, write_html)
    return csv_path, html_path


def _sheet_html(rows: list[dict], subject_name: str) -> str:
    esc = html.escape
    cards = "\n".join(
        f"<section class='card'><h2>Participant {esc(row['assessor'])}</h2>"
        f"<p>{esc(subject_name)} · round {esc(str(row['round']))}</p>"
        f"<p>Your personal link (do not share it):</p>"
        f"<p class='link'>{esc(row['link'])}</p>"
        f"<p class='small'>Valid until {esc(row['expires_at'])} UTC.</p></section>"
        for row in rows
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Invitations: {esc(subject_name)}</title><style>"
        "body{font-family:sans-serif;margin:1cm}"
        ".card{border:1px dashed #777;padding:0.5cm;margin:0 0 0.6cm 0;"
        "page-break-inside:avoid}"
        ".link{font-family:monospace;font-size:11pt;word-break:break-all}"
        ".small{font-size:9pt;color:#555}h2{margin:0 0 4px 0}"
        "</style></head><body>"
        f"<h1>Personal assessment links: {esc(subject_name)}</h1>"
        "<p class='small'>Cut along the dashed lines and hand each participant their own "
        "card. Each link signs in one participant only; keep this sheet private.</p>"
        f"{cards}</body></html>\n"
    )
