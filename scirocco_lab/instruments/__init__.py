"""Instruments: maturity models as data.

An instrument is one YAML or JSON file (format described in ``docs/instruments.md``): its
dimensions, their levels and the labels of those levels. Nothing about the SCIROCCO model is
hard-coded in the analysis; every function takes an :class:`Instrument`.

Two instruments are bundled: ``scirocco-exchange`` (the default) and ``scirocco-v3``, plus the
cross-walk between them. Your own file (official wording, another language, an adapted
instrument) loads by path:

>>> from scirocco_lab.instruments import load_instrument
>>> exchange = load_instrument("scirocco-exchange")
>>> exchange.dimension("funding").name
'Funding'
>>> exchange.dimension("funding").level(5).display_label
'Secure multi-year budget or reimbursement open to all stakeholders'
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scirocco_lab.errors import InstrumentError, ProblemCollector
from scirocco_lab.io.strict_yaml import describe_yaml_error, load_json, load_yaml

__all__ = [
    "DEFAULT_INSTRUMENT",
    "INSTRUMENT_FORMAT",
    "INSTRUMENT_PATH_ENV",
    "NO_LABEL",
    "Crosswalk",
    "CrosswalkLink",
    "Dimension",
    "Instrument",
    "Level",
    "in_instrument_order",
    "instrument_from_mapping",
    "list_instruments",
    "load_crosswalk",
    "load_instrument",
]

DEFAULT_INSTRUMENT = "scirocco-exchange"
INSTRUMENT_FORMAT = "scirocco-lab/instrument@1"
CROSSWALK_FORMAT = "scirocco-lab/crosswalk@1"
#: Colon-separated folders searched for instrument files by id, after the bundled ones.
INSTRUMENT_PATH_ENV = "SCIROCCO_LAB_INSTRUMENT_PATH"
#: Shown for a level whose file carries no label: honest, never an invented text.
NO_LABEL = "(no summary label bundled)"

_LABEL_KINDS = ("summary", "official", "adapted")
_SUFFIXES = (".yaml", ".yml", ".json")


def _found(items: Sequence[Any], attribute: str, value: object, missing: str):
    """The first of ``items`` whose ``attribute`` is ``value``; none: ``InstrumentError``
    with the message ``missing``."""
    for item in items:
        if getattr(item, attribute) == value:
            return item
    raise InstrumentError(missing)


@dataclass(frozen=True)
class Level:
    """One level of a dimension's scale."""

    number: int
    label: str | None
    description: str | None = None

    @property
    def display_label(self) -> str:
        """The label, or an explicit note that the instrument file carries none."""
        return self.label if self.label else NO_LABEL


@dataclass(frozen=True)
class Dimension:
    """One dimension of an instrument, with its levels in scale order."""

    key: str
    number: int
    name: str
    objective: str
    levels: tuple[Level, ...]
    source: str | None = None

    def level(self, number: int) -> Level:
        """The level with this number (``InstrumentError`` if the scale has none)."""
        scale = f"{self.levels[0].number}..{self.levels[-1].number}"
        missing = f"dimension '{self.key}' has no level {number}; levels are {scale}"
        return _found(self.levels, "number", number, missing)


