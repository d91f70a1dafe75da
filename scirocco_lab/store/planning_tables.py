"""Planning tables (knowledge-transfer programmes, assets, action plans, coaching)."""

__all__: list[str] = []
