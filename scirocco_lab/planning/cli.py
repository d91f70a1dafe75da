"""`scirocco-lab plan ...` and `scirocco-lab assets ...` commands.

- ``plan list``: knowledge-transfer programmes, coaching programmes and action plans.
- ``plan actions``: the actions of one plan, or of every plan (of a region).
- ``plan export PLAN --out FILE``: an action plan as a formatted .xlsx workbook or a .csv.
- ``assets search [TEXT]``: the capacity-building asset catalogue, filtered.

Output follows the other commands (``--format table|csv|json``); an unknown plan, region,
dimension or kind is an error (exit status 2) that lists what exists.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scirocco_lab.cli.output import add_format, add_group, add_raw_values, print_frame

__all__ = ["register"]

_LIST_COLUMNS = [
    "record", "key", "title", "region", "partner", "start", "end", "status", "items",
    "synthetic",
]  # fmt: skip


def _joined(frame, fmt: str):
    """Tuples as "a; b" cells for tables and CSV (JSON keeps them as lists)."""
    if fmt == "json":
        return frame
    return frame.assign(
        **{
            column: [("; ".join(map(str, v)) if isinstance(v, tuple) else v) for v in frame[column]]
            for column in frame.columns
            if frame[column].map(lambda v: isinstance(v, tuple)).any()
        }
    )


def _dates_as_text(frame):
    import datetime as dt

    return frame.assign(
        **{
            column: [v.isoformat() if isinstance(v, dt.date) else v for v in frame[column]]
            for column in frame.columns
            if frame[column].map(lambda v: isinstance(v, dt.date)).any()
        }
    )


def _show(frame, fmt: str, empty: str) -> None:

    if frame.empty and fmt == "table":
        print(empty)
        return
    shown = _dates_as_text(_joined(frame, fmt))
    if fmt == "table":  # blank, not NaN, where there is nothing
        shown = shown.astype(object).where(shown.notna(), "")
    print_frame(shown, fmt)


def _check_region(store, region: str | None) -> None:
    if region is not None:
        from scirocco_lab.store import get_subject

        get_subject(store, region)  # NotFoundError lists the keys


_NO_PLANS = (
    "no programmes or action plans in the store yet; capture them in the planning notebooks "
    "or run `scirocco-lab demo seed` for synthetic examples"
)


def _listed(
    frame,
    record: str,
    *,
    key: str,
    items,
    region: str = "region",
    partner: str | None = None,
    status: str | None = "status",
) -> list[dict]:
    """The `plan list` rows of one kind of record: ``key``, ``region``, ``partner`` and
    ``status`` name the frame's columns for them (None: left empty); ``items(row)`` counts
    what the record holds."""
    return [
        {
            "record": record,
            "key": getattr(row, key),
            "title": row.title,
            "region": getattr(row, region),
            "partner": None if partner is None else getattr(row, partner),
            "start": row.start,
            "end": row.end,
            "status": None if status is None else getattr(row, status),
            "items": items(row),
            "synthetic": row.synthetic,
        }
        for row in frame.itertuples()
    ]


def _cmd_plan_list(args) -> int:
    import pandas as pd

    from scirocco_lab.planning import store as planning
    from scirocco_lab.store import open_store

    store = open_store(args.store, create=False)
    _check_region(store, args.region)
    programmes = planning.programmes_frame(store, region=args.region)
    activities = planning.activities_frame(store, region=args.region)
    coaching = planning.coaching_programmes_frame(store, region=args.region)
    sessions = planning.sessions_frame(store)
    plans = planning.action_plans_frame(store, region=args.region)
    activity_counts = activities.groupby("programme").size() if len(activities) else {}
    session_counts = sessions.groupby("programme").size() if len(sessions) else {}
    rows = [
        *_listed(
            programmes,
            "knowledge-transfer programme",
            key="programme",
            region="receiving_region",
            partner="transferring_region",
            items=lambda row: f"{int(activity_counts.get(row.programme, 0))} activities",
        ),
        *_listed(
            coaching,
            "coaching programme",
            key="programme",
            items=lambda row: f"{int(session_counts.get(row.programme, 0))} sessions",
        ),
        *_listed(
            plans,
            "action plan",
            key="plan",
            partner="programme",
            status=None,
            items=lambda row: f"{row.actions} actions",
        ),
    ]
    frame = pd.DataFrame(rows, columns=_LIST_COLUMNS)
    _show(frame, args.format, _NO_PLANS)
    return 0


def _known_plan(store, plan: str) -> None:
    from scirocco_lab.errors import NotFoundError
    from scirocco_lab.planning.store import action_plans_frame

    known = action_plans_frame(store)["plan"].tolist()
    if plan not in known:
        raise NotFoundError(
            f"no action plan '{plan}' in the store. Known plans: {', '.join(known) or 'none yet'}"
            ". See `scirocco-lab plan list`."
        )


def _cmd_plan_actions(args) -> int:
    from scirocco_lab.planning.store import actions_frame
    from scirocco_lab.store import open_store

    store = open_store(args.store, create=False)
    if args.plan is not None:
        _known_plan(store, args.plan)
    _check_region(store, args.region)
    frame = actions_frame(store, plan=args.plan, region=args.region)
    _show(frame, args.format, "no actions found")
    return 0


def _cmd_plan_export(args) -> int:
    from scirocco_lab.planning.export import write_action_plan
    from scirocco_lab.planning.store import actions_frame
    from scirocco_lab.store import open_store, resolve_instrument

    store = open_store(args.store, create=False)
    _known_plan(store, args.plan)
    actions = actions_frame(store, plan=args.plan)
    names = resolve_instrument(store, args.instrument).dimension_names
    path = write_action_plan(actions, args.out, dimension_names=names, raw_values=args.raw_values)
    print(f"wrote {len(actions)} action(s) of plan '{args.plan}' to {path}")
    if len(actions) and bool(actions["synthetic"].any()):
        print("note: the plan is synthetic demo data; the file says so")
    return 0


def _cmd_assets_search(args) -> int:
    from scirocco_lab.errors import ConfigurationError
    from scirocco_lab.planning.catalogue import search_assets
    from scirocco_lab.planning.store import assets_frame
    from scirocco_lab.store import open_store, resolve_instrument

    store = open_store(args.store, create=False)
    if args.dimension:
        keys = resolve_instrument(store, args.instrument).dimension_keys
        unknown = [d for d in args.dimension if d not in keys]
        if unknown:
            raise ConfigurationError(
                f"unknown dimension {', '.join(unknown)} of instrument '{args.instrument}'. "
                f"Use one of: {', '.join(keys)}"
            )
    _check_region(store, args.region)
    found = search_assets(
        assets_frame(store),
        text=" ".join(args.text) or None,
        dimension=args.dimension or None,
        kind=args.kind or None,
        language=args.language,
        region=args.region,
    )
    _show(found, args.format, "no assets match; try fewer words or filters")
    return 0


def register(commands) -> None:
    """Add the ``plan`` and ``assets`` commands to the top-level sub-parsers."""
    from scirocco_lab.planning.records import ASSET_KINDS

    plan_commands = add_group(
        commands, "plan", help="knowledge-transfer programmes, coaching programmes and action plans"
    )

    listing = plan_commands.add_parser("list", help="programmes and action plans in the store")
    listing.add_argument("--region", default=None, help="only those this region takes part in")
    add_format(listing)
    listing.set_defaults(handler=_cmd_plan_list)

    actions = plan_commands.add_parser("actions", help="actions of the action plans")
    actions.add_argument("--plan", default=None, help="one action plan (key)")
    actions.add_argument("--region", default=None, help="only this region's plans")
    add_format(actions)
    actions.set_defaults(handler=_cmd_plan_actions)

    export = plan_commands.add_parser(
        "export",
        help="write an action plan to a formatted Excel workbook or CSV",
        description="Write an action plan to FILE.xlsx (title, header, colours, summary "
        "sheet) or FILE.csv (one row per action; data_note marks synthetic rows).",
    )
    export.add_argument("plan", help="key of the action plan (see `scirocco-lab plan list`)")
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help=".xlsx or .csv")
    export.add_argument("--instrument", default="scirocco-exchange", help="for the dimension names")
    add_raw_values(export)
    export.set_defaults(handler=_cmd_plan_export)

    asset_commands = add_group(commands, "assets", help="the capacity-building asset catalogue")
    search = asset_commands.add_parser(
        "search",
        help="find tools, guidelines, good practices, trainings and experts",
        description="Every word of TEXT must occur in an asset's title, description or kind; "
        "the options filter further.",
    )
    search.add_argument("text", nargs="*", help="words to look for (case-insensitive)")
    search.add_argument(
        "--dimension",
        action="append",
        default=None,
        metavar="KEY",
        help="dimension key (repeat for any of several)",
    )
    search.add_argument("--kind", action="append", choices=ASSET_KINDS, default=None)
    search.add_argument("--language", default=None, help="language code, e.g. en")
    search.add_argument("--region", default=None, help="owner region key")
    search.add_argument("--instrument", default="scirocco-exchange", help=argparse.SUPPRESS)
    add_format(search)
    search.set_defaults(handler=_cmd_assets_search)
