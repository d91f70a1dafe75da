"""Evaluation data: transcripts, questionnaires, codebook, coded segments.

The records (:mod:`scirocco_lab.evaluation.records`) and the store API
(:mod:`scirocco_lab.evaluation.store`) are re-exported here. Importers live in
:mod:`~scirocco_lab.evaluation.transcripts` (.txt, .docx, .vtt, .srt) and
:mod:`~scirocco_lab.evaluation.questionnaires` (CSV, Excel); synthetic demo data in
:mod:`~scirocco_lab.evaluation.demo`. ``docs/evaluation.md`` describes the data model and the
file formats.

>>> from scirocco_lab.evaluation import EvaluationBatch, write_evaluation
>>> EvaluationBatch().is_empty
True
"""

from scirocco_lab.evaluation import records, store
from scirocco_lab.evaluation.records import *
from scirocco_lab.evaluation.store import *

__all__ = [*records.__all__, *store.__all__]
