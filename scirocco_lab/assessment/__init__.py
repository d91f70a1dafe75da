"""Assessment: records, ratings files, scoring, consensus, agreement, plots, the region report,
demo data and the assessment commands."""

__all__: list[str] = []
