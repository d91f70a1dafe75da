"""Input and output shared by every domain: spreadsheets read as row-numbered text tables,
atomic file writes, HTML fragments with one escaping rule, figure marks and the clock.

Nothing here knows about assessments, gaps or transcripts; the domains build on it.
"""

__all__: list[str] = []
