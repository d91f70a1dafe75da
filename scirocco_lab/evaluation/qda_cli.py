"""`scirocco-lab qda import|export` commands."""

__all__ = ["register"]


def register(commands) -> None:
    """Add the qda commands to the top-level sub-parsers."""
