"""Programme report data and report tasks."""

__all__ = ["programme_tasks"]


def programme_tasks(store_url, out_dir, *, regions=None) -> list:
    """Report tasks for the programme report."""
    return []
