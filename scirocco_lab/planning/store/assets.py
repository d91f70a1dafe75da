"""Saving and searching the capacity-building asset catalogue.

>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> str(save_assets(store, [AssetRecord("guide-1", "guideline", "Pooled budgets")]))
"assets 'guide-1' saved (1 assets)"
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from scirocco_lab.errors import DataValidationError, InputProblem
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.planning import tables
from scirocco_lab.planning.records import (
    AssetRecord,
    DuplicatePlanningRecordError,
    validate_assets,
)
from scirocco_lab.planning.store.common import (
    SaveSummary,
    insert_or_update,
    json_list,
    key_ids,
    planning_context_of,
    record_saver,
    region_ids,
)

__all__ = ["save_asset", "save_asset_in", "save_assets", "save_assets_in"]


# ---------------------------------------------------------------------------------------
# Assets


def save_assets_in(
    connection: Connection, assets: Iterable[AssetRecord], chosen: Instrument, *, replace: bool
) -> SaveSummary:
    assets = tuple(assets)
    context = planning_context_of(connection, chosen)
    problems = validate_assets(assets, context)
    stored = key_ids(connection, tables.planning_assets)
    clashes = [asset.key for asset in assets if asset.key in stored]
    if clashes and not replace:
        problems = [
            InputProblem(
                "asset catalogue",
                row,
                "asset",
                asset.key,
                "an asset with this key is already in the catalogue",
                "choose another key, or save with replace=True to overwrite it",
            )
            for row, asset in enumerate(assets, start=1)
            if asset.key in stored
        ] + problems
        if len(problems) == len(clashes):
            raise DuplicatePlanningRecordError(problems)
    if problems:
        raise DataValidationError(problems)
    regions = region_ids(connection)
    now = utc_now()
    for asset in assets:
        insert_or_update(
            connection,
            tables.planning_assets,
            asset.key,
            stored.get(asset.key),
            {
                "kind": asset.kind,
                "title": asset.title,
                "description": asset.description,
                "dimensions": json_list(asset.dimensions),
                "languages": json_list(asset.languages),
                "region_id": regions.get(asset.region) if asset.region else None,
                "url": asset.url,
                "synthetic": asset.synthetic,
                "updated_at": now,
            },
        )
    keys = ", ".join(asset.key for asset in assets[:3]) + (", ..." if len(assets) > 3 else "")
    return SaveSummary("assets", keys, bool(clashes), (("assets", len(assets)),))


save_assets = record_saver(
    save_assets_in,
    "planning_assets",
    """Add catalogue assets (all or none). A key already stored is an error unless
    ``replace``, which updates the stored asset in place (programmes that selected it keep
    it).""",
)


def save_asset_in(
    connection: Connection, asset: AssetRecord, chosen: Instrument, *, replace: bool
) -> SaveSummary:
    return save_assets_in(connection, (asset,), chosen, replace=replace)


save_asset = record_saver(
    save_asset_in,
    "planning_assets",
    "Add one catalogue asset; see :func:`save_assets`.",
)
