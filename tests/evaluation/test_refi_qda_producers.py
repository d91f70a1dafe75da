"""REFI-QDA projects as NVivo, MAXQDA, ATLAS.ti, QualCoder, Taguette and qc write them import,
with one warning per deviation, and their coded segments survive import -> export -> import.

The projects come from the generator in tests/evaluation/conftest.py (synthetic data).
"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from scirocco_lab.evaluation.refi_qda import (
    export_qdc,
    export_qdpx,
    guid_key,
    import_qdc,
    import_qdpx,
    project_schema,
    read_qdpx,
)
from scirocco_lab.evaluation.store import (
    coders_frame,
    codes_frame,
    segments_frame,
    source_text,
    sources_frame,
)
from scirocco_lab.store import open_store

PRODUCERS = ("nvivo", "maxqda", "atlas", "qualcoder", "taguette", "qc")


def _state(store) -> dict:
    """Sources, codes, segments and coders of a store, by guid, as comparable sets."""
    sources = sources_frame(store)
    codes = codes_frame(store)
    key_of_source = dict(zip(sources["source"], sources["guid"], strict=True))
    guid_of_code = dict(zip(codes["code"], codes["guid"], strict=True))
    return {
        "sources": {
            (guid_key(row.guid), row.title, source_text(store, row.source))
            for row in sources.itertuples()
        },
        "codes": {
            (
                guid_key(row.guid),
                row.name,
                guid_key(guid_of_code[row.parent]) if isinstance(row.parent, str) else None,
            )
            for row in codes.itertuples()
        },
        "segments": {
            (
                guid_key(row.guid),
                guid_key(key_of_source[row.source]),
                guid_key(guid_of_code[row.code]),
                row.coder,
                row.start_char,
                row.end_char,
            )
            for row in segments_frame(store).itertuples()
        },
        "coders": set(coders_frame(store)["coder"]),
    }


@pytest.mark.parametrize("producer", PRODUCERS)
def test_generated_project_without_deviations_follows_the_schema(
    producer, producer_project, tmp_path
):
    path, _expected = producer_project(producer, tmp_path, deviations=False)
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert project_schema().validate(root), project_schema().error_log


@pytest.mark.parametrize("producer", PRODUCERS)
def test_producer_project_imports_its_sources_codes_segments_and_coders(
    producer, producer_project, tmp_path
):
    path, expected = producer_project(producer, tmp_path)
    store = open_store("sqlite://")
    summary = import_qdpx(store, path)
    state = _state(store)
    assert {(guid, text) for guid, _title, text in state["sources"]} == set(
        expected.sources.items()
    )
    assert {(guid, name, parent) for guid, name, parent in state["codes"]} == {
        (guid, name, parent) for guid, (name, parent) in expected.codes.items()
    }
    assert state["segments"] == expected.segments
    assert state["coders"] == expected.coders
    assert summary.empty_sources == expected.empty_sources


@pytest.mark.parametrize("producer", PRODUCERS)
def test_producer_project_warns_once_per_deviation_and_about_nothing_else(
    producer, producer_project, tmp_path
):
    path, expected = producer_project(producer, tmp_path)
    warnings = import_qdpx(open_store("sqlite://"), path).warnings
    for deviation in expected.deviations:
        assert any(deviation in warning for warning in warnings), deviation
    for warning in warnings:
        assert sum(deviation in warning for deviation in expected.deviations) == 1, warning
    assert len(warnings) == len(set(warnings))


@pytest.mark.parametrize("producer", PRODUCERS)
def test_coded_segments_round_trip_through_an_export(producer, producer_project, tmp_path):
    path, _expected = producer_project(producer, tmp_path)
    first = open_store("sqlite://")
    import_qdpx(first, path)
    export_qdpx(first, tmp_path / "again.qdpx")
    second = open_store("sqlite://")
    import_qdpx(second, tmp_path / "again.qdpx")
    assert _state(second) == _state(first)


@pytest.mark.parametrize("producer", PRODUCERS)
def test_export_of_a_producer_project_follows_the_schema_strictly(
    producer, producer_project, tmp_path
):
    path, _expected = producer_project(producer, tmp_path)
    store = open_store("sqlite://")
    import_qdpx(store, path)
    export_qdpx(store, tmp_path / "out.qdpx")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert project_schema().validate(root), project_schema().error_log
    # Nothing left to be lenient about; an empty source stays empty (and is said to be).
    warnings = read_qdpx(tmp_path / "out.qdpx").warnings
    assert [w for w in warnings if "the text is empty" not in w] == []


def test_project_with_over_100_coded_selections_on_two_sources_round_trips(
    producer_project, new_store_url, tmp_path
):
    path, expected = producer_project("maxqda", tmp_path, selections=120, sources=2)
    project = read_qdpx(path)
    assert sum(len(s.selections) for s in project.text_sources) == 120
    assert len(project.text_sources) == 2
    first = open_store(new_store_url("first"))  # SQLite and PostgreSQL
    import_qdpx(first, path)
    export_qdpx(first, tmp_path / "again.qdpx")
    second = open_store(new_store_url("second"))
    import_qdpx(second, tmp_path / "again.qdpx")
    assert _state(second)["segments"] == expected.segments
    assert len(expected.segments) == 144  # 120 selections, every fifth with two codings


def test_taguette_codebook_with_empty_sets_imports(taguette_codebook, tmp_path):
    store = open_store("sqlite://")
    summary = import_qdc(store, taguette_codebook(tmp_path))
    assert summary.codes == 3
    assert len(summary.warnings) == 1
    assert "empty <Sets> removed" in summary.warnings[0]


def test_taguette_codebook_exports_as_a_valid_codebook(taguette_codebook, tmp_path):
    store = open_store("sqlite://")
    import_qdc(store, taguette_codebook(tmp_path))
    assert export_qdc(store, tmp_path / "out.qdc").codes == 3


@pytest.mark.parametrize("producer", ["nvivo", "maxqda", "atlas"])
def test_project_with_plain_relative_text_paths_imports_and_round_trips(
    producer, producer_project, tmp_path
):
    path, expected = producer_project(producer, tmp_path, relative_text_paths=True)
    first = open_store("sqlite://")
    warnings = import_qdpx(first, path).warnings
    assert sum("plain relative name" in w for w in warnings) == len(expected.sources)
    assert _state(first)["segments"] == expected.segments
    export_qdpx(first, tmp_path / "again.qdpx")
    second = open_store("sqlite://")
    import_qdpx(second, tmp_path / "again.qdpx")
    assert _state(second) == _state(first)


def test_nvivo_project_with_262_codes_and_an_empty_source_imports(producer_project, tmp_path):
    path, expected = producer_project("nvivo", tmp_path, code_count=262)
    store = open_store("sqlite://")
    summary = import_qdpx(store, path)
    assert (summary.sources, summary.empty_sources, summary.codes) == (3, 1, 262)
    assert _state(store)["segments"] == expected.segments
