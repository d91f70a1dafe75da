"""Statistics shared by several domains (reliability coefficients), on plain arrays."""

__all__: list[str] = []
