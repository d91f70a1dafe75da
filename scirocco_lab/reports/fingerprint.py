"""What a report was built from: store revisions, data digests and report fingerprints.

An incremental build rebuilds a report only when its *fingerprint* changed: a digest of its
template (the notebook and the HTML template), the package version, its parameters and the
store data it reads. The data part uses what its report kind declares in the registry:
``reads`` names the tables, and ``subject_parameters`` / ``reads_assessment_kinds`` name the
subjects whose assessment data it shows. Assessment tables (:data:`SUBJECT_TABLES`) are then
digested per subject, so a new assessment of one region changes only the fingerprints of the
reports that show that region; every other table is digested whole (never stale, sometimes
rebuilt when a narrower digest would not have been).

The *store revision* is one digest of every table: equal revisions mean equal data.

>>> digest_rows([(1, "a"), (2, "b")]) == digest_rows([(1, "a"), (2, "b")])
True
>>> digest_rows([(1, "a")]) == digest_rows([(1, "b")])
False
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Table, select

from scirocco_lab.errors import ConfigurationError

__all__ = [
    "FINGERPRINT_FORMAT",
    "SUBJECT_TABLES",
    "StoreSnapshot",
    "digest_rows",
    "file_digest",
    "report_fingerprint",
    "store_snapshot",
]

# Bump when what goes into a fingerprint changes, so old manifests rebuild once.
FINGERPRINT_FORMAT = 1

# Tables digested per subject (the subject key their rows belong to).
SUBJECT_TABLES = ("assessments", "ratings", "assessors", "twinning_features")

EMPTY = hashlib.blake2b(b"", digest_size=16).hexdigest()


def digest_rows(rows: Iterable[Sequence]) -> str:
    """A digest of rows (in the order given)."""
    hasher = hashlib.blake2b(digest_size=16)
    for row in rows:
        hasher.update(repr(tuple(row)).encode("utf-8"))
        hasher.update(b"\n")
    return hasher.hexdigest()


def file_digest(*paths: Path) -> str:
    """A digest of files' contents (a folder: every file under it, by relative path)."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            hasher.update(file.name.encode("utf-8"))
            hasher.update(file.read_bytes())
    return hasher.hexdigest()


@dataclass(frozen=True)
class StoreSnapshot:
    """Digests of a store's data at one moment: per table, and per subject for the
    assessment tables; ``assessment_kinds`` lists the subjects with assessments of each kind
    (HS, GP)."""

    tables: Mapping[str, str]
    by_subject: Mapping[str, Mapping[str, str]]
    assessment_kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def revision(self) -> str:
        """One digest of every table: the data revision reports are built from."""
        return digest_rows(sorted(self.tables.items()))[:12]

    def inputs(self, reads: Sequence[str], subjects: Iterable[str] | None) -> dict[str, str]:
        """Per table in ``reads``, the digest of what a report reads from it: the assessment
        tables narrowed to ``subjects`` (``None``: every subject), other tables whole."""
        unknown = sorted(set(reads) - set(self.tables))
        if unknown:
            raise ConfigurationError(
                f"a report kind reads unknown table(s) {', '.join(unknown)}; the store has "
                f"{', '.join(sorted(self.tables))}. Fix its `reads` in the registry."
            )
        chosen = None if subjects is None else sorted(set(subjects))
        found = {}
        for table in sorted(set(reads)):
            if chosen is not None and table in self.by_subject:
                digests = self.by_subject[table]
                found[table] = digest_rows([key, digests.get(key, EMPTY)] for key in chosen)
            else:
                found[table] = self.tables[table]
        return found


def _ordered(table: Table):
    return select(table).order_by(*(table.primary_key.columns or table.columns))


def _by_subject(connection, statement) -> dict[str, str]:
    """Digests of the rows of ``statement`` (subject key first) grouped by subject key."""
    hashers: dict[str, hashlib.blake2b] = {}
    for row in connection.execute(statement):
        key, *rest = row
        hasher = hashers.get(key)
        if hasher is None:
            hasher = hashers[key] = hashlib.blake2b(digest_size=16)
        hasher.update(repr(tuple(rest)).encode("utf-8"))
        hasher.update(b"\n")
    return {key: hasher.hexdigest() for key, hasher in hashers.items()}


def store_snapshot(store) -> StoreSnapshot:
    """Digest every table of ``store`` (one pass per table, plus one per assessment table
    grouped by subject)."""
    from scirocco_lab.store import schema

    schema.register_tables()
    tables = schema.metadata.tables
    subjects, assessments = tables["subjects"], tables["assessments"]
    ratings, assessors = tables["ratings"], tables["assessors"]
    features = tables["twinning_features"]
    key = subjects.c.key.label("subject_key")
    of_subject = assessments.join(subjects, assessments.c.subject_id == subjects.c.id)
    with store.engine.connect() as connection:
        table_digests = {
            name: digest_rows(connection.execute(_ordered(table)))
            for name, table in sorted(tables.items())
        }
        by_subject = {
            "assessments": _by_subject(
                connection,
                select(key, assessments).select_from(of_subject).order_by(key, assessments.c.id),
            ),
            "ratings": _by_subject(
                connection,
                select(key, ratings)
                .select_from(
                    ratings.join(assessments, ratings.c.assessment_id == assessments.c.id).join(
                        subjects, assessments.c.subject_id == subjects.c.id
                    )
                )
                .order_by(key, ratings.c.assessment_id, ratings.c.dimension_key),
            ),
            # The pseudonyms and roles of the assessors who rated the subject.
            "assessors": _by_subject(
                connection,
                select(key, assessors)
                .select_from(
                    of_subject.join(assessors, assessments.c.assessor_id == assessors.c.id)
                )
                .distinct()
                .order_by(key, assessors.c.id),
            ),
            # Features agreed in a meeting belong to the receiving region's assessment.
            "twinning_features": _by_subject(
                connection,
                select(key, features)
                .select_from(
                    features.join(
                        assessments, features.c.receiving_assessment == assessments.c.natural_key
                    ).join(subjects, assessments.c.subject_id == subjects.c.id)
                )
                .order_by(key, features.c.id),
            ),
        }
        kinds: dict[str, list[str]] = {}
        for kind, subject_key in connection.execute(
            select(assessments.c.kind, subjects.c.key)
            .select_from(of_subject)
            .distinct()
            .order_by(assessments.c.kind, subjects.c.key)
        ):
            kinds.setdefault(kind, []).append(subject_key)
    return StoreSnapshot(
        tables=table_digests,
        by_subject=by_subject,
        assessment_kinds={kind: tuple(keys) for kind, keys in kinds.items()},
    )


def report_fingerprint(
    *,
    template: str,
    version: str,
    parameters: Mapping,
    data: Mapping[str, str] | None,
) -> str:
    """The fingerprint of one report: equal fingerprints mean the same report would come out.

    >>> data = {"ratings": "d1"}
    >>> a = report_fingerprint(template="t1", version="0.1", parameters={"r": "x"}, data=data)
    >>> a == report_fingerprint(template="t1", version="0.1", parameters={"r": "x"}, data=data)
    True
    >>> a == report_fingerprint(template="t1", version="0.1", parameters={"r": "y"}, data=data)
    False
    """
    payload = json.dumps(
        [FINGERPRINT_FORMAT, template, version, dict(parameters), dict(data or {})],
        sort_keys=True,
        default=str,
    )
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()
