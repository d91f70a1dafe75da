"""`scirocco-lab transcripts ...`, `codes ...` and `questionnaires ...` commands."""

__all__ = ["register"]


def register(commands) -> None:
    """Add the evaluation commands to the top-level sub-parsers."""
