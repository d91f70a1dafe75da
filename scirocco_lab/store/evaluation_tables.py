"""Evaluation tables (sources, turns, participants, codebook, coded segments, questionnaires)."""

__all__: list[str] = []
