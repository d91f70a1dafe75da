"""The store: round trips, transactions, schema version, privacy of identities."""

import pytest
from sqlalchemy import text

from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.store import ratings_frame, write_batch
from scirocco_lab.errors import DataValidationError, SchemaVersionError, StoreError
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import (
    assessors_frame,
    is_empty,
    open_store,
    resolve_instrument,
    subjects_frame,
)

EXCHANGE = load_instrument()


def full_ratings(level=3, **extra):
    return tuple(RatingRecord(key, level=level, **extra) for key in EXCHANGE.dimension_keys)


def small_batch(*, level=3, assessor="NV-01"):
    return RecordBatch(
        subjects=(
            SubjectRecord("northvale", "Northvale", country="Calmaria"),
            SubjectRecord("nv-tele", "Telemonitoring", kind="good_practice", owner="northvale"),
        ),
        assessors=(
            AssessorRecord(assessor, role="clinician", sector="health", full_name="Ada Example"),
        ),
        assessments=(
            AssessmentRecord(
                "HS",
                "northvale",
                "scirocco-exchange",
                assessor=assessor,
                ratings=full_ratings(level, justification="Pilots only", confidence="high"),
            ),
        ),
        source="test batch",
    )


@pytest.fixture
def store(store_url):
    """An empty store, once on SQLite and once on PostgreSQL."""
    return open_store(store_url)


def test_new_store_is_empty(store):
    assert is_empty(store)


def test_batch_round_trips_to_tidy_ratings(store):
    write_batch(store, small_batch())
    ratings = ratings_frame(store)
    assert len(ratings) == 12
    assert set(ratings["level"]) == {3.0}
    assert set(ratings["assessor"]) == {"NV-01"}
    assert set(ratings["justification"]) == {"Pilots only"}


def test_good_practice_keeps_its_owner(store):
    write_batch(store, small_batch())
    practices = subjects_frame(store, kind="good_practice")
    assert practices.set_index("key").loc["nv-tele", "owner"] == "northvale"


def test_dont_know_is_stored_apart_from_level(store):
    batch = small_batch()
    ratings = (
        RatingRecord("funding", dont_know=True),
        *(r for r in batch.assessments[0].ratings if r.dimension != "funding"),
    )
    assessment = AssessmentRecord(
        "HS", "northvale", "scirocco-exchange", assessor="NV-01", ratings=ratings
    )
    write_batch(store, RecordBatch(batch.subjects, batch.assessors, (assessment,)))
    funding = ratings_frame(store).set_index("dimension").loc["funding"]
    assert bool(funding["dont_know"]) and funding["level"] != funding["level"]  # NaN


def test_features_round_trip_as_tuples(store):
    write_batch(store, small_batch())
    gp = AssessmentRecord(
        "GP",
        "nv-tele",
        "scirocco-exchange",
        mode="consensus",
        ratings=full_ratings(4, features=("Shared care record", "Risk tool")),
    )
    write_batch(store, RecordBatch(assessments=(gp,)))
    frame = ratings_frame(store, kind="GP")
    assert set(frame["features"]) == {("Shared care record", "Risk tool")}


def test_identities_are_not_in_default_frames(store):
    write_batch(store, small_batch())
    assert "full_name" not in assessors_frame(store).columns
    assert "Ada Example" not in ratings_frame(store).to_csv()
    assert assessors_frame(store, include_identities=True)["full_name"].tolist() == ["Ada Example"]


def test_bad_batch_writes_nothing(store):
    batch = small_batch(level=9)
    with pytest.raises(DataValidationError, match=r"level outside the scale 0\.\.5"):
        write_batch(store, batch)
    assert is_empty(store)
    assert assessors_frame(store).empty


def test_duplicate_assessment_is_refused_then_replaced(store):
    write_batch(store, small_batch(level=3))
    with pytest.raises(DataValidationError, match="already in the store"):
        write_batch(store, small_batch(level=4))
    write_batch(store, small_batch(level=4), replace=True)
    assert set(ratings_frame(store)["level"]) == {4.0}


def test_failure_mid_write_rolls_back(store, monkeypatch):
    """A database error after the first inserts leaves no partial records behind."""
    import scirocco_lab.assessment.store as store_module

    original = store_module.ensure_instrument

    def explode(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "ensure_instrument", explode)
    with pytest.raises(RuntimeError):
        write_batch(store, small_batch())
    assert is_empty(store)
    assert assessors_frame(store).empty


def partial_second_round(status):
    """Northvale's second round by NV-01, rating only five of the twelve dimensions."""
    return RecordBatch(
        assessments=(
            AssessmentRecord(
                "HS",
                "northvale",
                "scirocco-exchange",
                round=2,
                status=status,
                assessor="NV-01",
                ratings=full_ratings()[:5],
            ),
        )
    )


def test_submitted_assessment_must_rate_every_dimension(store):
    write_batch(store, small_batch())
    with pytest.raises(DataValidationError, match="must rate every dimension"):
        write_batch(store, partial_second_round("submitted"))


def test_draft_may_be_partial(store):
    write_batch(store, small_batch())
    write_batch(store, partial_second_round("draft"))
    assert len(ratings_frame(store, status="draft")) == 5


def test_newer_schema_is_refused_with_clear_message(tmp_path):
    path = str(tmp_path / "future.db")
    store = open_store(path)
    with store.transaction() as connection:
        connection.execute(text("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(SchemaVersionError, match=r"schema version 99.*Upgrade scirocco-lab"):
        open_store(path)


def test_opening_missing_store_without_create_fails_clearly(tmp_path):
    with pytest.raises(StoreError, match="store init"):
        open_store(str(tmp_path / "absent.db"), create=False)


def test_store_url_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "env.db"
    monkeypatch.setenv("SCIROCCO_LAB_STORE", str(path))
    store = open_store()
    assert store.url == f"sqlite:///{path}"
    assert path.exists()


def test_user_instrument_kept_in_store(store, tmp_path):
    mapping = EXCHANGE.to_mapping()
    mapping.update(id="my-adapted", title="Adapted", version="2")
    mapping["dimensions"] = mapping["dimensions"][:3]
    from scirocco_lab.instruments import instrument_from_mapping

    adapted = instrument_from_mapping(mapping)
    batch = small_batch()
    assessment = AssessmentRecord(
        "HS",
        "northvale",
        "my-adapted",
        assessor="NV-01",
        ratings=tuple(RatingRecord(k, level=2) for k in adapted.dimension_keys),
    )
    write_batch(
        store,
        RecordBatch(batch.subjects, batch.assessors, (assessment,)),
        instruments={"my-adapted": adapted},
    )
    assert resolve_instrument(store, "my-adapted").dimension_keys == adapted.dimension_keys


def test_ratings_come_in_the_instruments_dimension_order(store):
    # The query sorts by dimension key; every table built on it must still follow the
    # instrument (readiness_to_change first), never the alphabet (breadth_of_ambition first).
    write_batch(store, small_batch())
    assert ratings_frame(store)["dimension"].tolist() == list(EXCHANGE.dimension_keys)
