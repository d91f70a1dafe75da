"""write_atomically: the whole new file or the old one, never half of either."""

import pytest

from scirocco_lab.errors import WriteError
from scirocco_lab.io.files import check_writable_folder, write_atomically


def test_writes_the_file(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    write_atomically(target, lambda temporary: temporary.write_text("a,b\n"))
    assert target.read_text() == "a,b\n"


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")

    def fail(temporary):
        temporary.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["out.csv"]


def test_a_file_system_failure_is_one_clear_error_and_leaves_no_temporary(tmp_path):
    import errno

    target = tmp_path / "out.csv"

    def disk_full(temporary):
        temporary.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteError, match=r"out\.csv: cannot be written \(No space left.*Fix:"):
        write_atomically(target, disk_full)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_under_a_file_is_refused_naming_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(WriteError, match=r"a-file/reports: cannot be written \(Not a directory"):
        check_writable_folder(blocker / "reports")
    with pytest.raises(WriteError, match=r"a-file/out\.csv"):
        write_atomically(blocker / "out.csv", lambda temporary: temporary.write_text("x"))


def test_checking_a_folder_creates_nothing(tmp_path):
    check_writable_folder(tmp_path / "new" / "reports")
    assert list(tmp_path.iterdir()) == []
