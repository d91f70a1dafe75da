"""Reliability coefficients shared by assessment agreement and coder agreement.

Krippendorff's alpha from coincidence matrices (Krippendorff 2011, "Computing Krippendorff's
Alpha-Reliability"), for a stack of matrices at once so bootstrap resamples cost one call.

>>> import numpy as np
>>> perfect = np.array([[[4.0, 0.0], [0.0, 4.0]]])   # two coders always agree
>>> alpha_from_coincidences(perfect, np.array([0.0, 1.0]), "nominal")
array([1.])
"""

from __future__ import annotations

import numpy as np

__all__ = ["alpha_from_coincidences", "squared_distance"]


def alpha_from_coincidences(
    coincidences: np.ndarray, categories: np.ndarray, metric: str
) -> np.ndarray:
    """alpha = 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck) for a stack of matrices."""
    margins = coincidences.sum(axis=2)  # n_c, shape (stack, categories)
    total = margins.sum(axis=1)
    distance = squared_distance(categories, margins, metric)
    observed = np.sum(coincidences * distance, axis=(1, 2))
    expected = np.sum(margins[:, :, None] * margins[:, None, :] * distance, axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (total - 1) * observed / expected
    return np.where((expected > 0) & (total > 1), alpha, np.nan)


def squared_distance(categories: np.ndarray, margins: np.ndarray, metric: str) -> np.ndarray:
    """delta^2(c, k) per metric (Krippendorff 2011), shape (stack, categories, categories)."""
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
