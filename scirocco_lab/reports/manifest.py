"""reports/manifest.json: what each report in the output folder was built from, and when.

One entry per report (by its path under the output folder): title, group, kind, whether it
was built or failed (and why), when, its fingerprint, the store revision it was built from,
the tables it read with their digests (so a later build can say which data changed) and its
PDF. ``plan`` records the last build's store revision, code digest and options, so a rebuild
with nothing changed can answer without planning the batch again.

The file is read leniently (a damaged or old-format manifest is rebuilt from the next build)
and written atomically.

>>> Manifest().entries
{}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scirocco_lab.io.files import write_atomically

__all__ = [
    "MANIFEST_FILE",
    "MANIFEST_FORMAT",
    "Manifest",
    "read_manifest",
    "stale_reason",
    "write_manifest",
]

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 2


@dataclass(frozen=True)
class Manifest:
    """The manifest's content: ``entries`` by report path, and the last build's ``plan``."""

    entries: Mapping[str, dict] = field(default_factory=dict)
    plan: Mapping = field(default_factory=dict)


def read_manifest(out_dir: Path) -> Manifest:
    """The manifest of ``out_dir`` (empty when missing or unreadable)."""
    path = out_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if isinstance(data, list):  # format 1: a list of entries, no plan
        data = {"reports": data}
    if not isinstance(data, dict):
        return Manifest()
    entries = {}
    for entry in data.get("reports") or []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            entries[entry["path"]] = entry
    plan = data.get("plan") if data.get("format") == MANIFEST_FORMAT else None
    return Manifest(entries=entries, plan=plan if isinstance(plan, dict) else {})


def write_manifest(out_dir: Path, manifest: Manifest) -> Path:
    """Write ``manifest`` (entries sorted by group and title) atomically."""
    entries = sorted(
        manifest.entries.values(), key=lambda e: (e.get("group", ""), e.get("title", ""))
    )
    text = json.dumps(
        {"format": MANIFEST_FORMAT, "plan": dict(manifest.plan), "reports": entries},
        indent=2,
        ensure_ascii=False,
    )
    path = out_dir / MANIFEST_FILE
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return path


def stale_reason(entry: Mapping, current_inputs: Mapping[str, str] | None, code: str) -> str | None:
    """Why a built report no longer matches the store or the code (``None``: it matches).

    >>> entry = {"ok": True, "code": "c1", "inputs": {"ratings": "a", "subjects": "b"}}
    >>> stale_reason(entry, {"ratings": "a", "subjects": "b"}, "c1") is None
    True
    >>> stale_reason(entry, {"ratings": "z", "subjects": "b"}, "c1")
    'data changed since it was built: ratings'
    >>> stale_reason(entry, {"ratings": "a", "subjects": "b"}, "c2")
    'templates or package changed since it was built'
    """
    if not entry.get("ok"):
        return None
    if entry.get("code") != code:
        return "templates or package changed since it was built"
    built_inputs = entry.get("inputs")
    if current_inputs is None or not isinstance(built_inputs, dict):
        return None
    changed = sorted(t for t in current_inputs if built_inputs.get(t) != current_inputs[t])
    return f"data changed since it was built: {', '.join(changed)}" if changed else None
