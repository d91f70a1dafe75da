"""The web app in a real browser: Voilà behind the invitation gate on loopback, Debian's
chromium driven by Playwright.

Participants open their personal links and fill and submit the form as they would in a
workshop; the store then holds what they submitted. Hostile visitors (no invitation, wrong
or foreign tokens, file paths in the URL) get nowhere and start no kernel. Screenshots go to
a temporary folder, or to ``$SCIROCCO_LAB_SCREENSHOT_DIR`` (``make screenshots`` points it at
docs/screenshots).
"""

import datetime as dt
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.invitations import (
    create_invitations,
    invitation_link,
    revoke_invitations,
)
from scirocco_lab.assessment.records import AssessorRecord, SubjectRecord
from scirocco_lab.assessment.store import (
    add_assessors,
    add_subjects,
    assessments_frame,
    ratings_frame,
    write_batch,
)
from scirocco_lab.capture.serve import (
    capture_notebook,
    free_port,
    kernel_processes,
    local_settings,
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
CODES = [f"NV-{i:02d}" for i in range(1, 31)]
FACILITATOR_KEY = "facilitator-key-for-tests"
# A kernel starts per page; on a 2-core machine thirty at once take a while.
PAGE_TIMEOUT_MS = 240_000
expect.set_options(timeout=PAGE_TIMEOUT_MS)  # assertions wait as long as actions
# Each test signs in from its own address (the form server trusts X-Real-IP, as behind a
# proxy), so one test's failed sign-ins never rate-limit another's.
_ADDRESSES = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())
LOGS: dict[str, Path] = {}  # server name -> its log file


def two_dimension_instrument(folder: Path) -> str:
    """A small instrument file so that thirty participants fill their forms quickly."""
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
def workshop(tmp_path_factory):
    """One store for the module: two regions, a good practice, thirty participants."""
    folder = tmp_path_factory.mktemp("webapp")
    store_path = folder / "store.db"
    store = open_store(str(store_path))
    add_subjects(
        store,
        [
            SubjectRecord("northvale", "Northvale"),
            SubjectRecord("ostermark", "Ostermark"),
            SubjectRecord("nv-tele", "Tele <care>", kind="good_practice", owner="northvale"),
        ],
    )
    add_assessors(store, [AssessorRecord(code) for code in CODES])
    instrument_dir = folder / "instruments"
    instrument_dir.mkdir()
    two_dimension_instrument(instrument_dir)
    return folder, store_path, store, instrument_dir


@pytest.fixture(scope="module")
def form_server(workshop):
    """The 12-dimension form for Northvale, round 1, as if behind a TLS proxy."""
    folder, store_path, store, _instruments = workshop
    settings = local_settings(
        store_path, subject="northvale", round=1, behind_proxy=True, facilitator_key=FACILITATOR_KEY
    )
    LOGS["form"] = folder / "voila-form.log"
    with running_voila(settings, log_path=LOGS["form"]) as server:
        yield server, store


@pytest.fixture(scope="module")
def crowd_server(workshop):
    """The two-dimension form, round 2, any subject the invitation names."""
    folder, store_path, store, instrument_dir = workshop
    settings = local_settings(store_path, instrument="tiny-two", round=2, max_kernels=40)
    os.environ["SCIROCCO_LAB_INSTRUMENT_PATH"] = str(instrument_dir)  # inherited by Voilà
    try:
        with running_voila(settings, log_path=folder / "voila-crowd.log") as server:
            yield server, store
    finally:
        os.environ.pop("SCIROCCO_LAB_INSTRUMENT_PATH", None)


def invite(store, code, *, subject="northvale", round=1, **kwargs):
    return create_invitations(store, subject, round, assessors=[code], **kwargs)[0].token


def new_page(browser, *, address=None, viewport=None):
    headers = {"X-Real-IP": address or next(_ADDRESSES)}
    context = browser.new_context(
        viewport=viewport or {"width": 1100, "height": 900}, extra_http_headers=headers
    )
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


def open_invited(browser, server, token, code, page=None):
    page = page or new_page(browser)
    page.goto(invitation_link(server.url, token))
    expect(page.locator(".scirocco-assessment-form")).to_contain_text(f"Participant {code}")
    return page


