"""Saving, loading and reading planning records in the store (one module per record kind).

Every save validates the whole record against the store first (regions, dimension keys of
the instrument, catalogue assets, coaches and teams, dates, study-visit limits, duplicates)
and then writes it in one transaction: on any problem it raises
:class:`~scirocco_lab.errors.DataValidationError` listing every problem and writes nothing.
A key already in the store is refused with
:class:`~scirocco_lab.planning.records.DuplicatePlanningRecordError` unless ``replace=True``,
which replaces the record wholesale (its parts: activities, milestones, actions, coaches,
teams, assignments, sessions) while keeping links to it (an action plan's programme, a
programme's assets) intact.

Reads are tidy frames, one row per record, each with a ``synthetic`` column. Dates are
``datetime.date`` objects (object dtype), never Timestamps; keys of dimensions, languages,
assets and stakeholders are tuples. People appear by pseudonym only; ``full_name`` and
``email`` are added only by ``include_identities=True``.

>>> import datetime as dt
>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> actions_frame(store).columns[:4].tolist()
['plan', 'plan_title', 'region', 'position']
"""

from scirocco_lab.planning.store import (
    action_plans,
    assets,
    batches,
    coaching,
    common,
    frames,
    programmes,
)
from scirocco_lab.planning.store.action_plans import *
from scirocco_lab.planning.store.assets import *
from scirocco_lab.planning.store.batches import *
from scirocco_lab.planning.store.coaching import *
from scirocco_lab.planning.store.common import *
from scirocco_lab.planning.store.frames import *
from scirocco_lab.planning.store.programmes import *

__all__ = [
    *action_plans.__all__,
    *assets.__all__,
    *batches.__all__,
    *coaching.__all__,
    *common.__all__,
    *frames.__all__,
    *programmes.__all__,
]
