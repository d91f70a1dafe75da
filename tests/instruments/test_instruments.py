"""Instruments load from data files; malformed files fail with a message naming file and entry."""

import json

import pytest
import yaml

from scirocco_lab.errors import InstrumentError
from scirocco_lab.instruments import (
    NO_LABEL,
    instrument_from_mapping,
    list_instruments,
    load_crosswalk,
    load_instrument,
)


def error_of(load, *args, **kwargs) -> str:
    """The message of the InstrumentError that ``load(*args, **kwargs)`` raises."""
    with pytest.raises(InstrumentError) as caught:
        load(*args, **kwargs)
    return str(caught.value)


def small_instrument(**overrides):
    data = {
        "format": "scirocco-lab/instrument@1",
        "id": "rural-8",
        "title": "Rural adaptation",
        "version": "1",
        "languages": ["en", "nl"],
        "scale": {"min": 0, "max": 5},
        "dimensions": [
            {
                "key": f"dim_{n}",
                "number": n,
                "name": {"en": f"Dimension {n}", "nl": f"Dimensie {n}"},
                "objective": f"Objective {n}",
                "levels": [{"level": 0, "label": {"en": "None", "nl": "Geen"}}],
            }
            for n in range(1, 9)
        ],
    }
    data.update(overrides)
    return data


def test_exchange_has_twelve_dimensions_in_published_order():
    exchange = load_instrument("scirocco-exchange")
    assert [d.name for d in exchange.dimensions[:4]] == [
        "Readiness to Change",
        "Structure & Governance",
        "Digital Infrastructure",
        "Process Coordination",
    ]
    assert len(exchange.dimensions) == 12


def test_default_instrument_is_exchange():
    assert load_instrument().id == "scirocco-exchange"


def test_bundled_instruments_are_marked_as_summary_labels():
    assert {load_instrument(i["id"]).label_kind for i in list_instruments()} == {"summary"}


def test_level_without_bundled_label_says_so():
    level = load_instrument().dimension("process_coordination").level(4)
    assert level.label is None
    assert level.display_label == NO_LABEL


def test_every_dimension_lists_the_whole_scale():
    for ref in ("scirocco-exchange", "scirocco-v3"):
        for dimension in load_instrument(ref).dimensions:
            assert [lv.number for lv in dimension.levels] == [0, 1, 2, 3, 4, 5]


def test_v3_has_information_and_ehealth_services():
    assert load_instrument("scirocco-v3").dimension("information_and_ehealth_services").number == 3


def test_crosswalk_marks_process_coordination_as_new():
    walk = load_crosswalk("scirocco-v3", "scirocco-exchange")
    new = [link for link in walk.links if link.relation == "new"]
    assert [link.to_keys for link in new] == [("process_coordination",)]
    assert not new[0].comparable


def test_crosswalk_merges_two_v3_dimensions_into_digital_infrastructure():
    walk = load_crosswalk("scirocco-v3", "scirocco-exchange")
    merged = next(link for link in walk.links if link.to_keys == ("digital_infrastructure",))
    assert set(merged.from_keys) == {
        "information_and_ehealth_services",
        "standardisation_and_simplification",
    }


def test_crosswalk_reads_in_reverse():
    walk = load_crosswalk("scirocco-exchange", "scirocco-v3")
    assert any(link.relation == "split" for link in walk.links)
    assert any(link.relation == "dropped" for link in walk.links)


def test_crosswalk_keys_exist_in_both_instruments():
    walk = load_crosswalk("scirocco-v3", "scirocco-exchange")
    v3, exchange = load_instrument("scirocco-v3"), load_instrument("scirocco-exchange")
    for link in walk.links:
        for key in link.from_keys:
            v3.dimension(key)
        for key in link.to_keys:
            exchange.dimension(key)


def test_user_instrument_loads_by_path_in_another_language(tmp_path):
    path = tmp_path / "rural.yaml"
    path.write_text(yaml.safe_dump(small_instrument(), allow_unicode=True), encoding="utf-8")
    rural = load_instrument(path, language="nl")
    assert len(rural.dimensions) == 8
    assert rural.dimension("dim_2").name == "Dimensie 2"
    assert rural.dimension("dim_2").level(0).label == "Geen"


def test_user_instrument_loads_from_json(tmp_path):
    path = tmp_path / "rural.json"
    path.write_text(json.dumps(small_instrument()), encoding="utf-8")
    assert load_instrument(str(path)).id == "rural-8"


def test_duplicated_key_in_instrument_yaml_is_refused_with_its_line(tmp_path):
    text = yaml.safe_dump(small_instrument(), sort_keys=False)
    path = tmp_path / "rural.yaml"
    path.write_text(text.replace("title: Rural adaptation\n", "title: A\ntitle: B\n", 1))
    line = path.read_text().splitlines().index("title: B") + 1
    expected = rf"line {line}, column 1: found duplicate key .title."
    with pytest.raises(InstrumentError, match=expected):
        load_instrument(path)


def test_duplicated_key_in_instrument_json_is_refused(tmp_path):
    path = tmp_path / "rural.json"
    path.write_text(json.dumps(small_instrument())[:-1] + ', "id": "other"}')
    with pytest.raises(InstrumentError, match="duplicate key 'id'"):
        load_instrument(path)


