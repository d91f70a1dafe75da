"""Reliability coefficients shared by rater agreement and coder agreement.

- :func:`alpha_from_coincidences`: Krippendorff's alpha from a (stack of) coincidence
  matrices at any of the four levels of measurement (Krippendorff 2011), so that plain ratings,
  bootstrap resamples and weighted coding units share one formula.
- :func:`squared_distance`: the metric differences delta^2 of those four levels.
- :func:`interpret`: the plain-language reading of a value against published bands.
- :class:`SmallSample` and :func:`small_sample_note`: when a coefficient rests on too few units
  or raters to be read at face value.
- :data:`COEFFICIENT_NAMES`: readable names for the coefficient identifiers.

Methods and sources: ``docs/statistics.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scirocco_lab.errors import ConfigurationError

__all__ = [
    "ALPHA_METRICS",
    "COEFFICIENTS",
    "COEFFICIENT_NAMES",
    "SmallSample",
    "alpha_from_coincidences",
    "coefficient_name",
    "has_bands",
    "interpret",
    "small_sample_note",
    "squared_distance",
]

ALPHA_METRICS = ("nominal", "ordinal", "interval", "ratio")
"""Krippendorff's levels of measurement, in his order."""

COEFFICIENTS = (
    "krippendorff_alpha",
    "fleiss_kappa",
    "icc",
    "percent_agreement",
    "cronbach_alpha",
)
"""Coefficient names, as they appear in the ``coefficient`` column of
:func:`scirocco_lab.assessment.agreement.agreement_table`."""

COEFFICIENT_NAMES = {
    "krippendorff_alpha": "Krippendorff's alpha",
    "fleiss_kappa": "Fleiss' kappa",
    "icc": "Intraclass correlation",
    "percent_agreement": "Percent agreement (%)",
    "cronbach_alpha": "Cronbach's alpha",
    "cohen_kappa": "Cohen's kappa",
}
"""Readable name of each coefficient identifier, for reports and tables."""

# Benchmark bands as (lower bound, label, lower bound inclusive?) from the top down; the first
# band whose lower bound the value reaches is the reading. Sources in docs/statistics.md.
_BANDS: dict[str, tuple[tuple[float, str, bool], ...]] = {
    # Landis & Koch (1977): <0 poor, 0-.20 slight, .21-.40 fair, .41-.60 moderate,
    # .61-.80 substantial, .81-1 almost perfect (a boundary value belongs to the lower band).
    "fleiss_kappa": (
        (0.80, "almost perfect", False),
        (0.60, "substantial", False),
        (0.40, "moderate", False),
        (0.20, "fair", False),
        (0.00, "slight", True),
        (-math.inf, "poor", True),
    ),
    # Krippendorff (2004, p. 241): rely on alpha >= .800; .667 <= alpha < .800 only for
    # tentative conclusions; below .667 unreliable.
    "krippendorff_alpha": (
        (0.800, "reliable", True),
        (0.667, "tentative", True),
        (-math.inf, "unreliable", True),
    ),
    # Koo & Li (2016): < .5 poor, .5-.75 moderate, .75-.9 good, > .9 excellent.
    "icc": (
        (0.90, "excellent", False),
        (0.75, "good", True),
        (0.50, "moderate", True),
        (-math.inf, "poor", True),
    ),
    # George & Mallery (2003): > .9 excellent, > .8 good, > .7 acceptable, > .6 questionable,
    # > .5 poor, otherwise unacceptable.
    "cronbach_alpha": (
        (0.9, "excellent", False),
        (0.8, "good", False),
        (0.7, "acceptable", False),
        (0.6, "questionable", False),
        (0.5, "poor", False),
        (-math.inf, "unacceptable", True),
    ),
}


def coefficient_name(coefficient: str) -> str:
    """The readable name of a coefficient identifier (unknown identifiers are returned as is).

    >>> coefficient_name("krippendorff_alpha")
    "Krippendorff's alpha"
    """
    return COEFFICIENT_NAMES.get(coefficient, coefficient)


def interpret(coefficient: str, value: float) -> str:
    """Plain-language reading of a coefficient value against its published benchmark bands.

    ``fleiss_kappa``: Landis & Koch (1977); ``krippendorff_alpha``: Krippendorff (2004);
    ``icc``: Koo & Li (2016); ``cronbach_alpha``: George & Mallery (2003). NaN reads
    "not estimable". Percent agreement has no accepted bands (compare it with a consensus
    threshold such as 75 % instead), so it raises :class:`ConfigurationError`.

    Example:
        >>> interpret("fleiss_kappa", 0.21)
        'fair'
        >>> interpret("krippendorff_alpha", 0.743)
        'tentative'
        >>> interpret("icc", 0.91)
        'excellent'
    """
    bands = _BANDS.get(coefficient)
    if bands is None:
        raise ConfigurationError(
            f"No benchmark bands for {coefficient!r}. Fix: use one of "
            f"{', '.join(map(repr, _BANDS))} (percent agreement has no accepted bands; "
            "compare it with your consensus threshold, e.g. 75 %)."
        )
    if value is None or not np.isfinite(value):
        return "not estimable"
    for lower, label, inclusive in bands:
        if value > lower or (inclusive and value == lower):
            return label
    return bands[-1][1]


