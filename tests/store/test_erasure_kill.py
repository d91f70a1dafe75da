"""kill -9 during ``people forget``: the store opens, passes the integrity check, and the
person's records are either all gone or all still there."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.evaluation.demo import seed_evaluation_demo
from scirocco_lab.evaluation.store import participants_frame, segments_frame, turns_frame
from scirocco_lab.store import integrity_problems, open_store
from scirocco_lab.store.erasure import PAUSE_ENV, REMOVED_TEXT

pytestmark = pytest.mark.slow

PARTICIPANT = "CRV-P02"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("erasure-kill") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    write_batch(store, generate_demo())
    seed_evaluation_demo(store)
    store.engine.dispose()
    return path


def _start(path, pause=None):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop(PAUSE_ENV, None)
    if pause is not None:
        env[PAUSE_ENV] = str(pause)
    command = [sys.executable, "-m", "scirocco_lab", "--store", str(path), "people", "forget"]
    return subprocess.Popen(
        [*command, PARTICIPANT, "--contributions", "--yes"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def _state(path):
    """(participant still there, turns of theirs, removed turns, segments) after opening."""
    store = open_store(f"sqlite:///{path}", create=False)
    assert integrity_problems(store) == []
    turns = turns_frame(store)
    state = (
        PARTICIPANT in set(participants_frame(store)["pseudonym"]),
        int((turns["speaker"] == PARTICIPANT).sum()),
        int((turns["text"] == REMOVED_TEXT).sum()),
        len(segments_frame(store)),
    )
    store.engine.dispose()
    return state


def test_kill_inside_the_transaction_leaves_everything(demo_file, tmp_path):
    path = tmp_path / "store.db"
    shutil.copy(demo_file, path)
    before = _state(path)
    process = _start(path, pause=60)
    # The plan is printed before the transaction starts; the pause comes after its first
    # deletions, so a kill a moment later lands mid-transaction.
    assert process.stdout.readline().startswith(b"to be removed")
    time.sleep(2.0)
    assert process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert _state(path) == before


def _all_gone(before, after):
    return after[:3] == (False, 0, before[1]) and after[3] < before[3]


def test_forget_run_to_the_end_removes_everything(demo_file, tmp_path):
    path = tmp_path / "store.db"
    shutil.copy(demo_file, path)
    before = _state(path)
    process = _start(path)
    process.communicate(timeout=120)
    assert process.returncode == 0
    assert _all_gone(before, _state(path))


@pytest.fixture(scope="module")
def long_transcript(tmp_path_factory, write_two_speaker_focus_group):
    """One focus group of 12 000 turns, half of them by participant B, each of B's turns
    coded: erasing B takes a moment (most of a second), long enough to be killed midway."""
    path = tmp_path_factory.mktemp("erasure-long") / "long.db"
    store = open_store(f"sqlite:///{path}")
    said = [
        (
            "B" if number % 2 else "A",
            f"Turn {number} is about shared care records and pooled budgets. ",
        )
        for number in range(1, 12_001)
    ]
    write_two_speaker_focus_group(
        store,
        said,
        lambda turns: [(t.start_char, t.start_char + 4) for t in turns if t.speaker == "B"],
        title="Long",
        b_name="B Secret",
    )
    store.engine.dispose()
    return path


def _long_state(path):
    """(B still there, B's turns, removed turns in the text, segments), read cheaply."""
    from sqlalchemy import func, select

    from scirocco_lab.store.schema import metadata

    store = open_store(f"sqlite:///{path}", create=False)
    assert integrity_problems(store) == []
    tables = metadata.tables
    turns, people = tables["evaluation_turns"], tables["evaluation_participants"]
    with store.engine.connect() as connection:

        def scalar(statement):
            return connection.execute(statement).scalar()

        state = (
            scalar(select(func.count()).where(people.c.pseudonym == "B")) == 1,
            scalar(select(func.count()).where(turns.c.speaker == "B")),
            scalar(select(tables["evaluation_sources"].c.text)).count(REMOVED_TEXT),
            scalar(select(func.count()).select_from(tables["coded_segments"])),
        )
    store.engine.dispose()
    return state


@pytest.mark.parametrize("delay", [0.1, 0.25, 0.5])
def test_kill_during_a_long_erasure_is_all_or_nothing(long_transcript, tmp_path, delay):
    path = tmp_path / "store.db"
    shutil.copy(long_transcript, path)
    before = _long_state(path)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop(PAUSE_ENV, None)
    command = [sys.executable, "-m", "scirocco_lab", "--store", str(path), "people", "forget"]
    process = subprocess.Popen(
        [*command, "B", "--contributions", "--yes"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    # The plan is printed, then the one transaction runs (most of a second on this store).
    assert process.stdout.readline().startswith(b"to be removed")
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    after = _long_state(path)
    assert after == before or after == (False, 0, 6_000, 0)
