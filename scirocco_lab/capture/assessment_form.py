"""The individual assessment form (HS or GP), for JupyterLab and the Voilà web app.

A participant signs in with their personal invitation (in the web app the invitation link
has already signed them in; in a notebook they paste the invitation code), then rates each
dimension of the instrument: a level (each level's label and description on screen) or an
explicit "don't know", a justification, a confidence and, for a good practice (GP), the
features the practice needs. Clicks are saved at once and typing shortly after the last
keystroke (debounced), and "Draft saved" appears only once the store has committed, so a
closed tab or a restarted server loses nothing; signing in again resumes the draft. A second
tab of the same participant that saves over a newer draft is told and stops, instead of
overwriting it. Submit checks that every dimension is answered and locks the assessment.

What is assessed is chosen by the facilitator and the invitation, never by the page's URL:
as arguments in a notebook, or for the web app by the invitation (subject, round, assessor)
and ``scirocco-lab serve`` (instrument, and the subject and round it accepts); query
parameters are ignored (see :func:`form_settings`).

>>> from scirocco_lab.store import open_store
>>> from scirocco_lab.assessment.records import SubjectRecord
>>> from scirocco_lab.assessment.store import add_subjects
>>> store = open_store("sqlite://")
>>> _ = add_subjects(store, [SubjectRecord("northvale", "Northvale")])
>>> form = AssessmentForm(store, "northvale")
>>> form.target.kind
'HS'
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

import ipywidgets as widgets

from scirocco_lab.assessment.drafts import (
    AssessmentLockedError,
    DraftConflictError,
    FormTarget,
    build_assessment,
    describe_problem,
    load_assessment,
    missing_dimensions,
    save_draft,
    stored_revision,
    submit_assessment,
)
from scirocco_lab.assessment.invitations import (
    Invitation,
    check_invitation_active,
    verify_invitation,
)
from scirocco_lab.assessment.records import CONFIDENCE_LEVELS, RatingRecord
from scirocco_lab.capture.base import CaptureWidget
from scirocco_lab.capture.cookies import invitation_from_cookie_header
from scirocco_lab.capture.views import (
    demo_note_html,
    dimension_html,
    message_html,
    progress_chips,
)
from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    InvitationError,
    SciroccoLabError,
)
from scirocco_lab.instruments import DEFAULT_INSTRUMENT, Instrument
from scirocco_lab.store import Store, get_subject, open_store, resolve_instrument

__all__ = [
    "DONT_KNOW",
    "ENV_INSTRUMENT",
    "ENV_ROUND",
    "ENV_SUBJECT",
    "TYPING_DEBOUNCE_SECONDS",
    "AssessmentForm",
    "FormSettings",
    "assessment_form_from_environment",
    "form_settings",
    "invitation_sign_in",
    "query_parameters",
]

#: The level choice that records an explicit "don't know".
DONT_KNOW = "dont_know"
#: Environment defaults for the web app (set by ``scirocco-lab serve``).
ENV_SUBJECT = "SCIROCCO_LAB_CAPTURE_SUBJECT"
ENV_INSTRUMENT = "SCIROCCO_LAB_CAPTURE_INSTRUMENT"
ENV_ROUND = "SCIROCCO_LAB_CAPTURE_ROUND"
#: Typing is saved this long after the last keystroke (clicks are saved at once).
TYPING_DEBOUNCE_SECONDS = 0.6


@dataclass(frozen=True)
class FormSettings:
    """The facilitator's choice for the web app: instrument, and the subject and round the
    server accepts (``None``: whatever the invitation names)."""

    subject: str | None
    instrument: str = DEFAULT_INSTRUMENT
    round: int | None = None


def query_parameters(environ: Mapping[str, str] | None = None) -> dict[str, str | int]:
    """The page's URL query parameters (Voilà passes them as ``QUERY_STRING``); whole
    numbers become ints. Empty outside Voilà. For the facilitator's notebooks (workshop,
    meetings, plans) only: the participants' form never reads the URL.

    >>> query_parameters({"QUERY_STRING": "subject=northvale&round=2"})
    {'subject': 'northvale', 'round': 2}
    """
    environ = os.environ if environ is None else environ
    parsed = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    return {k: int(v) if v.isdigit() else v for k, v in parsed.items()}


def form_settings(environ: Mapping[str, str] | None = None) -> FormSettings:
    """The ``SCIROCCO_LAB_CAPTURE_*`` settings ``scirocco-lab serve`` gives every kernel.

    The URL's query string is ignored on purpose: a link must not choose a subject, a round
    or (worse) an instrument file for the server to open.

    >>> form_settings({"QUERY_STRING": "instrument=/etc/passwd&round=9",
    ...                ENV_SUBJECT: "northvale", ENV_ROUND: "2"})
    FormSettings(subject='northvale', instrument='scirocco-exchange', round=2)
    """
    environ = os.environ if environ is None else environ
    subject = environ.get(ENV_SUBJECT) or None
    instrument = environ.get(ENV_INSTRUMENT) or DEFAULT_INSTRUMENT
    round_text = environ.get(ENV_ROUND) or ""
    if not round_text:
        return FormSettings(subject=subject, instrument=instrument, round=None)
    try:
        round_number = int(round_text)
    except ValueError:
        round_number = 0
    if round_number < 1:
        raise ConfigurationError(
            f"round '{round_text}' is not a round number. Fix (facilitator): start the "
            "server with scirocco-lab serve --round 1 (or 2, 3, ...)."
        )
    return FormSettings(subject=subject, instrument=instrument, round=round_number)


def _kind_of(store: Store, subject: str) -> str:
    found = get_subject(store, subject)
    return "GP" if found["kind"] == "good_practice" else "HS"


def _typing_box(description: str, placeholder: str, height: str, css_class: str):
    # Every keystroke reaches the kernel (continuous_update): saved after a pause in typing.
    box = widgets.Textarea(
        description=description,
        placeholder=placeholder,
        continuous_update=True,
        layout=widgets.Layout(width="600px", height=height),
    )
    box.add_class(css_class)
    return box


class AssessmentForm(CaptureWidget):
    """An individual assessment form for one subject, instrument and round.

    State is small: the signed-in ``assessor``, the ``answers`` (one
    :class:`~scirocco_lab.assessment.records.RatingRecord` per dimension), the current ``position``
    and whether the assessment is ``locked``. Tests drive it through the widgets or the methods
    :meth:`sign_in`, :meth:`go_to`, :meth:`submit`.

    Example (in a notebook cell, the last line displays the form)::

        form = AssessmentForm(open_store(), "northvale", round=2)
        form
    """

    def __init__(
        self,
        store: Store,
        subject: str,
        *,
        instrument: str | Instrument | None = None,
        round: int = 1,
        debounce_seconds: float = 0.0,
    ) -> None:
        self.store = store
        self.instrument = resolve_instrument(store, instrument)
        subject_record = get_subject(store, subject)
        self.subject_name = str(subject_record["name"])
        self.synthetic = bool(subject_record["synthetic"])
        self.target = FormTarget(_kind_of(store, subject), subject, self.instrument.id, round)
        self.assessor: str | None = None
        self.invitation: Invitation | None = None
        self.answers: dict[str, RatingRecord] = {}
        self.position = 0
        self.locked = False
        #: The draft revision this form last read or wrote (see drafts.save_draft).
        self.revision = 0
        self.debounce_seconds = debounce_seconds
        self._pending_save = None  # the scheduled debounced save, if any
        self._dirty = False  # typing not yet saved
        self._loading = False
        self._build_widgets()

    # --- widgets ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        kind_text = (
            "good practice requirements (GP)"
            if self.target.kind == "GP"
            else "health and care system (HS)"
        )
        self.title = widgets.HTML(
            f"<h2 style='margin:4px 0'>Maturity assessment: {_esc(self.subject_name)}</h2>"
            f"<div>{_esc(self.instrument.title)} · {kind_text} · round {self.target.round}</div>"
            + demo_note_html(self.synthetic)
        )
        self.code_input = widgets.Text(
            description="Invitation", placeholder="the invitation code from the facilitator"
        )
        self.code_input.add_class("scl-code")
        self.start_button = widgets.Button(description="Start", button_style="primary")
        self.start_button.add_class("scl-start")
        self.start_button.on_click(lambda _b: self.sign_in(self.code_input.value))
        self.sign_in_box = widgets.VBox(
            [
                widgets.HTML("Paste the invitation code the facilitator gave you."),
                widgets.HBox([self.code_input, self.start_button]),
            ]
        )
        self.who = widgets.HTML()
        self.progress_bar = widgets.IntProgress(
            min=0, max=len(self.instrument.dimensions), description="Answered"
        )
        self.progress_text = widgets.HTML()
        self.chips = widgets.HTML()
        self.dimension_picker = widgets.Dropdown(
            options=[
                (f"{d.number}. {d.name}", i) for i, d in enumerate(self.instrument.dimensions)
            ],
            description="Dimension",
            layout=widgets.Layout(width="420px"),
        )
        self.dimension_picker.observe(self._on_pick, names="value")
        self.previous_button = widgets.Button(description="◀ Previous")
        self.previous_button.add_class("scl-previous")
        self.previous_button.on_click(lambda _b: self.go_to(self.position - 1))
        self.next_button = widgets.Button(description="Next ▶")
        self.next_button.add_class("scl-next")
        self.next_button.on_click(lambda _b: self.go_to(self.position + 1))
        self.dimension_info = widgets.HTML()
        self.level_choice = widgets.RadioButtons(
            options=self._level_options(),
            value=None,
            description="Your rating",
            # Long level labels wrap and overlap in the default 300 px radio box.
            layout=widgets.Layout(width="760px"),
        )
        self.level_choice.add_class("scl-level")
        self.justification = _typing_box(
            "Justify", "Please justify your rating", "90px", "scl-justification"
        )
        self.confidence = widgets.ToggleButtons(
            options=[(c.capitalize(), c) for c in CONFIDENCE_LEVELS],
            value=None,
            description="Confidence",
            tooltips=["How confident are you in this rating?"] * len(CONFIDENCE_LEVELS),
        )
        self.confidence.add_class("scl-confidence")
        self.features = _typing_box(
            "Features",
            "Features the practice needs in this dimension, one per line",
            "70px",
            "scl-features",
        )
        for control in (self.level_choice, self.confidence):
            control.observe(self._on_edit, names="value")
        for control in (self.justification, self.features):
            control.observe(self._on_typing, names="value")
        self.submit_button = widgets.Button(
            description="Submit assessment",
            button_style="success",
            layout=widgets.Layout(margin="14px 0 0 2px", width="200px"),
        )
        self.submit_button.add_class("scl-submit")
        self.submit_button.on_click(lambda _b: self.submit())
        editors = [self.level_choice, self.justification, self.confidence]
        if self.target.kind == "GP":
            editors.append(self.features)
        self.form_box = widgets.VBox(
            [
                self.who,
                widgets.HBox([self.progress_bar, self.progress_text]),
                self.chips,
                widgets.HBox([self.previous_button, self.dimension_picker, self.next_button]),
                self.dimension_info,
                *editors,
                self.submit_button,
            ],
            layout=widgets.Layout(display="none"),
        )
        self._lay_out("scirocco-assessment-form", self.title, self.sign_in_box, self.form_box)
        self.message.add_class("scl-message-area")

    def _level_options(self) -> list[tuple[str, object]]:
        dimension = self.instrument.dimensions[self.position]
        return [(f"{lv.number} — {lv.display_label}", lv.number) for lv in dimension.levels] + [
            ("Don't know", DONT_KNOW)
        ]

    # --- actions ---------------------------------------------------------------------------

    def sign_in(self, code: str) -> bool:
        """Check an invitation code (token) and open (or resume) that participant's
        assessment. Returns False and shows a message for a bad code; nothing is written.

        Only an invitation for this form's subject and round signs in; a pseudonym never does.
        """
        try:
            invitation = verify_invitation(
                self.store,
                code,
                subject=self.target.subject,
                round=self.target.round,
                record_use=True,
            )
        except SciroccoLabError as exc:
            self._show(f"Not signed in: {exc}", "error")
            return False
        return self.open_for(invitation)

    def open_for(self, invitation: Invitation) -> bool:
        """Open the form for an invitation already checked (the web app's gate did)."""
        if (invitation.subject, invitation.round) != (self.target.subject, self.target.round):
            self._show("Not signed in: this invitation is for another form.", "error")
            return False
        assessor = invitation.assessor
        try:
            stored = load_assessment(self.store, self.target, assessor)
            revision = stored_revision(self.store, self.target, assessor)
        except SciroccoLabError as exc:
            self._show(str(exc), "error")
            return False
        self.invitation = invitation
        self.assessor = assessor
        self.revision = revision
        self.answers = {r.dimension: r for r in stored.ratings} if stored else {}
        self.locked = stored is not None and stored.status == "submitted"
        self.sign_in_box.layout.display = "none"
        self.form_box.layout.display = None
        self.who.value = f"Participant <b>{_esc(assessor)}</b>"
        self.go_to(self._first_unanswered())
        if self.locked:
            self._lock()
            self._show("You already submitted this assessment; it is locked (read only).", "info")
        elif stored is not None:
            answered = self.answered_count
            total = len(self.instrument.dimensions)
            self._show(f"Resumed your draft: {answered} of {total} dimensions answered.", "info")
        else:
            self._show("New assessment. Every change is saved as a draft straight away.", "info")
        return True

    def go_to(self, position: int) -> None:
        """Show dimension number ``position`` (0-based; clamped to the instrument)."""
        self.flush()
        position = max(0, min(position, len(self.instrument.dimensions) - 1))
        self.position = position
        with self._quietly():  # filling the widgets is not an edit
            self.dimension_picker.value = position
            dimension = self.instrument.dimensions[position]
            self.dimension_info.value = dimension_html(dimension, len(self.instrument.dimensions))
            rating = self.answers.get(dimension.key, RatingRecord(dimension.key))
            self.level_choice.options = self._level_options()
            self.level_choice.value = DONT_KNOW if rating.dont_know else rating.level
            self.justification.value = rating.justification or ""
            self.confidence.value = rating.confidence
            self.features.value = "\n".join(rating.features)
        self.previous_button.disabled = position == 0
        self.next_button.disabled = position == len(self.instrument.dimensions) - 1
        self._refresh_progress()

    def answer(
        self,
        dimension: str,
        *,
        level: int | None = None,
        dont_know: bool = False,
        justification: str | None = None,
        confidence: str | None = None,
        features: tuple[str, ...] = (),
    ) -> bool:
        """Set a whole answer for ``dimension`` (as an import or a script would) and save the
        draft; returns whether the save succeeded. The widgets follow when it is shown."""
        self.answers[dimension] = RatingRecord(
            dimension, level, dont_know, justification, confidence, tuple(features)
        )
        saved = self._save_draft()
        if self.instrument.dimensions[self.position].key == dimension:
            self.go_to(self.position)
        return saved

    def submit(self) -> bool:
        """Validate every dimension and submit; shows what is missing or wrong otherwise."""
        if self.assessor is None:
            self._show("Sign in with your invitation first.", "error")
            return False
        if self.locked:
            return False
        if not self.flush():
            return False
        try:
            saved = self._write(submit_assessment)
        except DataValidationError as exc:
            self._show(
                "Not submitted — please complete or correct these first:",
                "error",
                [describe_problem(p) for p in exc.problems],
            )
            missing = self._missing()
            if missing:
                self.go_to(self.instrument.dimension_keys.index(missing[0]))
            return False
        except SciroccoLabError as exc:
            self._show(f"Not submitted: {exc}", "error")
            if isinstance(exc, AssessmentLockedError | DraftConflictError | InvitationError):
                self._lock()
            return False
        self.revision = saved.revision
        self._lock()
        self._show("Submitted — thank you. Your assessment is now locked.", "ok")
        return True

    # --- derived state ---------------------------------------------------------------------

    def _missing(self) -> list[str]:
        """Keys of the dimensions with neither a level nor an explicit don't-know."""
        record = build_assessment(self.target, self.assessor, self.answers)
        return missing_dimensions(record, self.instrument)

    @property
    def answered_count(self) -> int:
        """Dimensions with a level or an explicit don't-know."""
        return len(self.instrument.dimensions) - len(self._missing())

    def _first_unanswered(self) -> int:
        missing = self._missing()
        return self.instrument.dimension_keys.index(missing[0]) if missing else 0

    # --- handlers --------------------------------------------------------------------------

    def _on_pick(self, change) -> None:
        if not self._loading and change["new"] is not None:
            self.go_to(change["new"])

    def _current_answer(self) -> None:
        key = self.instrument.dimensions[self.position].key
        choice = self.level_choice.value
        features = tuple(line.strip() for line in self.features.value.splitlines() if line.strip())
        self.answers[key] = RatingRecord(
            key,
            level=None if choice in (None, DONT_KNOW) else int(choice),
            dont_know=choice == DONT_KNOW,
            justification=self.justification.value.strip() or None,
            confidence=self.confidence.value,
            features=features if self.target.kind == "GP" else (),
        )

    def _on_edit(self, _change) -> None:
        # A click (level, don't know, confidence): saved at once, with any typing pending.
        if self._loading or self.locked or self.assessor is None:
            return
        self._current_answer()
        self._cancel_pending()
        self._save_draft()
        self._refresh_progress()

    def _on_typing(self, _change) -> None:
        # Every keystroke reaches the kernel (continuous_update); the store write waits for a
        # pause in typing, and flush() forces it before navigating or submitting.
        if self._loading or self.locked or self.assessor is None:
            return
        self._current_answer()
        self._cancel_pending()
        self._dirty = True
        loop = _running_loop()
        if self.debounce_seconds <= 0 or loop is None:
            self._save_draft()
            return
        self._show("Saving…", "info")
        self._pending_save = loop.call_later(self.debounce_seconds, self.flush)

    def _cancel_pending(self) -> None:
        if self._pending_save is not None:
            self._pending_save.cancel()
            self._pending_save = None
        self._dirty = False

    def flush(self) -> bool:
        """Save typing still waiting for its debounce; True when nothing is left unsaved."""
        dirty = self._dirty
        self._cancel_pending()
        if not dirty:
            return True
        return False if self.locked else self._save_draft()

    def _save_draft(self) -> bool:
        if self.assessor is None:
            self._show("Sign in with your invitation first.", "error")
            return False
        try:
            saved = self._write(save_draft)
        except DataValidationError as exc:
            return self._refused(exc)
        except (AssessmentLockedError, DraftConflictError, InvitationError) as exc:
            self._lock()
            self._show(f"Not saved: {exc}", "error")
            return False
        except SciroccoLabError as exc:
            self._show(f"Not saved: {exc}", "error")
            return False
        self.revision = saved.revision
        # Shown only now: the store has committed this revision.
        self._show(
            f"Draft saved at {dt.datetime.now():%H:%M:%S} (revision {saved.revision}).", "ok"
        )
        return True

    def _write(self, write):
        """The answers as an assessment, written by ``write`` (:func:`save_draft` or
        :func:`submit_assessment`) over the revision this form last read."""
        record = build_assessment(
            self.target, self.assessor, self.answers, instrument=self.instrument
        )
        # A form opened with an invitation stops saving once it is revoked or expired.
        if self.invitation is not None:
            check_invitation_active(self.store, self.invitation.invitation_id)
        return write(
            self.store, record, instrument=self.instrument, expected_revision=self.revision
        )

    def _refresh_progress(self) -> None:
        answered = self.answered_count
        total = len(self.instrument.dimensions)
        self.progress_bar.value = answered
        self.progress_text.value = f"{answered} of {total} dimensions answered"
        done = {r.dimension for r in self.answers.values() if r.level is not None or r.dont_know}
        self.chips.value = progress_chips(
            [(d.name, d.key in done) for d in self.instrument.dimensions], self.position
        )

    def _lock(self) -> None:
        self.locked = True
        for control in (
            self.level_choice,
            self.justification,
            self.confidence,
            self.features,
            self.submit_button,
        ):
            control.disabled = True


def _esc(text: str) -> str:
    return html.escape(text)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    # Inside a kernel, widget messages are handled on a running asyncio loop; in a plain
    # script or test there is none, and saves happen at once.
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _form_for(store: Store, invitation: Invitation, settings: FormSettings) -> AssessmentForm:
    form = AssessmentForm(
        store,
        invitation.subject,
        instrument=settings.instrument,
        round=invitation.round,
        debounce_seconds=TYPING_DEBOUNCE_SECONDS,
    )
    form.open_for(invitation)
    # A tab closed within the debounce of the last keystroke: the kernel is shut down
    # normally, and saves that typing on its way out.
    atexit.register(form.flush)
    return form


def invitation_sign_in(store: Store, settings: FormSettings) -> widgets.VBox:
    """A notebook's way in (JupyterLab, no web-app cookie): paste the invitation code (or
    the whole link); a valid one replaces the box with that participant's form."""
    code = widgets.Text(
        description="Invitation", placeholder="the invitation code from the facilitator"
    )
    code.add_class("scl-code")
    start = widgets.Button(description="Start", button_style="primary")
    start.add_class("scl-start")
    message = widgets.HTML()
    box = widgets.VBox(
        [
            widgets.HTML("Paste the invitation code (or link) the facilitator gave you."),
            widgets.HBox([code, start]),
            message,
        ]
    )
    box.add_class("scirocco-assessment-form")

    def sign_in(_button) -> None:
        token = code.value.strip().rsplit("invite=", 1)[-1].split("&", 1)[0]
        try:
            invitation = verify_invitation(
                store, token, subject=settings.subject, round=settings.round, record_use=True
            )
            form = _form_for(store, invitation, settings)
        except SciroccoLabError as exc:
            message.value = message_html(f"Not signed in: {exc}", "error")
            return
        box.children = (form.widget,)

    start.on_click(sign_in)
    return box


def assessment_form_from_environment(
    store: Store | None = None, environ: Mapping[str, str] | None = None
) -> AssessmentForm | widgets.Widget:
    """The form for the participant whose invitation cookie came with the page (Voilà
    passes the ``Cookie`` header as ``HTTP_COOKIE``); in a notebook outside Voilà, the box
    to paste an invitation code into (:func:`invitation_sign_in`).

    The kernel checks the invitation again (the gate in front already did): subject and
    round come from the invitation, within what ``scirocco-lab serve`` accepts, and the
    instrument from ``serve``. A missing or bad invitation gives a message, never a form.
    """
    environ = os.environ if environ is None else environ
    try:
        settings = form_settings(environ)
        store = store if store is not None else open_store(create=False)
        served = "VOILA_REQUEST_URL" in environ or "HTTP_COOKIE" in environ
        if not served:
            return invitation_sign_in(store, settings)
        invitation = invitation_from_cookie_header(
            store, environ.get("HTTP_COOKIE"), subject=settings.subject, round=settings.round
        )
        return _form_for(store, invitation, settings)
    except SciroccoLabError as exc:
        return widgets.HTML(message_html(f"This form cannot open: {exc}", "error"))
