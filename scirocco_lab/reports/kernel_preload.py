"""Imported once by the warm template process of :mod:`scirocco_lab.reports.kernels`.

Importing this module does the work every report kernel would otherwise repeat: IPython and
ipykernel, pandas, matplotlib, scipy, SQLAlchemy and the package's report modules. It opens no
database connection, changes no setting and draws nothing through pyplot, so the forked
kernels start from the same state a fresh interpreter would reach by importing the same
modules. Matplotlib's fonts are loaded by drawing one throw-away figure on an Agg canvas
(no pyplot, no rcParams change), and the instrument files are parsed once (their parse cache
is keyed on each file's modification time, so an edited file is read again).

>>> WARM_MODULES[0]
'ipykernel.kernelapp'
"""

from __future__ import annotations

import importlib

__all__ = ["WARM_MODULES", "warm_modules", "warm_up"]

WARM_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # imported by every kernel's start-up (debugpy, ~0.1 s)
    "IPython.core.interactiveshell",
    "numpy",
    "pandas",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.pyplot",
    "scipy.stats",
    "scipy.optimize",
    "sqlalchemy",
    "scirocco_lab",
)


def warm_modules() -> tuple[str, ...]:
    """:data:`WARM_MODULES` and the report modules every domain declares in the registry
    (the notebooks import them)."""
    from scirocco_lab.reports.registry import DOMAIN_REPORT_MODULES

    return (*WARM_MODULES, *DOMAIN_REPORT_MODULES)


def warm_up() -> None:
    """Import :data:`WARM_MODULES` and load matplotlib's fonts."""
    import io

    for name in warm_modules():
        importlib.import_module(name)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from scirocco_lab.instruments import list_instruments

    figure = Figure(figsize=(1, 1))
    FigureCanvasAgg(figure)
    figure.subplots().set_title("warm")
    figure.savefig(io.BytesIO(), format="png")
    list_instruments()  # parses the instrument files once, for every kernel


warm_up()
