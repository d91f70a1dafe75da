"""Evaluation data: transcripts, questionnaires, codebook, coded segments."""

__all__: list[str] = []
