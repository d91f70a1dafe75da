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


@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5, 4.0])
def test_kill_at_any_moment_is_all_or_nothing(demo_file, tmp_path, delay):
    path = tmp_path / "store.db"
    shutil.copy(demo_file, path)
    before = _state(path)
    process = _start(path)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    after = _state(path)
    assert after == before or _all_gone(before, after)
