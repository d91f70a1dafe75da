"""REFI-QDA exchange tables (parts of imported projects the workbench keeps but does not use)."""

__all__: list[str] = []
