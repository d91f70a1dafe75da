"""Saving and loading coaching programmes, their sessions and mid-point reviews."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from scirocco_lab.errors import DataValidationError, InputProblem
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.planning import tables
from scirocco_lab.planning.records import (
    MILESTONE_STATUSES,
    AssignmentRecord,
    CoachingProgrammeRecord,
    CoachingSessionRecord,
    CoachRecord,
    DuplicatePlanningRecordError,
    MidpointReview,
    TeamRecord,
    validate_coaching_programme,
    validate_coaching_session,
    validate_midpoint_review,
)
from scirocco_lab.planning.store import common
from scirocco_lab.planning.store.programmes import milestones_of, people_select, person_record
from scirocco_lab.store import Store
from scirocco_lab.store.ledger import audit

__all__ = [
    "load_coaching_programme",
    "log_coaching_session",
    "record_midpoint_review",
    "save_coaching_programme",
    "save_coaching_programme_in",
    "set_milestone_status",
]


# ---------------------------------------------------------------------------------------
# Coaching programmes


# Parts first: sessions and assignments refer to coaches and teams.
_COACHING = common.RecordKind(
    "coaching programme",
    tables.coaching_programmes,
    validate_coaching_programme,
    tuple(
        table.c.programme_id
        for table in (
            tables.coaching_sessions,
            tables.coaching_assignments,
            tables.coaching_milestones,
            tables.coaching_coaches,
            tables.coaching_teams,
        )
    ),
    counted=("coaches", "teams", "assignments", "milestones", "sessions"),
)


def save_coaching_programme_in(
    connection: Connection, programme: CoachingProgrammeRecord, chosen: Instrument, *, replace: bool
) -> common.SaveSummary:
    existing_id = common.check_and_clear(connection, _COACHING, programme, chosen, replace=replace)
    review = programme.midpoint_review
    programme_id = common.insert_or_update(
        connection,
        tables.coaching_programmes,
        programme.key,
        existing_id,
        {
            "title": programme.title,
            "region_id": common.region_ids(connection)[programme.region],
            "start_on": programme.start,
            "end_on": programme.end,
            "status": programme.status,
            "midpoint_review_on": review.reviewed_on if review else None,
            "midpoint_summary": review.summary if review else None,
            "midpoint_decisions": review.decisions if review else None,
            "synthetic": programme.synthetic,
            "updated_at": utc_now(),
        },
    )
    people = common.upsert_people(connection, programme.coaches, programme.synthetic)
    coach_ids = {}
    for position, coach in enumerate(programme.coaches, start=1):
        coach_ids[coach.pseudonym] = connection.execute(
            tables.coaching_coaches.insert().values(
                programme_id=programme_id,
                person_id=people[coach.pseudonym],
                position=position,
                role=coach.role,
                cohort=coach.cohort,
            )
        ).inserted_primary_key[0]
    team_ids = {}
    for position, team in enumerate(programme.teams, start=1):
        team_ids[team.key] = connection.execute(
            tables.coaching_teams.insert().values(
                programme_id=programme_id,
                key=team.key,
                position=position,
                name=team.name,
                kind=team.kind,
                description=team.description,
            )
        ).inserted_primary_key[0]
    common.insert_rows(
        connection,
        tables.coaching_assignments,
        [
            {
                "programme_id": programme_id,
                "coach_id": coach_ids[assignment.coach],
                "team_id": team_ids[assignment.team],
                "role": assignment.role,
                "start_on": assignment.start,
                "end_on": assignment.end,
            }
            for assignment in programme.assignments
        ],
    )
    common.insert_rows(
        connection,
        tables.coaching_milestones,
        common.milestone_rows(programme_id, programme.milestones),
    )
    now = utc_now()
    common.insert_rows(
        connection,
        tables.coaching_sessions,
        [
            _session_row(programme_id, session, coach_ids, team_ids, now)
            for session in programme.sessions
        ],
    )
    return _COACHING.summary(programme, existing_id)


save_coaching_programme = common.record_saver(
    save_coaching_programme_in,
    "coaching_programmes",
    """Validate a coaching programme and write it (cohort, teams, assignments, milestones,
    sessions, mid-point review) in one transaction.""",
)


def _session_row(programme_id, session: CoachingSessionRecord, coach_ids, team_ids, now) -> dict:
    return {
        "programme_id": programme_id,
        "session_date": session.session_date,
        "coach_id": coach_ids[session.coach],
        "team_id": team_ids[session.team],
        "duration_minutes": session.duration_minutes,
        "focus": session.focus,
        "notes": session.notes,
        "logged_at": now,
    }


def _coach_and_team_ids(connection: Connection, programme_id: int):
    coaches, people = tables.coaching_coaches, tables.planning_people
    coach_ids = {
        row.pseudonym: row.id
        for row in connection.execute(
            select(people.c.pseudonym, coaches.c.id)
            .join(coaches, coaches.c.person_id == people.c.id)
            .where(coaches.c.programme_id == programme_id)
        )
    }
    team_ids = common.key_ids(
        connection, tables.coaching_teams, tables.coaching_teams.c.programme_id == programme_id
    )
    return coach_ids, team_ids


def load_coaching_programme(
    store: Store, key: str, *, include_identities: bool = False
) -> CoachingProgrammeRecord:
    """A stored coaching programme as a record; :class:`NotFoundError` lists the stored
    keys. Coaches' names and e-mail addresses only with ``include_identities=True``."""
    coaches, teams = tables.coaching_coaches, tables.coaching_teams
    with store.engine.connect() as connection:
        row = common.stored_row(connection, _COACHING, key)
        region = common.subject_key(connection, row.region_id)
        coach_rows = connection.execute(
            people_select(coaches, include_identities=True)
            .add_columns(coaches.c.id, coaches.c.role, coaches.c.cohort)
            .where(coaches.c.programme_id == row.id)
            .order_by(coaches.c.position)
        ).all()
        coach_records = tuple(
            person_record(CoachRecord, r, include_identities=include_identities) for r in coach_rows
        )
        team_rows = connection.execute(
            select(teams).where(teams.c.programme_id == row.id).order_by(teams.c.position)
        ).all()
        coach_keys = {r.id: r.pseudonym for r in coach_rows}
        team_keys = {r.id: r.key for r in team_rows}
        a, s = tables.coaching_assignments, tables.coaching_sessions
        assignments = tuple(
            AssignmentRecord(
                coach_keys[r.coach_id], team_keys[r.team_id], r.role, r.start_on, r.end_on
            )
            for r in connection.execute(
                select(a).where(a.c.programme_id == row.id).order_by(a.c.id)
            )
        )
        sessions = tuple(
            common.record_of(
                CoachingSessionRecord, r, coach=coach_keys[r.coach_id], team=team_keys[r.team_id]
            )
            for r in connection.execute(
                select(s).where(s.c.programme_id == row.id).order_by(s.c.session_date, s.c.id)
            )
        )
        milestones = milestones_of(connection, tables.coaching_milestones, row.id)
    review = (
        MidpointReview(row.midpoint_review_on, row.midpoint_summary, row.midpoint_decisions)
        if row.midpoint_review_on is not None
        else None
    )
    return common.record_of(
        CoachingProgrammeRecord,
        row,
        region=region,
        start=row.start_on,
        end=row.end_on,
        coaches=coach_records,
        teams=tuple(common.record_of(TeamRecord, r) for r in team_rows),
        assignments=assignments,
        milestones=milestones,
        sessions=sessions,
        midpoint_review=review,
        synthetic=bool(row.synthetic),
    )


