"""Invitations and live progress in the facilitator's consensus-workshop notebook.

:class:`InvitationPanel` does what ``scirocco-lab invitations create/list/revoke`` do: it
writes the CSV and printable sheet of personal links to a folder and shows only where they
went (a notebook saved with its outputs must not carry live tokens), then the invitations'
state. :class:`WorkshopProgress` shows who submitted, who drafts and the spread per
dimension, refreshing itself while the notebook's kernel runs.

>>> from scirocco_lab.assessment.store import add_subjects
>>> from scirocco_lab.store import open_store
>>> from scirocco_lab.assessment.records import SubjectRecord
>>> store = open_store("sqlite://")
>>> _ = add_subjects(store, [SubjectRecord("northvale", "Northvale")])
>>> InvitationPanel(store, "northvale", round=2).table.value.count("<tr>")
1
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path

import ipywidgets as widgets

from scirocco_lab.assessment.invitations import (
    DEFAULT_EXPIRY,
    create_invitations,
    invitations_frame,
    parse_expiry,
    revoke_invitations,
    write_invitation_sheets,
)
from scirocco_lab.assessment.progress import workshop_status
from scirocco_lab.capture.base import CaptureWidget
from scirocco_lab.capture.facilitator import facilitator_page
from scirocco_lab.capture.views import message_html
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.store import Store, get_subject

__all__ = ["InvitationPanel", "WorkshopProgress"]


class InvitationPanel(CaptureWidget):
    """Create, list and revoke a round's invitations from a notebook."""

    def __init__(self, store: Store, subject: str, *, round: int = 1) -> None:
        self.store = store
        self.subject = subject
        self.round = round
        self.assessors = widgets.Textarea(
            description="Pseudonyms", placeholder="one per line (or leave empty and use Count)"
        )
        self.count = widgets.IntText(value=0, description="Count")
        self.expires = widgets.Text(value=DEFAULT_EXPIRY, description="Expires")
        self.base_url = widgets.Text(value="http://127.0.0.1:8866/", description="Server")
        self.out_dir = widgets.Text(value="invitations", description="Folder")
        self.create_button = widgets.Button(
            description="Create invitations", button_style="primary"
        )
        self.create_button.on_click(lambda _b: self.create())
        self.revoke_ids = widgets.Text(description="Revoke ids", placeholder="e.g. 3 7")
        self.revoke_button = widgets.Button(description="Revoke")
        self.revoke_button.on_click(lambda _b: self.revoke())
        self.message = widgets.HTML()
        self.table = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<h3>Invitations: {html.escape(subject)}, round {round}</h3>"),
                widgets.HBox([self.assessors, widgets.VBox([self.count, self.expires])]),
                widgets.HBox([self.base_url, self.out_dir, self.create_button]),
                widgets.HBox([self.revoke_ids, self.revoke_button]),
                self.message,
                self.table,
            ]
        )
        self.refresh()

    def create(self) -> bool:
        """Create invitations from the inputs and write the two files; shows their paths."""
        names = [line.strip() for line in self.assessors.value.splitlines() if line.strip()]
        try:
            issued = create_invitations(
                self.store,
                self.subject,
                self.round,
                assessors=names or None,
                count=None if names else self.count.value,
                expires_at=parse_expiry(self.expires.value),
            )
            csv_path, html_path = write_invitation_sheets(
                issued,
                Path(self.out_dir.value),
                base_url=self.base_url.value,
                subject_name=str(get_subject(self.store, self.subject)["name"]),
            )
        except SciroccoLabError as exc:
            self.message.value = message_html(f"Not created: {exc}", "error")
            return False
        self.message.value = message_html(
            f"{len(issued)} invitation(s) created. Links: {csv_path}; printable sheet: "
            f"{html_path}. Keep both private.",
            "ok",
        )
        self.refresh()
        return True

    def revoke(self) -> int:
        """Revoke the invitations whose ids are typed in the box."""
        try:
            ids = [int(part) for part in self.revoke_ids.value.replace(",", " ").split()]
        except ValueError:
            self.message.value = message_html("Type invitation ids (numbers) to revoke.", "error")
            return 0
        if not ids:
            self.message.value = message_html("Type invitation ids (numbers) to revoke.", "error")
            return 0
        count = revoke_invitations(self.store, ids=ids)
        self.message.value = message_html(f"{count} invitation(s) revoked.", "ok")
        self.refresh()
        return count

    def refresh(self) -> None:
        """Redraw the table of this round's invitations (never a token)."""
        frame = invitations_frame(self.store, subject=self.subject, round=self.round)
        columns = ["id", "assessor", "link", "status", "expires_at", "last_used_at"]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in columns) + "</tr>"
            for row in frame.to_dict("records")
        )
        self.table.value = f"<table class='scl-invitations'><tr>{head}</tr>{rows}</table>"


class WorkshopProgress(CaptureWidget):
    """The live facilitator view in a notebook: refreshes every ``refresh_seconds`` while
    the kernel's event loop runs (in a plain script, call :meth:`refresh`)."""

    def __init__(
        self, store: Store, subject: str, *, round: int = 1, refresh_seconds: float = 5.0
    ) -> None:
        self.store = store
        self.subject = subject
        self.round = round
        self.refresh_seconds = refresh_seconds
        self.view = widgets.HTML()
        self.widget = widgets.VBox([self.view])
        self.refresh()
        self._schedule()

    def refresh(self) -> None:
        """Read the store again and redraw."""
        try:
            page = facilitator_page(
                workshop_status(self.store, self.subject, round=self.round),
                refresh_seconds=int(self.refresh_seconds),
            )
        except SciroccoLabError as exc:
            self.view.value = message_html(str(exc), "error")
            return
        # The page's body only: inside a notebook the page must not reload itself.
        self.view.value = page[page.index("<body") :].replace("</html>", "")

    def _schedule(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.call_later(self.refresh_seconds, self._tick)

    def _tick(self) -> None:
        self.refresh()
        self._schedule()