@dataclass(frozen=True)
class Instrument:
    """A maturity model loaded from an instrument file.

    ``language`` is the language the texts were resolved in; ``languages`` lists all the
    file offers.
    """

    id: str
    title: str
    version: str
    languages: tuple[str, ...]
    language: str
    scale_min: int
    scale_max: int
    label_kind: str
    dimensions: tuple[Dimension, ...]
    source: str = ""
    licence: str = ""
    notes: str = ""
    origin: str = ""

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        """Dimension keys in the instrument's order."""
        return tuple(dimension.key for dimension in self.dimensions)

    @property
    def dimension_names(self) -> dict[str, str]:
        """Mapping of dimension key to display name, in order."""
        return {dimension.key: dimension.name for dimension in self.dimensions}

    @property
    def level_numbers(self) -> tuple[int, ...]:
        """The valid levels of the scale, e.g. ``(0, 1, 2, 3, 4, 5)``."""
        return tuple(range(self.scale_min, self.scale_max + 1))

    def dimension(self, key: str) -> Dimension:
        """The dimension with this key; the error lists the keys that exist."""
        known = ", ".join(self.dimension_keys)
        missing = f"instrument '{self.id}' has no dimension '{key}'. Use one of: {known}"
        return _found(self.dimensions, "key", key, missing)

    def levels_table(self):
        """Tidy table of every level: one row per dimension x level.

        >>> load_instrument("scirocco-exchange").levels_table().columns.tolist()
        ['dimension', 'dimension_number', 'dimension_name', 'level', 'label', 'has_label']
        """
        import pandas as pd

        rows = [
            {
                "dimension": dimension.key,
                "dimension_number": dimension.number,
                "dimension_name": dimension.name,
                "level": level.number,
                "label": level.display_label,
                "has_label": level.label is not None,
            }
            for dimension in self.dimensions
            for level in dimension.levels
        ]
        return pd.DataFrame(rows)

    def to_mapping(self) -> dict[str, Any]:
        """The instrument as a plain mapping in the file format (resolved language only)."""
        return {
            "format": INSTRUMENT_FORMAT,
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "languages": [self.language],
            "scale": {"min": self.scale_min, "max": self.scale_max},
            "label_kind": self.label_kind,
            "source": self.source,
            "licence": self.licence,
            "notes": self.notes,
            "dimensions": [
                {
                    "key": dimension.key,
                    "number": dimension.number,
                    "name": dimension.name,
                    "objective": dimension.objective,
                    "source": dimension.source,
                    "levels": [
                        {"level": lv.number, "label": lv.label, "description": lv.description}
                        for lv in dimension.levels
                    ],
                }
                for dimension in self.dimensions
            ],
        }


@dataclass(frozen=True)
class CrosswalkLink:
    """Dimensions of one instrument that correspond to dimensions of another.

    ``relation`` is ``same``, ``renamed``, ``merged`` (several to one), ``split`` (one to
    several), ``new`` (no counterpart in the older instrument) or ``dropped`` (no counterpart
    in the newer one).
    """

    from_keys: tuple[str, ...]
    to_keys: tuple[str, ...]
    relation: str

    @property
    def comparable(self) -> bool:
        """True when both sides have at least one dimension."""
        return bool(self.from_keys) and bool(self.to_keys)