def log_coaching_session(store: Store, programme: str, session: CoachingSessionRecord) -> None:
    """Add one session to a coaching programme's log (one small transaction). The coach
    and team must belong to the programme and the date lie within it; the same coach, team
    and date twice is a :class:`DuplicatePlanningRecordError`."""
    s = tables.coaching_sessions
    with store.transaction() as connection:
        row = common.stored_row(connection, _COACHING, programme)
        coach_ids, team_ids = _coach_and_team_ids(connection, row.id)
        problems = validate_coaching_session(
            session,
            programme=programme,
            coaches=coach_ids,
            teams=team_ids,
            start=row.start_on,
            end=row.end_on,
        )
        if problems:
            raise DataValidationError(problems)
        logged = connection.execute(
            select(func.count())
            .select_from(s)
            .where(
                s.c.programme_id == row.id,
                s.c.session_date == session.session_date,
                s.c.coach_id == coach_ids[session.coach],
                s.c.team_id == team_ids[session.team],
            )
        ).scalar()
        if logged:
            raise DuplicatePlanningRecordError(
                [
                    InputProblem(
                        f"coaching programme '{programme}' sessions",
                        None,
                        "session_date",
                        session.session_date.isoformat(),
                        f"a session of {session.coach} with {session.team} on this date is "
                        "already logged",
                        "correct the date, or leave the logged session as it is",
                    )
                ]
            )
        connection.execute(
            s.insert().values(_session_row(row.id, session, coach_ids, team_ids, utc_now()))
        )
        audit(connection, "log session", "coaching_sessions", keys=[programme],
              counts={"sessions": 1})  # fmt: skip


