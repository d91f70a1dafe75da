"""REFI-QDA exchange: read and write .qdpx projects and .qdc codebooks, and map them to the store.

Two layers, one module per job (no module imports another's private names):

* :mod:`.model` (data classes), :mod:`.schema` (schemas, safe XML parsing), :mod:`.read`
  and :mod:`.write` (files), :mod:`.to_store` (file -> store), :mod:`.from_store`
  (store -> file).

The layers:

* The **file layer** (:func:`read_qdpx`, :func:`read_qdc`, :func:`write_qdpx`,
  :func:`write_qdc`) parses a file into frozen dataclasses (:class:`QdaProject`,
  :class:`QdaCodebook`) and writes them back, independent of the store. Every file read and
  every file written is validated against the REFI-QDA schema; anything the workbench does not
  use (variables, cases, notes, links, graphs, non-text sources and their files, note
  references, extra attributes, ...) is kept verbatim as XML fragments so it survives a round
  trip.
* The **store layer** (:func:`import_qdpx`, :func:`export_qdpx`, :func:`import_qdc`,
  :func:`export_qdc`) maps those objects to the evaluation store (sources, codebook, coders,
  coded segments) and keeps the verbatim parts in the ``qda_*`` tables.

>>> project = read_qdpx("tests/data/refi-qda/atlas-small-project.qdpx")
>>> [code.name for code in project.codes]
['Commits']
"""

from __future__ import annotations

from scirocco_lab.evaluation.refi_qda import from_store, model, read, schema, to_store, write
from scirocco_lab.evaluation.refi_qda.from_store import *
from scirocco_lab.evaluation.refi_qda.model import *
from scirocco_lab.evaluation.refi_qda.read import *
from scirocco_lab.evaluation.refi_qda.schema import *
from scirocco_lab.evaluation.refi_qda.to_store import *
from scirocco_lab.evaluation.refi_qda.write import *

__all__ = [
    *from_store.__all__,
    *model.__all__,
    *read.__all__,
    *schema.__all__,
    *to_store.__all__,
    *write.__all__,
]
