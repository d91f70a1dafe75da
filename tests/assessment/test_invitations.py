"""Invitations: unguessable, hashed, scoped, expiring, revocable, listed without tokens."""

import datetime as dt
import hashlib
import stat

import pytest
from sqlalchemy import select

from scirocco_lab.assessment import tables as assessment_tables
from scirocco_lab.assessment.invitations import (
    TOKEN_BYTES,
    create_invitations,
    invitations_frame,
    parse_expiry,
    revoke_invitations,
    verify_invitation,
    write_invitation_sheets,
)
from scirocco_lab.assessment.records import AssessorRecord, SubjectRecord
from scirocco_lab.assessment.store import add_assessors, add_subjects
from scirocco_lab.errors import ConfigurationError, InvitationError, NotFoundError
from scirocco_lab.store import assessors_frame, open_store

CODES = ["NV-01", "NV-02", "NV-03"]


@pytest.fixture
def store(tmp_path):
    store = open_store(str(tmp_path / "store.db"))
    add_subjects(
        store,
        [SubjectRecord("northvale", "North <vale>"), SubjectRecord("ostermark", "Ostermark")],
    )
    add_assessors(store, [AssessorRecord(code) for code in CODES])
    return store


def stored_rows(store):
    with store.engine.connect() as connection:
        return [
            dict(row._mapping) for row in connection.execute(select(assessment_tables.invitations))
        ]


def test_tokens_carry_at_least_128_random_bits_and_differ():
    assert TOKEN_BYTES * 8 >= 128


def test_each_participant_gets_a_distinct_token(store):
    issued = create_invitations(store, "northvale", 1, assessors=CODES)
    assert [item.assessor for item in issued] == CODES
    assert len({item.token for item in issued}) == len(CODES)


def test_the_store_keeps_only_a_hash_of_the_token(store):
    [issued] = create_invitations(store, "northvale", 1, assessors=["NV-01"])
    [row] = stored_rows(store)
    assert row["token_hash"] == hashlib.sha256(issued.token.encode()).hexdigest()
    assert not any(issued.token in str(value) for value in row.values())


def test_a_token_opens_only_its_own_subject_and_round(store):
    [issued] = create_invitations(store, "northvale", 2, assessors=["NV-01"])
    assert verify_invitation(store, issued.token, subject="northvale", round=2).assessor == "NV-01"
    with pytest.raises(InvitationError, match="another region"):
        verify_invitation(store, issued.token, subject="ostermark", round=2)
    with pytest.raises(InvitationError, match="round 2, not round 1"):
        verify_invitation(store, issued.token, subject="northvale", round=1)


def test_a_pseudonym_or_a_wrong_token_signs_nobody_in(store):
    [issued] = create_invitations(store, "northvale", 1, assessors=["NV-01"])
    for attempt in ("NV-01", issued.token[:-1], issued.token + "x", "", "x" * 500):
        with pytest.raises(InvitationError, match="not valid"):
            verify_invitation(store, attempt)


def test_an_expired_token_is_refused(store):
    now = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    expiry = parse_expiry("2h", now=dt.datetime.now(dt.UTC))
    [issued] = create_invitations(store, "northvale", 1, assessors=["NV-01"], expires_at=expiry)
    verify_invitation(store, issued.token, now=now)
    with pytest.raises(InvitationError, match="expired"):
        verify_invitation(store, issued.token, now=expiry + dt.timedelta(seconds=1))


def test_a_revoked_token_is_refused(store):
    issued = create_invitations(store, "northvale", 1, assessors=CODES)
    assert revoke_invitations(store, subject="northvale", assessor="NV-02") == 1
    with pytest.raises(InvitationError, match="withdrawn"):
        verify_invitation(store, issued[1].token)
    verify_invitation(store, issued[0].token)


def test_revoking_by_id_counts_only_live_invitations(store):
    issued = create_invitations(store, "northvale", 1, assessors=CODES)
    ids = [item.invitation_id for item in issued[:2]]
    assert revoke_invitations(store, ids=ids) == 2
    assert revoke_invitations(store, ids=ids) == 0


def test_list_shows_used_and_unused_and_never_a_token(store):
    issued = create_invitations(store, "northvale", 1, assessors=CODES)
    verify_invitation(store, issued[0].token, record_use=True)
    revoke_invitations(store, ids=[issued[2].invitation_id])
    frame = invitations_frame(store, subject="northvale")
    assert frame["status"].tolist() == ["used", "unused", "revoked"]
    text = frame.to_csv()
    assert not any(item.token in text for item in issued)


def test_count_creates_new_participants_with_fresh_pseudonyms(store):
    issued = create_invitations(store, "ostermark", 1, count=3)
    names = [item.assessor for item in issued]
    assert names == ["OST-01", "OST-02", "OST-03"]
    assert set(names) <= set(assessors_frame(store)["pseudonym"])


def test_unknown_pseudonym_is_named_and_nothing_is_created(store):
    with pytest.raises(NotFoundError, match="NV-99"):
        create_invitations(store, "northvale", 1, assessors=["NV-01", "NV-99"])
    assert stored_rows(store) == []


def test_unknown_subject_is_refused(store):
    with pytest.raises(NotFoundError, match="westfold"):
        create_invitations(store, "westfold", 1, assessors=["NV-01"])


@pytest.mark.parametrize("text", ["soon", "-3d", "2001-01-01"])
def test_bad_or_past_expiry_is_refused(text):
    with pytest.raises(ConfigurationError, match="expiry"):
        parse_expiry(text)


def test_sheets_hold_escaped_personal_links_readable_by_the_owner_only(store, tmp_path):
    issued = create_invitations(store, "northvale", 1, assessors=CODES)
    csv_path, html_path = write_invitation_sheets(
        issued, tmp_path / "out", base_url="http://10.0.0.5:8866/", subject_name="North <vale>"
    )
    text = html_path.read_text()
    assert "North &lt;vale&gt;" in text and "<vale>" not in text
    assert all(f"http://10.0.0.5:8866/login?invite={item.token}" in text for item in issued)
    assert csv_path.read_text().count("/login?invite=") == len(CODES)
    for path in (csv_path, html_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
