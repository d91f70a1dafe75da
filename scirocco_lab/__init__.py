"""scirocco-lab: a research workbench for SCIROCCO maturity assessments of integrated care.

The public API, in the order a session usually needs it:

- instruments: :func:`load_instrument`, :func:`list_instruments`, :func:`load_crosswalk`
- the store: :func:`open_store`, :func:`write_batch`, :func:`ratings_frame`,
  :func:`subjects_frame`, :func:`assessors_frame`
- files: :func:`import_ratings`, :func:`export_ratings`, :func:`read_ratings_file`
- demo data: :func:`generate_demo`
- scoring: :func:`region_profile`, :func:`individual_profile`, :func:`consensus_profile`,
  :func:`strengths_and_weaknesses`
- plots: :func:`radar_chart`
- errors: :class:`SciroccoLabError` and its subclasses in :mod:`scirocco_lab.errors`

Gaps and twinning live in :mod:`scirocco_lab.comparison.gaps` and
:mod:`scirocco_lab.comparison.twinning`; planning records (knowledge-transfer programmes, assets,
action plans, coaching) in :mod:`scirocco_lab.planning`; evaluation data (transcripts,
questionnaires, codebook, coded segments, their analysis and REFI-QDA exchange) in
:mod:`scirocco_lab.evaluation`; notebook widgets in :mod:`scirocco_lab.capture`.

>>> import scirocco_lab as sl
>>> store = sl.open_store("sqlite://")
>>> summary = sl.write_batch(store, sl.generate_demo())
>>> profile = sl.region_profile(sl.ratings_frame(store), sl.load_instrument(), "northvale")
>>> profile.shape[0]
12
"""

from scirocco_lab.assessment.demo import DEMO_MARK, generate_demo
from scirocco_lab.assessment.plots import radar_chart
from scirocco_lab.assessment.ratings_export import export_ratings
from scirocco_lab.assessment.ratings_files import import_ratings, read_ratings_file
from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.scoring import (
    consensus_profile,
    individual_profile,
    region_profile,
    strengths_and_weaknesses,
)
from scirocco_lab.assessment.store import assessments_frame, ratings_frame, write_batch
from scirocco_lab.errors import (
    DataValidationError,
    InstrumentError,
    NotFoundError,
    SchemaVersionError,
    SciroccoLabError,
    StoreError,
)
from scirocco_lab.instruments import (
    Instrument,
    list_instruments,
    load_crosswalk,
    load_instrument,
)
from scirocco_lab.store import Store, assessors_frame, open_store, subjects_frame

__version__ = "0.1.0"

__all__ = [
    "DEMO_MARK",
    "AssessmentRecord",
    "AssessorRecord",
    "DataValidationError",
    "Instrument",
    "InstrumentError",
    "NotFoundError",
    "RatingRecord",
    "RecordBatch",
    "SchemaVersionError",
    "SciroccoLabError",
    "Store",
    "StoreError",
    "SubjectRecord",
    "__version__",
    "assessments_frame",
    "assessors_frame",
    "consensus_profile",
    "export_ratings",
    "generate_demo",
    "import_ratings",
    "individual_profile",
    "list_instruments",
    "load_crosswalk",
    "load_instrument",
    "open_store",
    "radar_chart",
    "ratings_frame",
    "read_ratings_file",
    "region_profile",
    "strengths_and_weaknesses",
    "subjects_frame",
    "write_batch",
]
