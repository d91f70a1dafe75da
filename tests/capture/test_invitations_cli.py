"""``scirocco-lab invitations``: create, list and revoke from the command line."""

import csv

import pytest

from scirocco_lab.assessment.records import AssessorRecord, SubjectRecord
from scirocco_lab.assessment.store import add_assessors, add_subjects
from scirocco_lab.cli import main
from scirocco_lab.store import open_store


@pytest.fixture
def store_path(tmp_path):
    path = str(tmp_path / "cli.db")
    store = open_store(path)
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    add_assessors(store, [AssessorRecord("NV-01"), AssessorRecord("NV-02")])
    return path


def run(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def create(capsys, store_path, out, *who):
    return run(
        capsys,
        *("--store", store_path, "invitations", "create", "--subject", "northvale"),
        *("--round", "1", "--out", str(out), "--base-url", "http://10.1.2.3:8866/", *who),
    )


def links(out_dir):
    [path] = out_dir.glob("*.csv")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_create_writes_the_links_and_prints_no_token(capsys, store_path, tmp_path):
    status, out, _ = create(capsys, store_path, tmp_path / "inv", "--assessors", "NV-01", "NV-02")
    assert status == 0
    rows = links(tmp_path / "inv")
    assert [row["assessor"] for row in rows] == ["NV-01", "NV-02"]
    assert all(row["link"].startswith("http://10.1.2.3:8866/login?invite=") for row in rows)
    assert not any(row["link"].split("invite=")[1] in out for row in rows)
    assert len(list((tmp_path / "inv").glob("*.html"))) == 1


def test_list_shows_status_and_revoke_withdraws(capsys, store_path, tmp_path):
    create(capsys, store_path, tmp_path / "inv", "--count", "2")
    tokens = [row["link"].split("invite=")[1] for row in links(tmp_path / "inv")]
    status, out, _ = run(capsys, "--store", store_path, "invitations", "revoke", "1")
    assert status == 0 and "1 invitation(s) revoked" in out
    status, out, _ = run(capsys, "--store", store_path, "invitations", "list", "--format", "csv")
    assert status == 0
    assert [line.split(",")[5] for line in out.splitlines()[1:]] == ["revoked", "unused"]
    assert not any(token in out for token in tokens)


def test_unknown_pseudonym_exits_2_with_one_message(capsys, store_path, tmp_path):
    status, _, err = create(capsys, store_path, tmp_path / "inv", "--assessors", "NV-77")
    assert status == 2
    assert "NV-77" in err and "Traceback" not in err
    assert not (tmp_path / "inv").exists()


def test_bad_expiry_exits_2(capsys, store_path, tmp_path):
    status, _, err = create(
        capsys, store_path, tmp_path / "inv", "--count", "1", "--expires", "whenever"
    )
    assert status == 2 and "expiry 'whenever'" in err
