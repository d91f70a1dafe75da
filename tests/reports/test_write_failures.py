"""A report build whose output folder cannot be written: one clear message, exit 2, no
traceback, and no temporary or half-written file left behind.

Run as root, file permissions would not bind, so the folders really fail: a file where a
folder should be, a read-only bind mount and a tiny full tmpfs, each in a private mount
namespace (``unshare -m``) that disappears with the command.
"""

import shlex
import shutil
import subprocess
import sys

import pytest

from scirocco_lab.cli import main

pytestmark = pytest.mark.slow


def can_mount():
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(not can_mount(), reason="needs unshare -m and mount (root)")


def build_in_namespace(tmp_path, store_url, mount: str, out):
    """``reports build`` into ``out`` after ``mount`` (shell, in a private mount namespace);
    the exit status, the error output and what ``out`` holds afterwards (seen from inside)."""
    command = [sys.executable, "-m", "scirocco_lab", "--store", store_url, "reports", "build"]
    command += ["--out", str(out), "--quiet"]
    script = (
        f"{mount} || exit 99; {shlex.join(command)}; status=$?; "
        f"echo '--- files'; find {shlex.quote(str(out))} -type f; exit $status"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    files = done.stdout.split("--- files\n", 1)[1].split()
    return done.returncode, done.stderr, files


def assert_one_clear_message(status, err, *words):
    assert status == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("scirocco-lab: error:")
    for word in words:
        assert word in lines[0]


def test_an_output_folder_under_a_file_is_refused_before_any_report(
    capsys, tmp_path, demo_store_url
):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    status = main(
        ["--store", demo_store_url, "reports", "build", "--out", str(blocker / "r"), "--quiet"]
    )
    err = capsys.readouterr().err
    assert_one_clear_message(status, err, str(blocker / "r"), "Not a directory", "Fix:")
    assert list(tmp_path.iterdir()) == [blocker]


@needs_mounts
@pytest.mark.parametrize(
    ("mount", "words"),
    [
        pytest.param(
            "mount --bind {out} {out} && mount -o remount,bind,ro {out}",
            ("Read-only file system",),
            id="a-read-only-folder-gives-one-message-and-no-files",
        ),
        pytest.param(
            # Room for the folder check but not for one whole report (each is hundreds of KB).
            "mount -t tmpfs -o size=64k tmpfs {out}",
            (".html", "No space left on device"),
            id="a-full-disk-stops-the-batch-and-leaves-no-partial-file",
        ),
    ],
)
def test_an_output_folder_failing_mid_build(tmp_path, demo_store_url, mount, words):
    out = tmp_path / "reports"
    out.mkdir()
    status, err, files = build_in_namespace(tmp_path, demo_store_url, mount.format(out=out), out)
    assert_one_clear_message(status, err, str(out), *words, "Fix:")
    assert files == []  # no temporary file, no half report, no manifest
