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

from scirocco_lab.evaluation.refi_qda.from_store import (
    export_qdc,
    export_qdpx,
    project_from_store,
)
from scirocco_lab.evaluation.refi_qda.model import (
    CATEGORY_SET_PREFIX,
    CODEBOOK_NAMESPACE,
    DIMENSION_SET_PREFIX,
    PROJECT_NAMESPACE,
    VARIABLE_PREFIX,
    QdaCode,
    QdaCodebook,
    QdaCoding,
    QdaExportSummary,
    QdaFile,
    QdaImportSummary,
    QdaKeptSource,
    QdaPart,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaTextSource,
    QdaUser,
    guid_key,
    iter_codes,
    new_guid,
)
from scirocco_lab.evaluation.refi_qda.read import (
    read_qdc,
    read_qdpx,
)
from scirocco_lab.evaluation.refi_qda.schema import (
    canonical_xml,
    codebook_schema,
    project_schema,
)
from scirocco_lab.evaluation.refi_qda.to_store import (
    import_qdc,
    import_qdpx,
)
from scirocco_lab.evaluation.refi_qda.write import (
    write_qdc,
    write_qdpx,
)

__all__ = [
    "CATEGORY_SET_PREFIX",
    "CODEBOOK_NAMESPACE",
    "DIMENSION_SET_PREFIX",
    "PROJECT_NAMESPACE",
    "VARIABLE_PREFIX",
    "QdaCode",
    "QdaCodebook",
    "QdaCoding",
    "QdaExportSummary",
    "QdaFile",
    "QdaImportSummary",
    "QdaKeptSource",
    "QdaPart",
    "QdaProject",
    "QdaSelection",
    "QdaSet",
    "QdaTextSource",
    "QdaUser",
    "canonical_xml",
    "codebook_schema",
    "export_qdc",
    "export_qdpx",
    "guid_key",
    "import_qdc",
    "import_qdpx",
    "iter_codes",
    "new_guid",
    "project_from_store",
    "project_schema",
    "read_qdc",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]
