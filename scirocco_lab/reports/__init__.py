"""Reports: the batch engine (:mod:`~scirocco_lab.reports.engine`), the registry of report
kinds each domain declares (:mod:`~scirocco_lab.reports.registry`) and the report notebooks,
shipped as package data in ``scirocco_lab/reports/notebooks/``.
"""

__all__: list[str] = []
