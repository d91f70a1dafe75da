"""Planning records: knowledge-transfer programmes, asset catalogue, action plans, coaching."""

__all__: list[str] = []