def record_midpoint_review(store: Store, programme: str, review: MidpointReview) -> None:
    """Record (or overwrite) a coaching programme's mid-point review: its date within the
    programme, a summary and the decisions taken (one small transaction)."""
    cp = tables.coaching_programmes
    with store.transaction() as connection:
        row = common.stored_row(connection, _COACHING, programme)
        problems = validate_midpoint_review(
            review, programme=programme, start=row.start_on, end=row.end_on
        )
        if problems:
            raise DataValidationError(problems)
        connection.execute(
            cp.update()
            .where(cp.c.id == row.id)
            .values(
                midpoint_review_on=review.reviewed_on,
                midpoint_summary=review.summary,
                midpoint_decisions=review.decisions,
                updated_at=utc_now(),
            )
        )
        audit(connection, "record review", "coaching_programmes", keys=[programme],
              counts={"midpoint_reviews": 1})  # fmt: skip


def set_milestone_status(
    store: Store,
    programme: str,
    milestone: str,
    status: str,
    *,
    done_on: dt.date | None = None,
) -> None:
    """Mark a milestone of a knowledge-transfer or coaching programme planned, done (on
    ``done_on``, default today) or late (one small transaction)."""
    if status not in MILESTONE_STATUSES:
        raise DataValidationError(
            [
                InputProblem(
                    f"programme '{programme}' milestones",
                    None,
                    "status",
                    status,
                    "unknown milestone status",
                    f"use one of {', '.join(MILESTONE_STATUSES)}",
                )
            ]
        )
    if status == "done" and done_on is None:
        done_on = dt.date.today()
    with store.transaction() as connection:
        found = [
            (table, programme_id)
            for parent, table in (
                (tables.kt_programmes, tables.kt_milestones),
                (tables.coaching_programmes, tables.coaching_milestones),
            )
            if (
                programme_id := common.key_ids(connection, parent, parent.c.key == programme).get(
                    programme
                )
            )
        ]
        if not found:
            known = set(common.key_ids(connection, tables.kt_programmes)) | set(
                common.key_ids(connection, tables.coaching_programmes)
            )
            raise common.not_found_error(
                "programme", programme, known, "See `scirocco-lab plan list`."
            )
        # Keys are shared by both kinds of programme (validation refuses a clash).
        table, programme_id = found[0]
        milestones = common.key_ids(connection, table, table.c.programme_id == programme_id)
        if milestone not in milestones:
            raise common.not_found_error(
                f"milestone of programme '{programme}'", milestone, milestones, "Check the key."
            )
        connection.execute(
            table.update()
            .where(table.c.id == milestones[milestone])
            .values(status=status, done_on=done_on if status == "done" else None)
        )
        audit(connection, "set status", table.name, keys=[f"{programme}/{milestone}"],
              counts={"milestones": 1})  # fmt: skip
