"""Synthetic demo planning records."""

__all__ = ["seed_planning_demo"]


def seed_planning_demo(store) -> str | None:
    """Write the demo planning records; None when the store already holds planning records."""
    return None