@dataclass(frozen=True)
class Crosswalk:
    """Correspondence between the dimensions of two instruments."""

    id: str
    from_instrument: str
    to_instrument: str
    basis: str
    notes: str
    links: tuple[CrosswalkLink, ...]

    def reversed(self) -> Crosswalk:
        """The same cross-walk read in the other direction."""
        flip = {"merged": "split", "split": "merged", "new": "dropped", "dropped": "new"}
        return Crosswalk(
            id=self.id,
            from_instrument=self.to_instrument,
            to_instrument=self.from_instrument,
            basis=self.basis,
            notes=self.notes,
            links=tuple(
                CrosswalkLink(link.to_keys, link.from_keys, flip.get(link.relation, link.relation))
                for link in self.links
            ),
        )

    def table(self):
        """Tidy table, one row per link: from/to keys joined by ' + ', relation, comparable."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "from_instrument": self.from_instrument,
                    "from_dimensions": " + ".join(link.from_keys),
                    "to_instrument": self.to_instrument,
                    "to_dimensions": " + ".join(link.to_keys),
                    "relation": link.relation,
                    "comparable": link.comparable,
                }
                for link in self.links
            ]
        )


# ---------------------------------------------------------------------------------------
# Loading


def in_instrument_order(
    frame: Any,
    instrument: Instrument,
    *,
    column: str = "dimension",
    by: tuple[str, ...] | list[str] = (),
) -> Any:
    """Rows of ``frame`` sorted by ``by``, then by the instrument's dimension order.

    Every table and figure lists dimensions as the instrument does, never alphabetically.
    Dimensions the instrument does not know keep their order of appearance after the known
    ones; the sort is stable, so rows of one dimension keep their order.

    >>> import pandas as pd
    >>> exchange = load_instrument("scirocco-exchange")
    >>> frame = pd.DataFrame({"dimension": ["funding", "readiness_to_change", "unknown"]})
    >>> in_instrument_order(frame, exchange)["dimension"].tolist()
    ['readiness_to_change', 'funding', 'unknown']
    """
    import pandas as pd

    if len(frame) == 0:
        return frame
    position = {key: index for index, key in enumerate(instrument.dimension_keys)}
    codes, _ = pd.factorize(frame[column], sort=False)
    # Unknown dimensions after the known ones, in their order of first appearance.
    order = [
        position.get(key, len(position) + code)
        for key, code in zip(frame[column], codes, strict=True)
    ]
    keyed = frame.assign(_instrument_order=order)
    return keyed.sort_values([*by, "_instrument_order"], kind="stable").drop(
        columns="_instrument_order"
    )


def _bundled_dir() -> Path:
    return Path(str(resources.files("scirocco_lab.instruments")))


def _search_dirs() -> list[Path]:
    dirs = [_bundled_dir()]
    extra = os.environ.get(INSTRUMENT_PATH_ENV, "")
    dirs.extend(Path(part) for part in extra.split(os.pathsep) if part.strip())
    return dirs


# Parsed files by (path, modification time, size): every report reads the same instrument
# files, and a process needs to parse each only once. Copies are handed out.
_parsed: dict[tuple[str, int, int], Any] = {}


def _read_file(path: Path) -> Any:
    try:
        status = path.stat()
    except OSError:
        status = None
    key = (str(path), status.st_mtime_ns, status.st_size) if status else None
    if key in _parsed:
        return copy.deepcopy(_parsed[key])
    data = _parse_file(path)
    if key is not None:
        _parsed[key] = copy.deepcopy(data)
    return data


def _parse_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(
            f"{path}: file not found. Give a bundled instrument id "
            f"({', '.join(_bundled_ids())}) or the path of an instrument file."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{path}: cannot read the file ({exc}). Save it as UTF-8.") from exc
    try:
        if path.suffix.lower() == ".json":
            return load_json(text)
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise InstrumentError(
            f"{path}: not valid YAML ({describe_yaml_error(exc)}). Fix the syntax (each key "
            "once per mapping); docs/instruments.md shows a complete example."
        ) from exc
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise InstrumentError(
            f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'} "
            f"({exc}). Fix the syntax; docs/instruments.md shows a complete example."
        ) from exc


def _instrument_files() -> dict[str, Path]:
    """Instrument id -> file, bundled first, then the folders in the environment variable."""
    found: dict[str, Path] = {}
    for folder in _search_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in _SUFFIXES:
                continue
            try:
                data = _read_file(path)
            except InstrumentError:
                continue  # a broken file elsewhere must not hide the good ones
            if isinstance(data, Mapping) and data.get("format") == INSTRUMENT_FORMAT:
                found.setdefault(str(data.get("id")), path)
    return found


def _bundled_ids() -> list[str]:
    folder = _bundled_dir()
    return sorted(p.stem for p in folder.glob("*.yaml"))


def list_instruments() -> list[dict[str, str]]:
    """Instruments available by id: the bundled ones and those on ``SCIROCCO_LAB_INSTRUMENT_PATH``.

    >>> [row["id"] for row in list_instruments()][:2]
    ['scirocco-exchange', 'scirocco-v3']
    """
    rows = []
    for instrument_id, path in _instrument_files().items():
        data = _read_file(path)
        rows.append(
            {
                "id": instrument_id,
                "title": str(data.get("title", "")),
                "version": str(data.get("version", "")),
                "dimensions": str(len(data.get("dimensions") or [])),
                "path": str(path),
            }
        )
    return rows


def _looks_like_path(ref: str | os.PathLike[str]) -> bool:
    text = os.fspath(ref)
    return text.lower().endswith(_SUFFIXES) or os.sep in text or "/" in text


def load_instrument(
    ref: str | os.PathLike[str] = DEFAULT_INSTRUMENT, *, language: str | None = None
) -> Instrument:
    """Load an instrument by bundled id or by the path of a YAML/JSON instrument file.

    ``language`` picks the language of names and labels when the file offers several
    (default: the file's first language). A text missing in that language falls back to
    the first language.

    >>> load_instrument("scirocco-v3").dimension_keys[2]
    'information_and_ehealth_services'
    >>> load_instrument("no-such-thing")
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.InstrumentError: unknown instrument 'no-such-thing'. ...
    """
    if isinstance(ref, os.PathLike) or _looks_like_path(ref):
        path = Path(ref)
    else:
        files = _instrument_files()
        if ref not in files:
            raise InstrumentError(
                f"unknown instrument '{ref}'. Known ids: {', '.join(sorted(files))}. "
                f"Give a file path, or add its folder to {INSTRUMENT_PATH_ENV}."
            )
        path = files[ref]
    return instrument_from_mapping(_read_file(path), origin=str(path), language=language)


class _Problems(ProblemCollector):
    """The shared collector for one instrument file: problems name the entry, and they are
    raised together as one :class:`InstrumentError`."""

    def __init__(self, origin: str, *, what: str = "instrument"):
        super().__init__()
        self.origin = origin
        self.what = what

    def add_entry(self, entry: str, message: str) -> None:
        self.add(self.origin, None, entry, None, message, "see docs/instruments.md")

    def raise_if_any(self) -> None:
        if self.items:
            listed = "\n".join(f"  - {p.field}: {p.message}" for p in self.items)
            raise InstrumentError(
                f"{self.origin}: malformed {self.what} file ({len(self.items)} problem(s)):\n"
                f"{listed}\nSee docs/instruments.md for the format."
            )


def _text(value: Any, language: str, first_language: str) -> str | None:
    """Resolve a plain string or a {language: text} mapping."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        chosen = value.get(language, value.get(first_language))
        return None if chosen is None else str(chosen)
    return str(value)


def instrument_from_mapping(
    data: Any, *, origin: str = "<instrument>", language: str | None = None
) -> Instrument:
    """Validate a parsed instrument file and build an :class:`Instrument`.

    Every problem is reported at once, naming the entry (e.g.
    ``dimensions[3] (funding).levels[2]``) and what is wrong.
    """
    problems = _Problems(origin)
    if not isinstance(data, Mapping):
        problems.add_entry("top level", "expected a mapping with id, title, dimensions, ...")
        problems.raise_if_any()
    if data.get("format") != INSTRUMENT_FORMAT:
        problems.add_entry(
            "format", f"expected '{INSTRUMENT_FORMAT}', found {data.get('format')!r}"
        )
    for field in ("id", "title", "version"):
        if not data.get(field) and data.get(field) != 0:
            problems.add_entry(
                field, "missing; every instrument needs an id, a title and a version"
            )
    languages = data.get("languages") or ["en"]
    if isinstance(languages, str):
        languages = [languages]
    if not all(isinstance(item, str) and item for item in languages):
        problems.add_entry("languages", "expected a list of language codes such as [en, nl]")
        languages = ["en"]
    chosen = language or languages[0]
    if chosen not in languages:
        problems.add_entry(
            "languages", f"language '{chosen}' not offered; the file has {languages}"
        )
    scale = data.get("scale") or {}
    scale_min, scale_max = scale.get("min"), scale.get("max")
    if not (isinstance(scale_min, int) and isinstance(scale_max, int) and scale_min < scale_max):
        problems.add_entry(
            "scale", "expected {min: <int>, max: <int>} with min < max, e.g. {min: 0, max: 5}"
        )
        scale_min, scale_max = 0, 5
    label_kind = data.get("label_kind", "summary")
    if label_kind not in _LABEL_KINDS:
        problems.add_entry("label_kind", f"expected one of {_LABEL_KINDS}, found {label_kind!r}")

    raw_dimensions = data.get("dimensions")
    dimensions: list[Dimension] = []
    if not isinstance(raw_dimensions, list) or not raw_dimensions:
        problems.add_entry("dimensions", "missing or empty; list at least one dimension")
        raw_dimensions = []
    seen_keys: set[str] = set()
    seen_numbers: set[int] = set()
    for index, raw in enumerate(raw_dimensions):
        entry = f"dimensions[{index}]"
        if not isinstance(raw, Mapping):
            problems.add_entry(
                entry, "expected a mapping with key, number, name, objective, levels"
            )
            continue
        key = raw.get("key")
        if key:
            entry += f" ({key})"
        if not isinstance(key, str) or not key.strip() or not key.replace("_", "").isalnum():
            problems.add_entry(
                entry, f"key {key!r} must be a word of letters, digits and underscores"
            )
        elif key in seen_keys:
            problems.add_entry(entry, f"key '{key}' appears twice; dimension keys must be unique")
        seen_keys.add(str(key))
        number = raw.get("number")
        if not isinstance(number, int):
            problems.add_entry(entry, f"number {number!r} must be a whole number")
        elif number in seen_numbers:
            problems.add_entry(entry, f"number {number} appears twice")
        else:
            seen_numbers.add(number)
        name = _text(raw.get("name"), chosen, languages[0])
        if not name:
            problems.add_entry(entry, "name is missing")
        objective = _text(raw.get("objective"), chosen, languages[0])
        if not objective:
            problems.add_entry(entry, "objective is missing; give a one-line objective")
        levels_by_number: dict[int, Level] = {}
        raw_levels = raw.get("levels") or []
        if not isinstance(raw_levels, list):
            problems.add_entry(
                f"{entry}.levels", "expected a list of {level: <int>, label: <text>}"
            )
            raw_levels = []
        for level_index, raw_level in enumerate(raw_levels):
            level_entry = f"{entry}.levels[{level_index}]"
            if not isinstance(raw_level, Mapping) or not isinstance(raw_level.get("level"), int):
                problems.add_entry(level_entry, "expected {level: <int>, label: <text or null>}")
                continue
            level_number = raw_level["level"]
            if not scale_min <= level_number <= scale_max:
                problems.add_entry(
                    level_entry,
                    f"level {level_number} is outside the scale {scale_min}..{scale_max}",
                )
                continue
            if level_number in levels_by_number:
                problems.add_entry(level_entry, f"level {level_number} appears twice")
                continue
            levels_by_number[level_number] = Level(
                number=level_number,
                label=_text(raw_level.get("label"), chosen, languages[0]),
                description=_text(raw_level.get("description"), chosen, languages[0]),
            )
        # A level the file does not list is part of the scale but carries no label.
        levels = tuple(
            levels_by_number.get(n, Level(number=n, label=None))
            for n in range(scale_min, scale_max + 1)
        )
        dimensions.append(
            Dimension(
                key=str(key),
                number=number if isinstance(number, int) else index + 1,
                name=name or "",
                objective=objective or "",
                levels=levels,
                source=_text(raw.get("source"), chosen, languages[0]),
            )
        )
    problems.raise_if_any()
    return Instrument(
        id=str(data["id"]),
        title=_text(data["title"], chosen, languages[0]) or "",
        version=str(data["version"]),
        languages=tuple(languages),
        language=chosen,
        scale_min=scale_min,
        scale_max=scale_max,
        label_kind=label_kind,
        dimensions=tuple(sorted(dimensions, key=lambda d: d.number)),
        source=_text(data.get("source"), chosen, languages[0]) or "",
        licence=_text(data.get("licence"), chosen, languages[0]) or "",
        notes=_text(data.get("notes"), chosen, languages[0]) or "",
        origin=origin,
    )


_RELATIONS = ("same", "renamed", "merged", "split", "new", "dropped")


def _instrument_id(value: object, name: str) -> str:
    """An instrument id from an id or an Instrument; a short message for anything else."""
    if isinstance(value, Instrument):
        return value.id
    if isinstance(value, str) and value.strip():
        return value
    raise InstrumentError(
        f"{name} must be an instrument id such as 'scirocco-v3' (or an Instrument), "
        f"got {type(value).__name__}. Fix: pass e.g. {name}='scirocco-v3'."
    )


def load_crosswalk(
    from_instrument: str | Instrument | os.PathLike[str],
    to_instrument: str | Instrument | None = None,
) -> Crosswalk:
    """A cross-walk: the bundled one between two instruments, or a user file by path.

    ``load_crosswalk("scirocco-v3", "scirocco-exchange")`` finds the bundled file and reads
    it in the direction asked for (instruments may be given as ids or :class:`Instrument`).
    ``load_crosswalk("my-walk.yaml")`` (a path, like a user instrument) reads and validates a
    file: its format, both instrument ids, each link's relation and every dimension key
    against the two instruments (when they can be loaded). All problems are listed at once.
    With a path and ``to_instrument``, the file is read in that direction.

    >>> walk = load_crosswalk("scirocco-v3", "scirocco-exchange")
    >>> [link.to_keys for link in walk.links if link.relation == "new"]
    [('process_coordination',)]
    >>> load_crosswalk(3, "scirocco-exchange")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.InstrumentError: from_instrument must be an instrument id ... got int. ...
    """
    if isinstance(from_instrument, os.PathLike) or (
        isinstance(from_instrument, str) and _looks_like_path(from_instrument)
    ):
        path = Path(from_instrument)
        if not path.is_file():
            raise InstrumentError(
                f"{path}: cross-walk file not found. Give the path of a cross-walk file "
                "(format scirocco-lab/crosswalk@1, docs/instruments.md) or two instrument ids."
            )
        walk = _crosswalk_from_mapping(_read_file(path), str(path), check_keys=True)
        if to_instrument is None:
            return walk
        wanted = _instrument_id(to_instrument, "to_instrument")
        if walk.to_instrument == wanted:
            return walk
        if walk.from_instrument == wanted:
            return walk.reversed()
        raise InstrumentError(
            f"{path}: this cross-walk maps {walk.from_instrument} to {walk.to_instrument}, "
            f"not to {wanted}."
        )
    source = _instrument_id(from_instrument, "from_instrument")
    if to_instrument is None:
        raise InstrumentError(
            f"load_crosswalk('{source}') needs the other instrument too, or a file path. "
            "Fix: load_crosswalk('scirocco-v3', 'scirocco-exchange') or "
            "load_crosswalk('path/to/walk.yaml')."
        )
    target = _instrument_id(to_instrument, "to_instrument")
    folder = _bundled_dir() / "crosswalks"
    for path in sorted(folder.glob("*.yaml")):
        data = _read_file(path)
        pair = (data.get("from_instrument"), data.get("to_instrument"))
        if pair == (source, target):
            return _crosswalk_from_mapping(data, str(path))
        if pair == (target, source):
            return _crosswalk_from_mapping(data, str(path)).reversed()
    raise InstrumentError(
        f"no cross-walk between '{source}' and '{target}' is bundled; "
        "profiles of different instruments can only be compared through one. "
        "Give your own with load_crosswalk('path/to/walk.yaml') (docs/instruments.md)."
    )


def _crosswalk_from_mapping(data: Any, origin: str, *, check_keys: bool = False) -> Crosswalk:
    problems = _Problems(origin, what="cross-walk")
    if not isinstance(data, Mapping):
        problems.add_entry("file", f"expected a mapping of fields, found {type(data).__name__}")
        problems.raise_if_any()
    if data.get("format") != CROSSWALK_FORMAT:
        problems.add_entry("format", f"expected '{CROSSWALK_FORMAT}', found {data.get('format')!r}")
    instruments: dict[str, Instrument | None] = {}
    for side in ("from_instrument", "to_instrument"):
        value = data.get(side)
        if not isinstance(value, str) or not value.strip():
            problems.add_entry(side, f"needs an instrument id, found {value!r}")
            instruments[side] = None
        elif check_keys:
            try:
                instruments[side] = load_instrument(value)
            except InstrumentError:
                problems.add_entry(side, f"unknown instrument '{value}'")
                instruments[side] = None
    raw_links = data.get("links")
    if not isinstance(raw_links, list) or not raw_links:
        problems.add_entry(
            "links", "needs a list of links ({from: [...], to: [...], relation: ...})"
        )
        raw_links = []
    links = []
    for index, raw in enumerate(raw_links):
        if not isinstance(raw, Mapping):
            problems.add_entry(f"links[{index}]", f"expected a mapping, found {raw!r}")
            continue
        relation = raw.get("relation")
        if relation not in _RELATIONS:
            problems.add_entry(
                f"links[{index}]", f"relation {relation!r} is not one of {_RELATIONS}"
            )
            continue
        keys = {}
        for side, instrument_side in (("from", "from_instrument"), ("to", "to_instrument")):
            value = raw.get(side) or []
            if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
                problems.add_entry(
                    f"links[{index}].{side}", f"expected a list of keys, found {value!r}"
                )
                value = []
            known = instruments.get(instrument_side)
            for key in value:
                if known is not None and key not in known.dimension_keys:
                    problems.add_entry(
                        f"links[{index}].{side}",
                        f"'{key}' is not a dimension of {known.id} "
                        f"(use one of: {', '.join(known.dimension_keys)})",
                    )
            keys[side] = tuple(value)
        links.append(CrosswalkLink(keys["from"], keys["to"], relation))
    problems.raise_if_any()
    return Crosswalk(
        id=str(data.get("id")),
        from_instrument=str(data["from_instrument"]),
        to_instrument=str(data["to_instrument"]),
        basis=str(data.get("basis", "")),
        notes=str(data.get("notes", "")),
        links=tuple(links),
    )
