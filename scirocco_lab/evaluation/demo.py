"""Synthetic demo evaluation data."""

__all__ = ["seed_evaluation_demo"]


def seed_evaluation_demo(store) -> str | None:
    """Write the demo evaluation data; None when the store already holds evaluation data."""
    return None
