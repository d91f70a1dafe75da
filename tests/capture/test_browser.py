"""The web app in a real browser: Voilà on loopback, Debian's chromium driven by Playwright.

Participants fill and submit the form as they would in a workshop; the store then holds what
they submitted. Screenshots go to a temporary folder, or to ``$SCIROCCO_LAB_SCREENSHOT_DIR``
(``make screenshots`` points it at docs/screenshots).
"""

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.records import AssessorRecord, SubjectRecord
from scirocco_lab.assessment.store import (
    add_assessors,
    add_subjects,
    assessments_frame,
    ratings_frame,
    write_batch,
)
from scirocco_lab.capture.serve import (
    ServeSettings,
    capture_notebook,
    free_port,
    running_voila,
)
from scirocco_lab.config import project_root
from scirocco_lab.store import open_store

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CODES = [f"NV-0{i}" for i in range(1, 6)]
# A kernel starts per page; on a 2-core machine five at once take a while.
PAGE_TIMEOUT_MS = 120_000


def two_dimension_instrument(folder: Path) -> str:
    """A small instrument file so that five participants fill their forms quickly."""
    levels = [{"level": n, "label": f"Level {n} summary"} for n in range(6)]
    instrument = {
        "format": "scirocco-lab/instrument@1",
        "id": "tiny-two",
        "title": "Two-dimension test instrument",
        "version": "1",
        "languages": ["en"],
        "scale": {"min": 0, "max": 5},
        "label_kind": "summary",
        "dimensions": [
            {
                "key": key,
                "number": i + 1,
                "name": name,
                "objective": f"{name} objective",
                "levels": levels,
            }
            for i, (key, name) in enumerate([("funding", "Funding"), ("evaluation", "Evaluation")])
        ],
    }
    (folder / "tiny-two.yaml").write_text(yaml.safe_dump(instrument), encoding="utf-8")
    return "tiny-two"


@pytest.fixture(scope="module")
def chromium_path():
    if not os.access(CHROMIUM, os.X_OK):
        # Not a skip: a fresh machine installs Debian's chromium and the test runs.
        subprocess.run(["bash", str(project_root() / "scripts" / "ensure-chromium.sh")], check=True)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory):
    configured = os.environ.get("SCIROCCO_LAB_SCREENSHOT_DIR")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def form_server(tmp_path_factory):
    """Voilà serving the participants' form, on a free loopback port, with a temp store."""
    folder = tmp_path_factory.mktemp("webapp")
    store_path = folder / "store.db"
    store = open_store(str(store_path))
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    add_assessors(store, [AssessorRecord(code) for code in CODES])
    instrument_dir = folder / "instruments"
    instrument_dir.mkdir()
    two_dimension_instrument(instrument_dir)
    settings = ServeSettings(
        notebook=capture_notebook(), port=free_port(), store=str(store_path), subject="northvale"
    )
    os.environ["SCIROCCO_LAB_INSTRUMENT_PATH"] = str(instrument_dir)  # inherited by Voilà
    try:
        with running_voila(settings, log_path=folder / "voila.log") as url:
            yield url, store
    finally:
        os.environ.pop("SCIROCCO_LAB_INSTRUMENT_PATH", None)


def screenshot(page, selector, path):
    """The whole widget: Voila scrolls inside its own container, so a full-page screenshot
    would stop at the viewport; grow the viewport to the widget first."""
    height = page.locator(selector).evaluate("element => element.scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height + 60})
    page.locator(selector).screenshot(path=str(path))


def open_form(browser, url, code, sign_in_screenshot=None):
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url)
    if sign_in_screenshot:
        expect(page.locator(".scl-code input")).to_be_visible()
        screenshot(page, ".scirocco-assessment-form", sign_in_screenshot)
    page.locator(".scl-code input").fill(code)
    page.locator(".scl-start").click()
    expect(page.locator(".scirocco-assessment-form")).to_contain_text(f"Participant {code}")
    return page


def rate_current(page, dimension_number, total, choice, justification=None):
    form = page.locator(".scirocco-assessment-form")
    expect(form.locator("h3")).to_contain_text(f"Dimension {dimension_number} of {total}")
    form.locator(".scl-level label", has_text=choice).click()
    if justification:
        form.locator(".scl-justification textarea").fill(justification)
    form.locator(".scl-confidence button", has_text="High").click()
    expect(form.locator(".scl-message-area")).to_contain_text("Draft saved")


