"""`scirocco-lab plan ...` and `scirocco-lab assets ...` commands."""

__all__ = ["register"]


def register(commands) -> None:
    """Add the planning commands to the top-level sub-parsers."""