def invited_page(browser, server, store, code, **invitation):
    """Invite ``code`` and open the form from the link in a new page: (token, page)."""
    token = invite(store, code, **invitation)
    return token, open_invited(browser, server, token, code)


def screenshot(page, selector, path):
    """The whole widget: Voila scrolls inside its own container, so a full-page screenshot
    would stop at the viewport; grow the viewport to the widget first."""
    height = page.locator(selector).evaluate("element => element.scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height + 60})
    page.locator(selector).screenshot(path=str(path))


def rate_current(page, dimension_number, total, choice, justification=None):
    form = page.locator(".scirocco-assessment-form")
    expect(form.locator("h3")).to_contain_text(f"Dimension {dimension_number} of {total}")
    form.locator(".scl-level label", has_text=choice).click()
    if justification:
        form.locator(".scl-justification textarea").fill(justification)
    form.locator(".scl-confidence button", has_text="High").click()
    expect(form.locator(".scl-message-area")).to_contain_text("Draft saved")


def refusal(page):
    return page.locator(".scl-sign-in-message")


def expect_refused(browser, server, token, text):
    """A new visitor (own address) following the invitation link of ``token`` is refused
    with ``text``."""
    page = new_page(browser)
    page.goto(invitation_link(server.url, token))
    expect(refusal(page)).to_contain_text(text)
    page.context.close()


def justifications(store, code, **filters):
    stored = ratings_frame(store, status=None, kind=None, **filters)
    return stored.loc[stored["assessor"] == code, "justification"].dropna().tolist()


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


# --- one participant, the whole instrument ------------------------------------------------


def test_participant_fills_and_submits_the_form(browser, form_server, screenshot_dir):
    server, store = form_server
    sign_in = new_page(browser, viewport={"width": 900, "height": 300})
    sign_in.goto(f"{server.url}login")
    sign_in.screenshot(path=str(screenshot_dir / "webapp_sign_in.png"))
    sign_in.context.close()
    page = open_invited(browser, server, invite(store, "NV-01"), "NV-01")
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
    stored = ratings_frame(store, subject="northvale", instrument="scirocco-exchange", round=1)
    stored = stored[stored["assessor"] == "NV-01"].set_index("dimension")
    assert len(stored) == total
    assert stored.loc["readiness_to_change", "level"] == 1
    assert stored.loc["readiness_to_change", "justification"] == "Evidence for dimension 1"
    assert stored.loc["capacity_building", "dont_know"]
    page.context.close()


def test_typed_text_is_saved_without_leaving_the_box_and_survives_a_closed_tab(
    browser, form_server
):
    server, store = form_server
    token, page = invited_page(browser, server, store, "NV-02")
    page.locator(".scl-justification textarea").press_sequentially("Typed, never blurred")
    assert wait_for(lambda: justifications(store, "NV-02") == ["Typed, never blurred"])
    expect(page.locator(".scl-message-area")).to_contain_text("Draft saved")
    page.close()  # the tab goes; the box never lost focus
    again = open_invited(browser, server, token, "NV-02")
    expect(again.locator(".scl-message-area")).to_contain_text("Resumed your draft")
    expect(again.locator(".scl-justification textarea")).to_have_value("Typed, never blurred")
    again.context.close()


def test_a_second_tab_of_the_same_participant_is_told_not_overwritten(browser, form_server):
    server, store = form_server
    token, first = invited_page(browser, server, store, "NV-03")
    second = open_invited(browser, server, token, "NV-03", page=first.context.new_page())
    first.locator(".scl-level label", has_text="4 —").click()
    expect(first.locator(".scl-message-area")).to_contain_text("Draft saved")
    second.locator(".scl-level label", has_text="1 —").click()
    expect(second.locator(".scl-message-area")).to_contain_text("changed in another tab")
    stored = ratings_frame(store, status=None, round=1)
    assert stored.loc[stored["assessor"] == "NV-03", "level"].tolist() == [4.0]
    first.context.close()


# --- refusals ------------------------------------------------------------------------------


def test_anonymous_page_loads_start_no_kernel(browser, form_server):
    server, _store = form_server
    before = len(kernel_processes(server.pid))
    page = new_page(browser)
    for _ in range(40):
        page.goto(server.url)
        expect(page.locator("form.scl-sign-in")).to_be_visible()
    assert len(kernel_processes(server.pid)) == before
    page.context.close()


def test_wrong_token_and_pseudonym_are_refused_without_a_kernel(browser, form_server):
    server, _store = form_server
    before = len(kernel_processes(server.pid))
    page = new_page(browser)
    page.goto(f"{server.url}login?invite=NV-04")
    expect(refusal(page)).to_contain_text("not valid")
    page.locator("input[name=invite]").fill("definitely-not-a-token")
    page.locator("button[type=submit]").click()
    expect(refusal(page)).to_contain_text("not valid")
    page.goto(server.url)  # still not signed in
    expect(page.locator("form.scl-sign-in")).to_be_visible()
    assert len(kernel_processes(server.pid)) == before
    page.context.close()


def test_an_invitation_for_another_region_is_refused(browser, form_server):
    server, store = form_server
    expect_refused(browser, server, invite(store, "NV-05", subject="ostermark"), "another region")


def test_an_invitation_for_another_round_is_refused(browser, form_server):
    server, store = form_server
    expect_refused(browser, server, invite(store, "NV-05", round=3), "round 3, not round 1")


def test_failed_sign_ins_are_rate_limited_per_client(browser, form_server):
    server, store = form_server
    token = invite(store, "NV-06")
    page = new_page(browser)
    for attempt in range(5):
        page.goto(f"{server.url}login?invite=guess{attempt}")
        expect(refusal(page)).to_contain_text("not valid")
    page.goto(invitation_link(server.url, token))  # even a good token waits now
    expect(refusal(page)).to_contain_text("Too many failed sign-ins")
    page.context.close()
    assert wait_for(lambda: "sign-in refused (rate limit)" in LOGS["form"].read_text())


def test_failed_sign_ins_are_rate_limited_per_token_prefix(browser, form_server):
    server, store = form_server
    token = invite(store, "NV-07")
    for attempt in range(10):  # ten different clients, each trying once
        page = new_page(browser)
        response = page.request.post(
            f"{server.url}login", form={"invite": token[:6] + f"wrong{attempt}"}
        )
        assert response.status == 403
        page.context.close()
    expect_refused(browser, server, token, "Too many failed sign-ins")


def test_forged_cookies_count_as_failed_sign_ins(browser, form_server):
    server, store = form_server
    token = invite(store, "NV-15")
    page = new_page(browser)
    host = server.url.split("//")[1].split(":")[0]
    for attempt in range(5):
        page.context.add_cookies(
            [
                {
                    "name": "scirocco-lab-invitation",
                    "value": f"forged{attempt}",
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        page.goto(server.url)
        expect(page.locator("form.scl-sign-in")).to_be_visible()
    page.goto(invitation_link(server.url, token))
    expect(refusal(page)).to_contain_text("Too many failed sign-ins")
    page.context.close()


def test_an_expired_invitation_is_refused(browser, form_server):
    server, store = form_server
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    token = invite(store, "NV-08", expires_at=expires)
    time.sleep(max(0.0, (expires - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    expect_refused(browser, server, token, "expired")


def test_a_revoked_invitation_stops_working_even_when_signed_in(browser, form_server):
    server, store = form_server
    token, page = invited_page(browser, server, store, "NV-09")
    revoke_invitations(store, subject="northvale", assessor="NV-09")
    page.locator(".scl-level label", has_text="2 —").click()  # the open page stops saving
    expect(page.locator(".scl-message-area")).to_contain_text("withdrawn")
    assert (
        justifications(store, "NV-09") == []
        and ratings_frame(store, status=None).query("assessor == 'NV-09'").empty
    )
    page.reload()
    expect(page.locator("form.scl-sign-in")).to_be_visible()
    page.goto(invitation_link(server.url, token))
    expect(refusal(page)).to_contain_text("withdrawn")
    page.context.close()


@pytest.mark.parametrize(
    "query",
    [
        "instrument=/etc/passwd",
        "instrument=../../../../etc/passwd&subject=ostermark&round=4",
        "template=/etc&theme=/etc/passwd",
    ],
)
def test_a_path_in_the_link_never_opens_a_file(browser, form_server, query):
    server, store = form_server
    page = new_page(browser)
    page.goto(f"{server.url}?{query}")  # not signed in: the sign-in page, nothing else
    expect(page.locator("form.scl-sign-in")).to_be_visible()
    page = open_invited(browser, server, invite(store, "NV-10"), "NV-10", page=page)
    page.goto(f"{server.url}?{query}")
    form = page.locator(".scirocco-assessment-form")
    expect(form).to_contain_text("Participant NV-10")
    expect(form).to_contain_text("Northvale")
    expect(form).to_contain_text("round 1")
    assert "root:" not in page.content()
    for path in ("etc/passwd", "voila/files/../../../etc/passwd", "voila/files/%2Fetc%2Fpasswd"):
        response = page.request.get(f"{server.url}{path}")
        assert "root:" not in response.text()
    page.context.close()


def test_facilitator_page_needs_its_key(browser, form_server):
    server, _store = form_server
    page = new_page(browser)
    response = page.goto(f"{server.url}facilitator?key=guess")
    assert response.status == 403
    page.goto(f"{server.url}facilitator?key={FACILITATOR_KEY}")
    expect(page.locator("h1")).to_contain_text("Northvale · round 1")
    page.context.close()


def test_reloading_keeps_at_most_two_kernels_per_participant(browser, form_server):
    server, store = form_server
    token, page = invited_page(browser, server, store, "NV-11")

    def kernels_of_nv11():
        # A form's kernel carries its page's cookie, so the token names its participant.
        return [
            k for k in kernel_processes(server.pid) if token in k.environ().get("HTTP_COOKIE", "")
        ]

    for _ in range(4):
        page.reload()
        expect(page.locator(".scirocco-assessment-form")).to_contain_text("Participant NV-11")
    assert 1 <= len(kernels_of_nv11()) <= 2
    page.context.close()


# --- thirty participants at once ---------------------------------------------------------------


def test_thirty_invited_participants_submitting_at_once_all_land(browser, crowd_server):
    server, store = crowd_server
    tokens = {code: invite(store, code, round=2) for code in CODES}
    pages = {}
    # Pages open in waves of ten (thirty kernels starting in the same second on two busy
    # cores can outlast a kernel's start-up timeout); then all thirty work at once.
    for wave in range(0, len(CODES), 10):
        codes = CODES[wave : wave + 10]
        for code in codes:
            page = new_page(browser)
            page.goto(invitation_link(server.url, tokens[code]), wait_until="commit")
            pages[code] = page
        for code in codes:
            form = pages[code].locator(".scirocco-assessment-form")
            expect(form).to_contain_text(f"Participant {code}")
    for index, page in enumerate(pages.values()):
        rate_current(page, 1, 2, f"{index % 6} —", f"Justification {index}")
        page.locator(".scl-next").click()
        rate_current(page, 2, 2, "5 —")
    for page in pages.values():  # all thirty clicks go out before any kernel has answered
        page.locator(".scl-submit").click()
    for page in pages.values():
        expect(page.locator(".scl-message-area")).to_contain_text("Submitted")
    stored = assessments_frame(store, instrument="tiny-two", round=2)
    assert sorted(stored["assessor"]) == CODES
    assert set(stored["status"]) == {"submitted"}
    ratings = ratings_frame(store, instrument="tiny-two", round=2).set_index(
        ["assessor", "dimension"]
    )
    assert len(ratings) == 2 * len(CODES) and ratings.index.is_unique
    for index, code in enumerate(CODES):
        assert ratings.loc[(code, "funding"), "level"] == index % 6
        assert ratings.loc[(code, "funding"), "justification"] == f"Justification {index}"
        assert ratings.loc[(code, "evaluation"), "level"] == 5
    for page in pages.values():
        page.context.close()


def test_good_practice_features_typed_survive_a_closed_tab(browser, crowd_server):
    server, store = crowd_server
    token, page = invited_page(browser, server, store, "NV-12", subject="nv-tele", round=2)
    page.locator(".scl-features textarea").press_sequentially("Shared care record")

    def features():
        return ratings_frame(store, kind="GP", status=None, round=2)["features"].tolist()

    assert wait_for(lambda: features() == [("Shared care record",)])
    page.close()  # the box never lost focus
    again = open_invited(browser, server, token, "NV-12", page=page.context.new_page())
    expect(again.locator(".scl-features textarea")).to_have_value("Shared care record")
    again.context.close()


# --- stopping the server -------------------------------------------------------------------


def start_serve(store_path, port):
    """``scirocco-lab serve`` as a facilitator runs it; its output collected in a list."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "scirocco_lab", "--store", str(store_path), "serve"),
            *("--subject", "northvale", "--round", "1", "--port", str(port)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []

    def collect():
        for raw in iter(process.stdout.readline, b""):
            lines.append(raw.decode("utf-8", "replace"))

    process.collector = threading.Thread(target=collect, daemon=True)
    process.collector.start()
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
            break
        except OSError:
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.3)
    return process, lines


def stopped(process):
    """Wait for ``serve`` to exit; its exit status, with its output pipe closed."""
    status = process.wait(timeout=20)
    process.collector.join(timeout=5)
    process.stdout.close()
    return status


def voila_of(process):
    import psutil

    return next(
        child
        for child in psutil.Process(process.pid).children(recursive=True)
        if "voila" in " ".join(child.cmdline())
    )


def port_is_free(port):
    """Nothing listens on ``port`` and a new server may bind it (as servers do, with
    SO_REUSEADDR: the browser's closed connections may linger in TIME_WAIT)."""
    with socket.socket() as client:
        if client.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_sigterm_stops_voila_and_every_kernel_and_a_crash_is_reported(browser, workshop):
    import psutil

    _folder, store_path, store, _instruments = workshop
    port = free_port()
    process, lines = start_serve(store_path, port)
    voila = voila_of(process)
    server = type("Server", (), {"url": f"http://127.0.0.1:{port}/"})
    page = open_invited(browser, server, invite(store, "NV-13"), "NV-13")
    [kernel] = kernel_processes(voila.pid)
    kernel.kill()  # a participant's kernel crashes
    assert wait_for(lambda: any("kernel crashed" in line for line in lines)), "".join(lines)
    watched = [voila, *kernel_processes(voila.pid)]
    process.send_signal(signal.SIGTERM)
    assert stopped(process) == 0
    assert wait_for(lambda: not any(p.is_running() for p in watched), 5)
    assert not psutil.pid_exists(voila.pid)
    assert port_is_free(port)
    page.context.close()


def test_a_draft_survives_a_server_restart(browser, workshop):
    _folder, store_path, store, _instruments = workshop
    port = free_port()
    server = type("Server", (), {"url": f"http://127.0.0.1:{port}/"})
    process, _lines = start_serve(store_path, port)
    page = open_invited(browser, server, invite(store, "NV-14"), "NV-14")
    page.locator(".scl-level label", has_text="3 —").click()
    page.locator(".scl-justification textarea").press_sequentially("Before the restart")
    assert wait_for(lambda: justifications(store, "NV-14", round=1) == ["Before the restart"])
    process.send_signal(signal.SIGINT)  # Ctrl-C
    assert stopped(process) == 0
    process, _lines = start_serve(store_path, port)
    page.reload()  # the invitation cookie still signs in
    expect(page.locator(".scl-message-area")).to_contain_text("Resumed your draft")
    page.locator(".scl-previous").click()  # the form opens at the first unanswered dimension
    expect(page.locator(".scl-justification textarea")).to_have_value("Before the restart")
    page.context.close()
    process.send_signal(signal.SIGTERM)
    assert stopped(process) == 0


# --- the facilitator's notebooks, served without invitations on loopback -------------------


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """Voilà serving the whole capture folder (the facilitator's notebooks) over demo data."""
    folder = tmp_path_factory.mktemp("demo")
    store_path = folder / "store.db"
    write_batch(open_store(str(store_path)), generate_demo())
    settings = local_settings(store_path, notebook=capture_notebook().parent, gate=False)
    with running_voila(settings, log_path=folder / "voila.log") as server:
        yield server.url


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
