"""PDF copies of the HTML reports, printed by one long-lived headless Chromium.

The browser is Debian's chromium (``/usr/bin/chromium``, or ``$CHROMIUM``; install it with
``bash scripts/ensure-chromium.sh``) driven through Playwright's ``executable_path``: never a
downloaded browser. It is started once per build and prints every report through one page,
so a PDF costs the printing, not a browser start. The page layout comes from the reports'
print stylesheet (A4, each section on a new page, figures and table rows never cut across
pages; ``scirocco_lab/reports/templates/scirocco_report``); the running header on every page
carries the synthetic-data warning for demo data (else the report's title) and the footer
the page number.

>>> header_template("Northvale", synthetic=True).count("Synthetic demo data")
1
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

from scirocco_lab.errors import ConfigurationError, SciroccoLabError
from scirocco_lab.io.files import write_atomically

__all__ = [
    "CHROMIUM_ENV",
    "DEFAULT_CHROMIUM",
    "PdfError",
    "PdfPrinter",
    "chromium_path",
    "footer_template",
    "header_template",
]

CHROMIUM_ENV = "CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Everything here runs as root on a closed network: no sandbox, nothing fetched.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
MARGINS = {"top": "16mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}


class PdfError(SciroccoLabError):
    """A PDF could not be printed."""


def chromium_path() -> Path:
    """The chromium to print with: ``$CHROMIUM`` or Debian's; a clear error if missing."""
    configured = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    found = shutil.which(configured)
    if not found:
        raise ConfigurationError(
            f"no chromium at {configured}: PDFs are printed by Debian's chromium. Install it "
            f"with `bash scripts/ensure-chromium.sh`, or set {CHROMIUM_ENV}=/path/to/chromium."
        )
    return Path(found)


def header_template(title: str, *, synthetic: bool) -> str:
    """The running header of every page: the synthetic-data warning, or the title."""
    from scirocco_lab.io.figures import SYNTHETIC_NOTE

    if synthetic:
        text = (
            f"{html.escape(SYNTHETIC_NOTE)}: invented for demonstration, do not cite "
            f"&mdash; {html.escape(title)}"
        )
        style = "color:#8a1c12;font-weight:600"
    else:
        text, style = html.escape(title), "color:#555"
    return (
        f'<div style="font-size:8px;font-family:sans-serif;width:100%;text-align:center;'
        f'{style}">{text}</div>'
    )


def footer_template() -> str:
    """Page numbers: "page N of M"."""
    return (
        '<div style="font-size:8px;font-family:sans-serif;width:100%;text-align:center;'
        'color:#555">page <span class="pageNumber"></span> of <span class="totalPages">'
        "</span></div>"
    )


class PdfPrinter:
    """One headless Chromium for a whole build (a context manager; not thread-safe: use it
    from the thread that opened it)."""

    def __init__(self, executable: Path | None = None):
        self.executable = executable or chromium_path()
        self._playwright = None
        self._browser = None
        self._page = None

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.executable), args=list(CHROMIUM_ARGS), headless=True
            )
            self._page = self._browser.new_page()
        except Exception as exc:
            self._playwright.stop()
            raise PdfError(
                f"cannot start {self.executable} for PDF printing ({exc}). Check that it is "
                f"Debian's chromium (`bash scripts/ensure-chromium.sh`)."
            ) from exc
        return self

    def __exit__(self, *_exc) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def print_pdf(self, html_file: Path, pdf_file: Path, *, title: str, synthetic: bool) -> None:
        """Print ``html_file`` to ``pdf_file`` (written atomically)."""
        page = self._page
        page.goto(html_file.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        data = page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template=header_template(title, synthetic=synthetic),
            footer_template=footer_template(),
            margin=MARGINS,
        )
        write_atomically(pdf_file, lambda temporary: temporary.write_bytes(data))
