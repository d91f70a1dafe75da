"""The coaching log: a coaching programme's sessions, milestones and mid-point review."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from scirocco_lab.capture.base import button
from scirocco_lab.capture.planning_helpers import (
    NO_CHOICE,
    TEXT_AREA_LAYOUT,
    WIDE_LAYOUT,
    PlanningWidget,
    optional_text,
)
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.planning.records import (
    CoachingSessionRecord,
    MidpointReview,
)
from scirocco_lab.planning.report import coaching_html, milestones_html
from scirocco_lab.planning.store import (
    coaches_frame,
    coaching_programmes_frame,
    load_coaching_programme,
    log_coaching_session,
    milestones_frame,
    record_midpoint_review,
    sessions_frame,
    set_milestone_status,
    teams_frame,
)
from scirocco_lab.store import Store

__all__ = ["CoachingLog"]


# ---------------------------------------------------------------------------------------
# Coaching log


class CoachingLog(PlanningWidget):
    """A coaching programme's log: sessions, milestones done, the mid-point review.

    Each button writes one small record at once (:func:`log_coaching_session`,
    :func:`set_milestone_status`, :func:`record_midpoint_review`); the overview above shows
    the cohort, teams, session summary, milestones and the review as stored.
    """

    def __init__(self, store: Store, *, programme: str | None = None) -> None:
        self.store = store
        self.programme: str | None = None
        self._build_widgets()
        first = programme or next((v for _l, v in self.programme_picker.options if v), None)
        if first:
            self.choose(first)
        else:
            self._show(
                "No coaching programme in the store yet: save one first "
                "(scirocco_lab.planning.save_coaching_programme).",
                "warning",
            )

    def _build_widgets(self) -> None:
        frame = coaching_programmes_frame(self.store)
        self.title_html = widgets.HTML("<h2 style='margin:4px 0'>Coaching log</h2>")
        self.programme_picker = widgets.Dropdown(
            options=[("choose…", NO_CHOICE)]
            + [(f"{r.title} ({r.region})", r.programme) for r in frame.itertuples()],
            value=NO_CHOICE,
            description="Programme",
            layout=WIDE_LAYOUT,
        )
        self.programme_picker.observe(
            lambda _c: (
                self.choose(self.programme_picker.value)
                if self.programme_picker.value and self.programme_picker.value != self.programme
                else None
            ),
            names="value",
        )
        self.overview = widgets.HTML()
        self.session_date = widgets.DatePicker(description="Date", value=dt.date.today())
        self.session_coach = widgets.Dropdown(description="Coach")
        self.session_team = widgets.Dropdown(description="Team", layout=WIDE_LAYOUT)
        self.session_minutes = widgets.IntText(value=60, description="Minutes")
        self.session_focus = widgets.Text(description="Focus", layout=WIDE_LAYOUT)
        self.session_notes = widgets.Textarea(description="Notes", layout=TEXT_AREA_LAYOUT)
        self.log_button = button("Log session", self.log_session, button_style="success")
        self.milestone_picker = widgets.Dropdown(description="Milestone", layout=WIDE_LAYOUT)
        self.milestone_done_on = widgets.DatePicker(description="Done on", value=dt.date.today())
        self.done_button = button("Mark done", self.mark_done)
        self.review_date = widgets.DatePicker(description="Held on")
        self.review_summary = widgets.Textarea(description="Summary", layout=TEXT_AREA_LAYOUT)
        self.review_decisions = widgets.Textarea(description="Decisions", layout=TEXT_AREA_LAYOUT)
        self.review_button = button("Record review", self.record_review)
        self._lay_out(
            "scirocco-coaching-log",
            self.title_html,
            self.programme_picker,
            self.overview,
            widgets.HTML("<h3>Log a coaching session</h3>"),
            widgets.HBox([self.session_date, self.session_coach]),
            self.session_team,
            self.session_minutes,
            self.session_focus,
            self.session_notes,
            self.log_button,
            widgets.HTML("<h3>Milestones</h3>"),
            widgets.HBox([self.milestone_picker]),
            widgets.HBox([self.milestone_done_on, self.done_button]),
            widgets.HTML("<h3>Mid-point review</h3>"),
            self.review_date,
            self.review_summary,
            self.review_decisions,
            self.review_button,
        )

    def choose(self, programme: str) -> None:
        """Show a coaching programme and fill the choices of coaches, teams, milestones."""
        record = self._open(load_coaching_programme, programme)
        if record is None:
            return
        self.programme = programme
        self.programme_picker.value = programme
        self.session_coach.options = [(c.pseudonym, c.pseudonym) for c in record.coaches]
        self.session_team.options = [(t.name, t.key) for t in record.teams]
        review = record.midpoint_review
        self.review_date.value = review.reviewed_on if review else None
        self.review_summary.value = review.summary if review else ""
        self.review_decisions.value = (review.decisions or "") if review else ""
        self._refresh()
        self._show(f"Coaching programme '{record.title}'.", "info")

    def log_session(self) -> bool:
        """Log the session in the fields; refused with a message when the coach, team, date
        or duration is wrong or the same session is already logged."""
        session = CoachingSessionRecord(
            session_date=self.session_date.value,
            coach=self.session_coach.value,
            team=self.session_team.value,
            duration_minutes=int(self.session_minutes.value),
            focus=optional_text(self.session_focus.value),
            notes=optional_text(self.session_notes.value),
        )
        logged = self._write(
            "Session not logged",
            f"Session of {session.coach} with {session.team} logged.",
            log_coaching_session,
            session,
        )
        if logged:
            self.session_focus.value = self.session_notes.value = ""
        return logged

    def mark_done(self) -> bool:
        """Mark the picked milestone done on the chosen date."""
        milestone = self.milestone_picker.value
        if not milestone:
            self._show("Every milestone is done already.", "info")
            return False
        return self._write(
            "Milestone not updated",
            "Milestone marked done.",
            set_milestone_status,
            milestone,
            "done",
            done_on=self.milestone_done_on.value or dt.date.today(),
        )

    def record_review(self) -> bool:
        """Record (or overwrite) the mid-point review from the fields."""
        review = MidpointReview(
            reviewed_on=self.review_date.value,
            summary=(self.review_summary.value or "").strip(),
            decisions=optional_text(self.review_decisions.value),
        )
        return self._write(
            "Review not recorded", "Mid-point review recorded.", record_midpoint_review, review
        )

    def _write(self, refused: str, done: str, write, *args, **kwargs) -> bool:
        """One store write to the open programme, ``write(store, programme, *args,
        **kwargs)``: on success the overview is refreshed and ``done`` shown; a refusal is
        shown as ``refused`` and the problems."""
        try:
            write(self.store, self.programme, *args, **kwargs)
        except SciroccoLabError as exc:
            return self._refused(exc, refused)
        self._refresh()
        self._show(done, "ok")
        return True

    def _refresh(self) -> None:
        key = self.programme
        programme = coaching_programmes_frame(self.store).set_index("programme").loc[key]
        milestones = milestones_frame(self.store, programme=key)
        self.overview.value = coaching_html(
            {"programme": key, **programme.to_dict()},
            coaches=coaches_frame(self.store, programme=key),
            teams=teams_frame(self.store, programme=key),
            sessions=sessions_frame(self.store, programme=key),
        ) + ("<h4>Milestones</h4>" + milestones_html(milestones))
        open_ones = (
            milestones[milestones["status"] != "done"] if not milestones.empty else milestones
        )
        self.milestone_picker.options = [
            (f"{row.due} · {row.title}", row.milestone) for row in open_ones.itertuples()
        ]