def test_participant_fills_and_submits_the_form(browser, form_server, screenshot_dir):
    url, store = form_server
    page = open_form(browser, url, "NV-01", screenshot_dir / "webapp_sign_in.png")
    page.locator(".scl-level label", has_text="2 —").click()
    page.locator(".scl-justification textarea").fill("Dialogue has started; no plan yet")
    page.locator(".scl-next").click()
    page.locator(".scl-previous").click()
    expect(page.locator(".scl-justification textarea")).to_have_value(
        "Dialogue has started; no plan yet"
    )
    screenshot(page, ".scirocco-assessment-form", screenshot_dir / "webapp_form.png")
    total = 12
    for number in range(1, total + 1):
        choice = "Don't know" if number == 12 else f"{number % 6} —"
        rate_current(page, number, total, choice, f"Evidence for dimension {number}")
        if number < total:
            page.locator(".scl-next").click()
    page.locator(".scl-submit").click()
    expect(page.locator(".scl-message-area")).to_contain_text("Submitted")
    screenshot(page, ".scirocco-assessment-form", screenshot_dir / "webapp_submitted.png")
    stored = ratings_frame(store, subject="northvale", instrument="scirocco-exchange")
    stored = stored[stored["assessor"] == "NV-01"].set_index("dimension")
    assert len(stored) == total
    assert stored.loc["readiness_to_change", "level"] == 1
    assert stored.loc["readiness_to_change", "justification"] == "Evidence for dimension 1"
    assert stored.loc["capacity_building", "dont_know"]
    page.context.close()


def test_unknown_code_is_refused_in_the_browser(browser, form_server):
    url, store = form_server
    page = browser.new_context().new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url)
    page.locator(".scl-code input").fill("NOBODY")
    page.locator(".scl-start").click()
    expect(page.locator(".scl-message-area")).to_contain_text("unknown participant code")
    assert assessments_frame(store, round=1).query("assessor == 'NOBODY'").empty
    page.context.close()


def test_five_participants_submitting_at_once_all_land(browser, form_server):
    url, store = form_server
    pages = [open_form(browser, f"{url}?instrument=tiny-two&round=2", code) for code in CODES]
    for index, page in enumerate(pages):
        rate_current(page, 1, 2, f"{index} —")
        page.locator(".scl-next").click()
        rate_current(page, 2, 2, "5 —")
    for page in pages:  # all five clicks go out before any kernel has answered
        page.locator(".scl-submit").click()
    for page in pages:
        expect(page.locator(".scl-message-area")).to_contain_text("Submitted")
        page.context.close()
    stored = assessments_frame(store, instrument="tiny-two", round=2, status="submitted")
    assert sorted(stored["assessor"]) == CODES
    ratings = ratings_frame(store, instrument="tiny-two", round=2)
    assert len(ratings) == 2 * len(CODES)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """Voilà serving the whole capture folder (all three notebooks) over the demo data."""
    folder = tmp_path_factory.mktemp("demo")
    store_path = folder / "store.db"
    write_batch(open_store(str(store_path)), generate_demo())
    settings = ServeSettings(
        notebook=capture_notebook().parent, port=free_port(), store=str(store_path)
    )
    with running_voila(settings, log_path=folder / "voila.log") as url:
        yield url


def test_workshop_and_meeting_render_in_the_browser(browser, demo_server, screenshot_dir):
    page = browser.new_context(viewport={"width": 1250, "height": 900}).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{demo_server}voila/render/consensus_workshop.ipynb?subject=northvale&round=1")
    workshop = page.locator(".scirocco-consensus-workshop")
    expect(workshop).to_contain_text("stakeholders disagree on")
    screenshot(page, ".scirocco-consensus-workshop", screenshot_dir / "consensus_workshop.png")
    page.goto(f"{demo_server}voila/render/twinning_meeting.ipynb?receiving=ostermark")
    meeting = page.locator(".scirocco-twinning-meeting")
    expect(meeting).to_contain_text("Features the reference needs")
    meeting.locator("select").nth(2).select_option(label="2. Structure & Governance")
    meeting.get_by_role("button", name="Add the reference's features").click()
    names = meeting.locator("input[placeholder='feature name']")
    expect(names).to_have_count(2)  # the good practice's two features for this dimension
    meeting.get_by_role("button", name="Add feature").click()
    expect(names).to_have_count(3)  # the rows are redrawn: wait before typing
    names.last.fill("Regional innovation mandate")
    meeting.locator("input[placeholder='adaptation needed']").last.fill("Mandate from the council")
    meeting.get_by_role("button", name="Save meeting").click()
    expect(meeting).to_contain_text("Meeting saved")
    screenshot(page, ".scirocco-twinning-meeting", screenshot_dir / "twinning_meeting.png")
    page.context.close()
