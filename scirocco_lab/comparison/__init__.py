"""Comparison: gaps against good practices or other regions, twinning, meetings, their plots,
reports and commands."""

__all__: list[str] = []
