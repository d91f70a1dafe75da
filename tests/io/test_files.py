"""write_atomically: the whole new file or the old one, never half of either."""

import pytest

from scirocco_lab.io.files import write_atomically


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
