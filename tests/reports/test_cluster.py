"""The report batch on a real Dask cluster gives the same reports as the local engine."""

import re

import pytest

from scirocco_lab.reports.cluster import parse_scheduler

# Per run: the injected-parameters cell's random id and the minute a report was generated.
VOLATILE = re.compile(r"cell-id=[0-9a-f-]+|Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def pages(out):
    return {
        path.relative_to(out).as_posix(): VOLATILE.sub("", path.read_text("utf-8"))
        for path in sorted(out.glob("*/*.html"))
    }


@pytest.mark.slow
def test_demo_batch_on_a_local_cluster_matches_the_local_engine(tmp_path, demo_url, build):
    from distributed import LocalCluster

    url = demo_url
    assert build(url, tmp_path / "local") == 0
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        assert build(url, tmp_path / "dask", "--scheduler", cluster.scheduler_address) == 0
    local, distributed = pages(tmp_path / "local"), pages(tmp_path / "dask")
    assert len(local) >= 20
    assert sorted(distributed) == sorted(local)
    assert [path for path in local if distributed[path] != local[path]] == []


@pytest.mark.slow
def test_local_scheduler_starts_and_stops_its_own_cluster(tmp_path, capsys, demo_url, build):
    url = demo_url
    assert build(url, tmp_path / "out", "--region", "valmorra", "--scheduler", "local:2") == 0
    assert "0 failed" in capsys.readouterr().out
    assert (tmp_path / "out" / "regions" / "valmorra.html").exists()


@pytest.mark.parametrize("value", ["local:0", "local:x", "127.0.0.1:8786", "tcp://host"])
def test_a_bad_scheduler_is_refused_naming_the_accepted_forms(
    tmp_path, capsys, value, demo_url, build
):
    url = demo_url
    assert build(url, tmp_path / "out", "--scheduler", value) == 2
    error = capsys.readouterr().err
    assert "tcp://HOST:8786" in error and "local:N" in error
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, demo_url, build):
    url = demo_url
    assert build(url, tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9") == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_scheduler_forms():
    assert parse_scheduler(" local:3 ") == ("local", 3)
    assert parse_scheduler("tls://scheduler.example:8786")[0] == "tcp"
