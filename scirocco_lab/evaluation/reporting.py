"""Evaluation report data and report tasks."""

__all__ = ["evaluation_tasks"]


def evaluation_tasks(store_url, out_dir, *, regions=None) -> list:
    """Report tasks for the evaluation report."""
    return []