def test_instrument_found_by_id_on_search_path(tmp_path, monkeypatch):
    (tmp_path / "rural.yaml").write_text(yaml.safe_dump(small_instrument()), encoding="utf-8")
    monkeypatch.setenv("SCIROCCO_LAB_INSTRUMENT_PATH", str(tmp_path))
    assert load_instrument("rural-8").title == "Rural adaptation"


def test_unknown_instrument_id_lists_known_ones():
    with pytest.raises(InstrumentError, match="scirocco-exchange"):
        load_instrument("scirocco-exchnage")


def test_malformed_yaml_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\ndimensions: [\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"broken\.yaml: not valid YAML"):
        load_instrument(path)


def test_level_outside_scale_names_the_entry(tmp_path):
    data = small_instrument()
    data["dimensions"][2]["levels"] = [{"level": 7, "label": "Too high"}]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    message = error_of(load_instrument, path)
    assert "bad.yaml" in message
    assert "dimensions[2] (dim_3).levels[0]" in message
    assert "outside the scale 0..5" in message


def test_duplicate_dimension_key_is_reported():
    data = small_instrument()
    data["dimensions"][1]["key"] = "dim_1"
    with pytest.raises(InstrumentError, match="key 'dim_1' appears twice"):
        instrument_from_mapping(data, origin="dup.yaml")


def test_all_problems_reported_at_once():
    data = small_instrument(scale={"min": 5, "max": 0})
    del data["dimensions"][0]["objective"]
    message = error_of(instrument_from_mapping, data, origin="many.yaml")
    assert "scale" in message
    assert "objective is missing" in message


def test_unknown_dimension_lists_valid_keys():
    with pytest.raises(InstrumentError, match="readiness_to_change"):
        load_instrument().dimension("finances")


def test_instrument_round_trips_through_mapping():
    exchange = load_instrument()
    again = instrument_from_mapping(exchange.to_mapping())
    assert again.dimensions == exchange.dimensions


def test_in_instrument_order_sorts_within_groups_and_keeps_unknown_dimensions_last():
    import pandas as pd

    from scirocco_lab.instruments import in_instrument_order

    exchange = load_instrument("scirocco-exchange")
    frame = pd.DataFrame(
        {
            "round": [2, 1, 1, 1],
            "dimension": ["funding", "not_a_dimension", "funding", "readiness_to_change"],
        }
    )
    ordered = in_instrument_order(frame, exchange, by=["round"])
    assert ordered["dimension"].tolist() == [
        "readiness_to_change",
        "funding",
        "not_a_dimension",
        "funding",
    ]


# --- User cross-walk files --------------------------------------------------------------------


def write_walk(path, links, **fields):
    data = {
        "format": "scirocco-lab/crosswalk@1",
        "id": "mine",
        "from_instrument": "scirocco-v3",
        "to_instrument": "scirocco-exchange",
        "links": links,
        **fields,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_user_crosswalk_loads_from_a_path_and_reads_backwards(tmp_path):
    from scirocco_lab.instruments import load_crosswalk

    path = write_walk(
        tmp_path / "walk.yaml",
        [{"from": ["finance_and_funding"], "to": ["funding"], "relation": "renamed"}],
    )
    walk = load_crosswalk(path)
    assert (walk.from_instrument, walk.links[0].to_keys) == ("scirocco-v3", ("funding",))
    backwards = load_crosswalk(str(path), "scirocco-v3")
    assert backwards.links[0].to_keys == ("finance_and_funding",)


def test_user_crosswalk_problems_are_listed_together(tmp_path):
    from scirocco_lab.instruments import load_crosswalk

    path = write_walk(
        tmp_path / "walk.yaml",
        [
            {"from": ["finance"], "to": ["funding"], "relation": "renamed"},
            {"from": [], "to": ["process_coordination"], "relation": "invented"},
        ],
        to_instrument="scirocco-nine",
    )
    message = error_of(load_crosswalk, path)
    assert "malformed cross-walk file (3 problem(s))" in message
    assert "unknown instrument 'scirocco-nine'" in message
    assert "'finance' is not a dimension of scirocco-v3" in message
    assert "relation 'invented'" in message


def test_missing_crosswalk_file_says_what_to_give(tmp_path):
    from scirocco_lab.instruments import load_crosswalk

    with pytest.raises(InstrumentError, match="cross-walk file not found"):
        load_crosswalk(tmp_path / "nowhere.yaml")


def test_wrong_argument_type_gives_a_short_message():
    from scirocco_lab.instruments import load_crosswalk

    message = error_of(load_crosswalk, ["scirocco-v3"], "scirocco-exchange")
    assert message.startswith("from_instrument must be an instrument id")
    assert len(message) < 200


def test_instruments_are_accepted_for_their_ids():
    from scirocco_lab.instruments import load_crosswalk

    walk = load_crosswalk(load_instrument("scirocco-exchange"), load_instrument("scirocco-v3"))
    assert walk.from_instrument == "scirocco-exchange"