def has_bands(coefficient: str) -> bool:
    """Whether :func:`interpret` has benchmark bands for ``coefficient``."""
    return coefficient in _BANDS


@dataclass(frozen=True)
class SmallSample:
    """Fewest units and raters a coefficient should rest on before it is read at face value.

    Defaults follow Koo & Li (2016), who advise reliability studies with at least 30
    heterogeneous units (samples) and at least 3 raters. A SCIROCCO subject has 12 dimensions,
    so its coefficients are always flagged: with 12 units one dimension moves a coefficient a
    lot and the confidence intervals are wide. Lower ``min_units`` only on purpose.

    Example:
        >>> SmallSample().min_units, SmallSample().min_raters
        (30, 3)
    """

    min_units: int = 30
    min_raters: int = 3

    def __post_init__(self) -> None:
        for name in ("min_units", "min_raters"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigurationError(
                    f"SmallSample {name} must be a whole number >= 1, got {value!r}. "
                    "Fix: e.g. SmallSample(min_units=30, min_raters=3)."
                )


def small_sample_note(n_units: int, n_raters: int, rule: SmallSample = SmallSample()) -> str:
    """The small-sample warning for a coefficient on ``n_units`` units and ``n_raters`` raters.

    Empty when both reach the rule's minimum (and when nothing was estimable, i.e. 0 units).

    >>> small_sample_note(12, 17)
    'small sample: 12 units (fewer than 30)'
    >>> small_sample_note(30, 2)
    'small sample: 2 raters (fewer than 3)'
    >>> small_sample_note(40, 5)
    ''
    """
    if n_units == 0:
        return ""
    parts = []
    if n_units < rule.min_units:
        parts.append(f"{n_units} units (fewer than {rule.min_units})")
    if n_raters < rule.min_raters:
        parts.append(f"{n_raters} raters (fewer than {rule.min_raters})")
    return f"small sample: {' and '.join(parts)}" if parts else ""


def alpha_from_coincidences(
    coincidences: np.ndarray, categories: np.ndarray, metric: str
) -> np.ndarray:
    """Krippendorff's alpha of each coincidence matrix in a stack.

    alpha = 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck), with ``coincidences`` of shape
    (stack, categories, categories) and ``categories`` the sorted values. NaN where there is
    no variation (expected disagreement 0).

    Example (Krippendorff 2011, two observers, binary data, as a coincidence matrix):
        >>> import numpy as np
        >>> o = np.array([[[10.0, 4.0], [4.0, 2.0]]])
        >>> round(float(alpha_from_coincidences(o, np.array([0.0, 1.0]), "nominal")[0]), 3)
        0.095
    """
    if metric not in ALPHA_METRICS:
        raise ConfigurationError(
            f"Unknown Krippendorff metric {metric!r}. Fix: use one of {', '.join(ALPHA_METRICS)}."
        )
    margins = coincidences.sum(axis=2)  # n_c, shape (stack, categories)
    total = margins.sum(axis=1)
    distance = squared_distance(categories, margins, metric)
    observed = np.sum(coincidences * distance, axis=(1, 2))
    expected = np.sum(margins[:, :, None] * margins[:, None, :] * distance, axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (total - 1) * observed / expected
    return np.where((expected > 0) & (total > 1), alpha, np.nan)


def squared_distance(categories: np.ndarray, margins: np.ndarray, metric: str) -> np.ndarray:
    """delta^2(c, k) per metric (Krippendorff 2011), shape (stack, categories, categories).

    ``margins`` (stack, categories) are the values' frequencies n_c; only the ordinal metric
    depends on them.

    >>> import numpy as np
    >>> squared_distance(np.array([1.0, 2.0]), np.array([[3.0, 1.0]]), "interval").tolist()
    [[[0.0, 1.0], [1.0, 0.0]]]
    """
    c = categories[:, None]
    k = categories[None, :]
    if metric == "nominal":
        distance = (c != k).astype(float)
    elif metric == "interval":
        distance = (c - k) ** 2
    elif metric == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.where(c + k == 0, 0.0, ((c - k) / (c + k)) ** 2)
    else:
        # Ordinal: (sum of n_g from c to k - (n_c + n_k) / 2)^2, which depends on the margins,
        # so on each bootstrap resample.
        cumulative = np.concatenate(
            [np.zeros((margins.shape[0], 1)), np.cumsum(margins, axis=1)], axis=1
        )
        index = np.arange(categories.size)
        low = np.minimum.outer(index, index)
        high = np.maximum.outer(index, index)
        between = cumulative[:, high + 1] - cumulative[:, low]
        return (between - (margins[:, :, None] + margins[:, None, :]) / 2) ** 2
    return np.broadcast_to(distance, (margins.shape[0], *distance.shape))
