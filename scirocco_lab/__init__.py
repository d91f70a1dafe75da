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

import importlib

__version__ = "0.1.0"

# Public name -> the module that defines it. Imported on first use (module __getattr__), so
# `import scirocco_lab` and `scirocco-lab --help` do not pay for pandas, matplotlib and
# SQLAlchemy, and report kernels import only what their notebook uses.
_EXPORTS = {
    "DEMO_MARK": "scirocco_lab.assessment.demo",
    "generate_demo": "scirocco_lab.assessment.demo",
    "radar_chart": "scirocco_lab.assessment.plots",
    "export_ratings": "scirocco_lab.assessment.ratings_export",
    "import_ratings": "scirocco_lab.assessment.ratings_files",
    "read_ratings_file": "scirocco_lab.assessment.ratings_files",
    "AssessmentRecord": "scirocco_lab.assessment.records",
    "AssessorRecord": "scirocco_lab.assessment.records",
    "RatingRecord": "scirocco_lab.assessment.records",
    "RecordBatch": "scirocco_lab.assessment.records",
    "SubjectRecord": "scirocco_lab.assessment.records",
    "consensus_profile": "scirocco_lab.assessment.scoring",
    "individual_profile": "scirocco_lab.assessment.scoring",
    "region_profile": "scirocco_lab.assessment.scoring",
    "strengths_and_weaknesses": "scirocco_lab.assessment.scoring",
    "DataValidationError": "scirocco_lab.errors",
    "InstrumentError": "scirocco_lab.errors",
    "NotFoundError": "scirocco_lab.errors",
    "SchemaVersionError": "scirocco_lab.errors",
    "SciroccoLabError": "scirocco_lab.errors",
    "StoreError": "scirocco_lab.errors",
    "StoreUpgradeRequiredError": "scirocco_lab.errors",
    "WriteError": "scirocco_lab.errors",
    "Instrument": "scirocco_lab.instruments",
    "list_instruments": "scirocco_lab.instruments",
    "load_crosswalk": "scirocco_lab.instruments",
    "load_instrument": "scirocco_lab.instruments",
    "assessments_frame": "scirocco_lab.assessment.store",
    "ratings_frame": "scirocco_lab.assessment.store",
    "write_batch": "scirocco_lab.assessment.store",
    "Store": "scirocco_lab.store",
    "assessors_frame": "scirocco_lab.store",
    "open_store": "scirocco_lab.store",
    "subjects_frame": "scirocco_lab.store",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scirocco_lab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
