"""Planning records: knowledge-transfer programmes, asset catalogue, action plans, coaching.

Records and their rules are in :mod:`scirocco_lab.planning.records`; saving, loading and tidy
frames in :mod:`scirocco_lab.planning.store`; catalogue search in
:mod:`scirocco_lab.planning.catalogue`; the action-plan workbook in
:mod:`scirocco_lab.planning.export`. The public names of records and store are re-exported here.

>>> from scirocco_lab.planning import ACTIVITY_KINDS
>>> "study_visit" in ACTIVITY_KINDS
True
"""

from scirocco_lab.planning import records, store
from scirocco_lab.planning.records import *
from scirocco_lab.planning.store import *

__all__ = [*records.__all__, *store.__all__]
