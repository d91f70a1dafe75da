"""Inter-rater agreement and reliability of a stakeholder panel, and subgroup comparisons.

Every coefficient function takes one *rating matrix*: rows are the units that were rated (the
dimensions of one subject), columns are the raters (assessors), NaN means not rated (don't-know
or missing). :func:`rating_matrix` builds it from the tidy ratings frame. Each function returns a
tidy frame with one row per coefficient and variant, with the columns of
:data:`AGREEMENT_COLUMNS`, so results concatenate. :func:`agreement_table` computes them all
per subject from the long frame.

- :func:`krippendorff_alpha`: written here from Krippendorff's coincidence-matrix definition
  (2011), nominal / ordinal / interval / ratio, any number of raters, missing values allowed,
  optional seeded unit-bootstrap CI.
- :func:`fleiss_kappa`: statsmodels' implementation on the units every rater rated.
- :func:`icc`: the six Shrout & Fleiss (1979) forms with the F-based confidence intervals of
  McGraw & Wong (1996) as computed by R ``psych::ICC``.
- :func:`percent_agreement`: pairwise agreement per unit, averaged over units.
- :func:`cronbach_alpha`: internal consistency of the units as items (dimensions) over the
  raters as cases (assessors), with Feldt's (1965) CI.
- :func:`subgroup_comparison`: Kruskal-Wallis or Mann-Whitney U per dimension between groups of
  assessors (role, sector, ...), with effect sizes and Holm-adjusted p-values.
- :func:`interpret`: plain-language reading of a value against published benchmark bands.

Methods, choices and references: ``docs/statistics.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

# Validation helpers are shared with the consensus module so both read the ratings frame the
# same way (don't-know handling, row numbers in error messages).
from scirocco_lab.assessment.consensus import (
    rating_status,
    reject_duplicates,
    row_problems,
)
from scirocco_lab.errors import ConfigurationError, DataValidationError, require_columns
from scirocco_lab.stats.reliability import (
    ALPHA_METRICS,
    COEFFICIENTS,
    SmallSample,
    alpha_from_coincidences,
    has_bands,
    interpret,
    small_sample_note,
)

__all__ = [
    "AGREEMENT_COLUMNS",
    "ALPHA_METRICS",
    "COEFFICIENTS",
    "ICC_FORMS",
    "SmallSample",
    "agreement_table",
    "cronbach_alpha",
    "fleiss_kappa",
    "icc",
    "interpret",
    "krippendorff_alpha",
    "percent_agreement",
    "rating_matrix",
    "subgroup_comparison",
]

AGREEMENT_COLUMNS = (
    "coefficient",
    "variant",
    "value",
    "ci_low",
    "ci_high",
    "n_raters",
    "n_units",
    "reading",
    "note",
)
"""Columns of every coefficient function's result (``agreement_table`` adds the ``by`` columns
first)."""

ICC_FORMS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")

Listwise = Literal["units", "raters"]

# Koo & Li (2016): at least 30 units and 3 raters (see SmallSample); one shared default.
_DEFAULT_SMALL_SAMPLE = SmallSample()

# --------------------------------------------------------------------------------------------
# From the long frame


def rating_matrix(
    ratings: pd.DataFrame,
    *,
    rater: str = "assessor",
    item: str = "dimension",
    rating: str = "level",
    dont_know: str | None = "dont_know",
) -> pd.DataFrame:
    """Units x raters matrix of one subject (rows = dimensions, columns = assessors).

    Don't-know and missing ratings become NaN (without a ``dont_know`` column, NaN levels are
    don't-knows anyway). Rows keep the dimensions' order of first appearance. Each assessor may
    rate each dimension once: filter one subject and round first.

    Example:
        >>> import pandas as pd
        >>> ratings = pd.DataFrame({"assessor": ["a", "a", "b", "b"],
        ...     "dimension": ["funding", "governance"] * 2, "level": [3, 2, 4, None],
        ...     "dont_know": [False, False, False, True]})
        >>> rating_matrix(ratings).to_numpy().tolist()
        [[3.0, 4.0], [2.0, nan]]
    """
    require_columns(ratings, [rater, item, rating], "ratings")
    levels, is_dont_know, _ = rating_status(ratings, rating=rating, dont_know=dont_know)
    levels = np.where(is_dont_know, np.nan, levels)
    unit_codes, units = pd.factorize(ratings[item], sort=False)
    rater_codes, raters = pd.factorize(ratings[rater], sort=False)
    problems = row_problems(
        ratings, unit_codes < 0, field=item, message="value is missing", fix="fill it in"
    ) + row_problems(
        ratings, rater_codes < 0, field=rater, message="value is missing", fix="fill it in"
    )
    if problems:
        raise DataValidationError(problems)
    reject_duplicates(ratings, unit_codes, rater_codes, len(raters), rater, [item])
    matrix = np.full((len(units), len(raters)), np.nan)
    matrix[unit_codes, rater_codes] = levels
    return pd.DataFrame(
        matrix, index=pd.Index(units, name=item), columns=pd.Index(raters, name=rater)
    )


def agreement_table(
    ratings: pd.DataFrame,
    *,
    by: Sequence[str] = ("subject",),
    rater: str = "assessor",
    item: str = "dimension",
    rating: str = "level",
    dont_know: str | None = "dont_know",
    coefficients: Sequence[str] = COEFFICIENTS,
    alpha_metrics: Sequence[str] = ALPHA_METRICS,
    agreement_tolerances: Sequence[float] = (0, 1),
    listwise: Listwise = "units",
    confidence: float = 0.95,
    n_boot: int = 0,
    seed: int = 0,
    small_sample: SmallSample = _DEFAULT_SMALL_SAMPLE,
) -> pd.DataFrame:
    """All agreement coefficients for each subject (or each group of ``by``), one tidy row each.

    For each group the units are the dimensions and the raters the assessors (see
    :func:`rating_matrix`). ``coefficients`` selects from :data:`COEFFICIENTS`;
    ``alpha_metrics`` the Krippendorff levels of measurement (all four by default: nominal,
    ordinal, interval, ratio, one row each); ``agreement_tolerances`` the percent-agreement
    variants (0 = exact, 1 = within one level; values in percent 0-100); ``listwise`` how
    Fleiss' kappa and the ICC drop missing cells (Cronbach's alpha always drops cases, i.e.
    assessors); ``n_boot`` > 0 adds a bootstrap CI to Krippendorff's alpha (seeded by
    ``seed``). A value resting on fewer units or raters than ``small_sample`` asks for says so
    in its ``reading``.

    Returns the ``by`` columns followed by :data:`AGREEMENT_COLUMNS`. Several rounds in one
    subject? pass ``by=("subject", "round")``.

    Example:
        >>> import pandas as pd
        >>> ratings = pd.DataFrame({"subject": "R", "assessor": list("aabbcc"),
        ...     "dimension": ["funding", "governance"] * 3, "level": [3, 1, 3, 2, 4, 1],
        ...     "dont_know": False})
        >>> table = agreement_table(ratings, coefficients=["percent_agreement"])
        >>> table[["subject", "variant", "value"]].to_numpy().tolist()
        [['R', 'exact', 33.33333333333333], ['R', 'within 1', 100.0]]
    """
    by = tuple(by)
    unknown = [name for name in coefficients if name not in COEFFICIENTS]
    if unknown:
        raise ConfigurationError(
            f"Unknown coefficient(s) {unknown}. Fix: choose from {', '.join(COEFFICIENTS)}."
        )
    for metric in alpha_metrics:
        _check_metric(metric)
    if not isinstance(small_sample, SmallSample):
        raise ConfigurationError(
            f"small_sample must be a SmallSample, got {type(small_sample).__name__}. "
            "Fix: small_sample=SmallSample(min_units=30, min_raters=3)."
        )
    _check_confidence(confidence)
    _check_listwise(listwise)
    require_columns(ratings, [*by, rater, item, rating], "ratings")

    levels, is_dont_know, _ = rating_status(ratings, rating=rating, dont_know=dont_know)
    levels = np.where(is_dont_know, np.nan, levels)
    unit_codes, _ = pd.factorize(ratings[item], sort=False)
    rater_codes, rater_names = pd.factorize(ratings[rater], sort=False)
    if by:
        group_codes = ratings.groupby(list(by), sort=True, dropna=False).ngroup().to_numpy()
    else:
        group_codes = np.zeros(len(ratings), dtype=np.int64)
    problems = []
    for column, codes in [(item, unit_codes), (rater, rater_codes)]:
        problems += row_problems(
            ratings, codes < 0, field=column, message="value is missing", fix="fill it in"
        )
    for column in by:
        problems += row_problems(
            ratings,
            ratings[column].isna().to_numpy(),
            field=column,
            message="value is missing",
            fix="fill it in",
        )
    if problems:
        raise DataValidationError(problems)
    n_units_total = int(unit_codes.max()) + 1 if len(unit_codes) else 0
    reject_duplicates(
        ratings,
        group_codes * max(n_units_total, 1) + unit_codes,
        rater_codes,
        len(rater_names),
        rater,
        [*by, item],
    )

    # Every coefficient with its settings; those asked for are computed in this order.
    settings = {
        "krippendorff_alpha": partial(
            krippendorff_alpha,
            metric=tuple(alpha_metrics),
            confidence=confidence,
            n_boot=n_boot,
            seed=seed,
        ),
        "fleiss_kappa": partial(fleiss_kappa, listwise=listwise),
        "icc": partial(icc, confidence=confidence, listwise=listwise),
        "percent_agreement": partial(percent_agreement, tolerance=tuple(agreement_tolerances)),
        "cronbach_alpha": partial(cronbach_alpha, confidence=confidence),
    }
    chosen = [coefficient for name, coefficient in settings.items() if name in coefficients]
    order = np.argsort(group_codes, kind="stable")
    boundaries = np.flatnonzero(np.diff(group_codes[order])) + 1
    pieces = []
    for rows in np.split(order, boundaries):
        if rows.size == 0:
            continue
        matrix = _dense_matrix(unit_codes[rows], rater_codes[rows], levels[rows])
        results = [coefficient(matrix, small_sample=small_sample) for coefficient in chosen]
        piece = pd.concat(results, ignore_index=True) if results else _empty_result()
        first = rows[0]
        for position, column in enumerate(by):
            piece.insert(position, column, ratings[column].iloc[first])
        pieces.append(piece)
    if not pieces:
        empty = _empty_result()
        for position, column in enumerate(by):
            empty.insert(position, column, pd.Series([], dtype=ratings[column].dtype))
        return empty
    return pd.concat(pieces, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Coefficients on a units x raters matrix


def krippendorff_alpha(
    matrix: pd.DataFrame | np.ndarray,
    *,
    metric: str | Sequence[str] = "ordinal",
    confidence: float = 0.95,
    n_boot: int = 0,
    seed: int = 0,
    small_sample: SmallSample = _DEFAULT_SMALL_SAMPLE,
) -> pd.DataFrame:
    """Krippendorff's alpha from the coincidence matrix; one row per metric.

    ``matrix``: units x raters, NaN = not rated; units with fewer than two ratings are not
    pairable and are ignored. ``metric``: "nominal", "ordinal" (default: SCIROCCO levels are
    ordered categories), "interval" or "ratio", or a sequence of them. ``n_boot`` > 0 adds a
    percentile bootstrap CI that resamples units with replacement (seeded by ``seed``; see
    docs/statistics.md for how it differs from Krippendorff's own bootstrap). The value is NaN
    when the data show no variation (expected disagreement 0).

    Example (Krippendorff 2011, two observers, binary data):
        >>> import numpy as np
        >>> mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
        >>> dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        >>> result = krippendorff_alpha(np.array([mary, dave]).T, metric="nominal")
        >>> round(float(result["value"].iloc[0]), 3)
        0.095
    """
    metrics = (metric,) if isinstance(metric, str) else tuple(metric)
    for name in metrics:
        _check_metric(name)
    _check_confidence(confidence)
    if not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ConfigurationError(f"n_boot must be a whole number >= 0, got {n_boot!r}.")
    values = _as_matrix(matrix)

    # counts[u, c]: how many raters gave value c to unit u, over pairable units only.
    kept, n_raters, n_units = _pairable(values)
    categories = np.unique(kept[~np.isnan(kept)])
    counts = (
        np.stack([np.sum(kept == value, axis=1) for value in categories], axis=1).astype(float)
        if categories.size
        else np.zeros((n_units, 0))
    )
    m_u = counts.sum(axis=1)
    # Each unit's contribution to the coincidence matrix: pairs of values from different raters,
    # weighted 1 / (m_u - 1) so that every pairable value counts once in the margins.
    per_unit = (
        counts[:, :, None] * counts[:, None, :]
        - np.einsum("uc,cd->ucd", counts, np.eye(categories.size))
    ) / np.maximum(m_u - 1, 1)[:, None, None]
    coincidences = per_unit.sum(axis=0)

    rows = []
    for name in metrics:
        value = alpha_from_coincidences(coincidences[None], categories, name)[0]
        ci_low = ci_high = np.nan
        note = ""
        if n_boot and n_units >= 2 and np.isfinite(value):
            rng = np.random.default_rng(seed)
            weights = rng.multinomial(n_units, np.full(n_units, 1 / n_units), size=n_boot)
            resampled = np.einsum("bu,ucd->bcd", weights.astype(float), per_unit)
            boots = alpha_from_coincidences(resampled, categories, name)
            boots = boots[np.isfinite(boots)]
            tail = (1 - confidence) / 2 * 100
            ci_low, ci_high = np.percentile(boots, [tail, 100 - tail])
            note = f"percentile bootstrap over units, {n_boot} resamples, seed {seed}"
        if not np.isfinite(value):
            note = "not estimable: fewer than two pairable values or no variation"
        ci = (ci_low, ci_high)
        rows.append(
            _row("krippendorff_alpha", name, value, n_raters, n_units, note, small_sample, ci)
        )
    return _result_frame(rows)


def fleiss_kappa(
    matrix: pd.DataFrame | np.ndarray,
    *,
    listwise: Listwise = "units",
    small_sample: SmallSample = _DEFAULT_SMALL_SAMPLE,
) -> pd.DataFrame:
    """Fleiss' kappa (nominal) via ``statsmodels``; one row.

    Fleiss' kappa needs the same number of ratings per unit, so missing cells are removed
    listwise first: raters who rated nothing are dropped, then every unit with a missing rating
    (``listwise="units"``, default) or every rater with a missing rating (``"raters"``).
    ``n_units``/``n_raters`` report what was used. Categories are the distinct values. NaN when
    every rating is in one category (chance agreement 1).

    Example (Fleiss 1971 data as reproduced on Wikipedia: 10 units, 14 raters, 5 categories):
        >>> import numpy as np
        >>> counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
        ...     [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
        ...     [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
        >>> matrix = np.array([np.repeat(np.arange(1, 6), row) for row in counts])
        >>> round(float(fleiss_kappa(matrix)["value"].iloc[0]), 3)
        0.21
    """
    _check_listwise(listwise)
    values, note = _complete_block(_as_matrix(matrix), listwise)
    n_units, n_raters = values.shape
    value = np.nan
    if n_units >= 1 and n_raters >= 2:
        categories = np.unique(values)
        table = np.stack([np.sum(values == c, axis=1) for c in categories], axis=1)
        if categories.size >= 2:
            # Imported here: statsmodels takes about a second to import and only this needs it.
            from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

            value = float(statsmodels_fleiss_kappa(table, method="fleiss"))
    if not np.isfinite(value):
        note = _join(note, "not estimable: needs 2+ raters and 2+ categories on complete units")
    row = _row("fleiss_kappa", "nominal", value, n_raters, n_units, note, small_sample)
    return _result_frame([row])


def icc(
    matrix: pd.DataFrame | np.ndarray,
    *,
    confidence: float = 0.95,
    listwise: Listwise = "units",
    small_sample: SmallSample = _DEFAULT_SMALL_SAMPLE,
) -> pd.DataFrame:
    """Intraclass correlations in the six Shrout & Fleiss (1979) forms, with F-based CIs.

    Rows of ``matrix`` are the targets (units), columns the judges (raters). Returns six rows,
    ``variant`` ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k) (= psych::ICC's
    ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k); the CIs are those of McGraw & Wong (1996) as
    computed by psych::ICC. Missing cells are removed listwise as in :func:`fleiss_kappa`.

    Example (Shrout & Fleiss 1979, Table 2):
        >>> import numpy as np
        >>> data = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6],
        ...     [10, 5, 6, 9], [6, 2, 4, 7]])
        >>> icc(data)["value"].round(2).tolist()
        [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    _check_confidence(confidence)
    _check_listwise(listwise)
    values, note = _complete_block(_as_matrix(matrix), listwise)
    n, k = values.shape
    estimates = dict.fromkeys(ICC_FORMS, (np.nan, np.nan, np.nan))
    if n >= 2 and k >= 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            estimates = _icc_estimates(values, confidence)
    if not all(np.isfinite(estimates[form][0]) for form in ICC_FORMS):
        note = _join(note, "not estimable: needs 2+ units and 2+ raters with variation")
    rows = [
        _row("icc", form, value, k, n, note, small_sample, (low, high))
        for form, (value, low, high) in estimates.items()
    ]
    return _result_frame(rows)


def percent_agreement(
    matrix: pd.DataFrame | np.ndarray,
    *,
    tolerance: float | Sequence[float] = 0,
    small_sample: SmallSample = _DEFAULT_SMALL_SAMPLE,
) -> pd.DataFrame:
    """Pairwise percent agreement in percent (0-100, as in the consensus tables); one row each.

    For every unit with two or more ratings, the share of rater pairs whose ratings differ by at
    most ``tolerance`` (0 = identical, variant "exact"; 1 = "within 1"); the value is the
    unweighted mean over those units, times 100. Missing ratings simply form no pairs. No CI.

    Example:
        >>> import numpy as np
        >>> matrix = np.array([[3, 3, 3], [2, 3, np.nan]])
        >>> percent_agreement(matrix, tolerance=[0, 1])["value"].tolist()
        [50.0, 100.0]
    """
    tolerances = (tolerance,) if np.isscalar(tolerance) else tuple(tolerance)
    if any(not t >= 0 for t in tolerances):
        raise ConfigurationError(f"tolerance must be >= 0, got {tolerance!r}.")
    values = _as_matrix(matrix)
    kept, n_raters, n_units = _pairable(values)
    difference = np.abs(kept[:, :, None] - kept[:, None, :])  # NaN where either is missing
    upper = np.triu(np.ones(kept.shape[1], dtype=bool), k=1)
    n_pairs = np.sum(~np.isnan(difference) & upper, axis=(1, 2))
    rows = []
    for tol in tolerances:
        agreeing = np.sum((difference <= tol + 1e-12) & upper, axis=(1, 2))
        value = 100 * float(np.mean(agreeing / n_pairs)) if n_units else np.nan
        variant = "exact" if tol == 0 else f"within {tol:g}"
        note = "" if n_units else "not estimable: no unit has two ratings"
        rows.append(
            _row("percent_agreement", variant, value, n_raters, n_units, note, small_sample)
        )
    return _result_frame(rows)


def cronbach_alpha(
    matrix: pd.DataFrame | np.ndarray,
    *,
    confidence: float = 0.95,
    small_sample: SmallSample = _DEFAULT_SMALL_SAMPLE,
) -> pd.DataFrame:
    """Cronbach's alpha of the units as items over the raters as cases, with Feldt's CI; one row.

    Same layout as the other functions: rows are the items (dimensions), columns the cases
    (assessors); pass ``table.T`` for a cases x items table. Cases (assessors) with a missing
    item are dropped listwise. The CI is Feldt's (1965) F-based interval; alpha equals ICC(3,k)
    of the transposed matrix, and so does the CI.

    Example:
        >>> import numpy as np
        >>> items = np.array([[1, 2, 3, 4], [2, 2, 4, 4], [1, 3, 3, 5]])  # 3 items, 4 cases
        >>> round(float(cronbach_alpha(items)["value"].iloc[0]), 3)
        0.933
    """
    _check_confidence(confidence)
    values, note = _complete_block(_as_matrix(matrix), "raters")
    k, n = values.shape  # k items (rows), n cases (columns)
    value = low = high = np.nan
    if k >= 2 and n >= 2:
        item_variance = values.var(axis=1, ddof=1).sum()
        total_variance = values.sum(axis=0).var(ddof=1)
        if total_variance > 0:
            value = k / (k - 1) * (1 - item_variance / total_variance)
            tail = (1 - confidence) / 2
            df1, df2 = n - 1, (n - 1) * (k - 1)
            low = 1 - (1 - value) * stats.f.ppf(1 - tail, df1, df2)
            high = 1 - (1 - value) * stats.f.ppf(tail, df1, df2)
    if not np.isfinite(value):
        note = _join(note, "not estimable: needs 2+ items and 2+ cases with variation")
    # Units here are the cases (assessors) and "raters" the items, as the formula uses them.
    row = _row("cronbach_alpha", "raw", value, n, k, note, small_sample, (low, high))
    return _result_frame([row])


# --------------------------------------------------------------------------------------------
# Subgroups


def subgroup_comparison(
    ratings: pd.DataFrame,
    *,
    attribute: str,
    by: Sequence[str] = (),
    item: str = "dimension",
    rating: str = "level",
    dont_know: str | None = "dont_know",
    p_adjust: str | None = "holm",
    assessors: pd.DataFrame | None = None,
    rater: str = "assessor",
    assessor_key: str = "pseudonym",
) -> pd.DataFrame:
    """Compare individual ratings between groups of assessors (role, sector, ...) per dimension.

    ``attribute`` is a column of ``ratings``, or, given ``assessors`` (e.g. the store's
    ``assessors_frame``: pseudonym, role, sector, organisation, home_subject), any column of
    that table, joined on ``ratings[rater] == assessors[assessor_key]``. So any assessor
    attribute works without first copying it onto every rating.

    For each dimension (within each ``by`` group), the rated answers are split by ``attribute``
    (rows with a missing attribute are left out). Two groups: two-sided Mann-Whitney U
    (``scipy.stats.mannwhitneyu``, method "auto") with the rank-biserial correlation
    r = 2U/(n1 n2) - 1, positive when the first group (in sorted order) rates higher. More
    groups: Kruskal-Wallis H (``scipy.stats.kruskal``) with epsilon-squared H/(n-1) (Tomczak &
    Tomczak 2014). p-values are adjusted across the dimensions of each ``by`` group with
    ``statsmodels`` ``multipletests(method=p_adjust)`` (Holm by default; None skips it).

    Returns one row per dimension and group: the ``by`` columns, ``item``, ``attribute`` (the
    column compared), ``group``, ``n``, ``median``, then the dimension's test (repeated on each
    of its group rows): ``test``, ``statistic``, ``p_value``, ``p_adjusted``,
    ``effect_size_measure``, ``effect_size``, ``note``, and ``group_of_one`` (True for a
    group with a single rating: it stays in the test, but one person's view is not a group's,
    so the dimension's ``note`` names such groups too). The tests assume independent ratings
    (one rating per assessor and dimension).

    Example:
        >>> import pandas as pd
        >>> ratings = pd.DataFrame({"dimension": "funding", "role": ["a"] * 4 + ["b"] * 4,
        ...     "level": [1, 2, 2, 3, 3, 4, 4, 5], "dont_know": False})
        >>> result = subgroup_comparison(ratings, attribute="role")
        >>> result[["group", "n", "median", "test"]].to_numpy().tolist()
        [['a', 4, 2.0, 'Mann-Whitney U'], ['b', 4, 4.0, 'Mann-Whitney U']]
        >>> float(result["effect_size"].iloc[0])
        -0.9375
    """
    by = tuple(by)
    if assessors is not None:
        ratings = _with_assessor_attribute(
            ratings, assessors, attribute=attribute, rater=rater, assessor_key=assessor_key
        )
    require_columns(ratings, [*by, item, rating, attribute], "ratings")
    levels, is_dont_know, is_missing = rating_status(ratings, rating=rating, dont_know=dont_know)
    usable = ~(is_dont_know | is_missing) & ratings[attribute].notna().to_numpy()
    keys_frame = ratings.loc[usable, [*by, item]].reset_index(drop=True)
    levels = levels[usable]
    # Numbered in order of first appearance, so dimensions keep the instrument's order.
    key_codes = keys_frame.groupby([*by, item], sort=False, dropna=False).ngroup().to_numpy()
    group_codes, group_labels = pd.factorize(ratings.loc[usable, attribute], sort=True)

    # Sort once by (dimension, group) and walk the boundaries: far faster than nested groupbys.
    order = np.lexsort((group_codes, key_codes))
    key_starts = np.flatnonzero(np.diff(key_codes[order], prepend=-1))
    dimensions = []  # (key values, {group label: ratings}, test result)
    for rows in np.split(order, key_starts[1:]) if order.size else []:
        codes = group_codes[rows]
        starts = np.flatnonzero(np.diff(codes, prepend=-1))
        groups = {
            group_labels[codes[part[0]]]: levels[rows[part]]
            for part in np.split(np.arange(rows.size), starts[1:])
        }
        keys = tuple(keys_frame.iloc[rows[0]])
        dimensions.append((keys, groups, _compare_groups(list(groups.values()))))
    p_adjusted = np.full(len(dimensions), np.nan)
    if p_adjust is not None:
        # One family of tests per `by` group: the dimensions of one subject, say.
        families: dict[tuple, list[int]] = {}
        for index, (keys, _, result) in enumerate(dimensions):
            if np.isfinite(result[2]):
                families.setdefault(tuple(keys[: len(by)]), []).append(index)
        for members in families.values():
            p_adjusted[members] = _adjust_p_values(
                np.array([dimensions[i][2][2] for i in members]), p_adjust
            )

    rows = []
    for (keys, groups, result), adjusted_p in zip(dimensions, p_adjusted, strict=True):
        test, statistic, p_value, measure, effect, note = result
        singles = [str(label) for label, sample in groups.items() if sample.size == 1]
        if singles:
            flag = f"group(s) of one: {', '.join(singles)} (a single rating, not a group's view)"
            note = f"{note}; {flag}" if note else flag
        for label, sample in groups.items():
            rows.append(
                {
                    **dict(zip([*by, item], keys, strict=True)),
                    "attribute": attribute,
                    "group": label,
                    "n": sample.size,
                    "median": float(np.median(sample)),
                    "test": test,
                    "statistic": statistic,
                    "p_value": p_value,
                    "p_adjusted": adjusted_p,
                    "effect_size_measure": measure,
                    "effect_size": effect,
                    "note": note,
                    "group_of_one": sample.size == 1,
                }
            )
    columns = [*by, item, "attribute", "group", "n", "median", "test", "statistic"]
    columns += ["p_value", "p_adjusted", "effect_size_measure", "effect_size", "note"]
    columns += ["group_of_one"]
    return pd.DataFrame(rows, columns=columns).astype({"group_of_one": bool})


def _with_assessor_attribute(
    ratings: pd.DataFrame,
    assessors: pd.DataFrame,
    *,
    attribute: str,
    rater: str,
    assessor_key: str,
) -> pd.DataFrame:
    """``ratings`` with ``attribute`` taken from the assessor table (one row per assessor)."""
    require_columns(ratings, [rater], "ratings")
    if assessor_key not in assessors.columns:
        raise ConfigurationError(
            f"The assessor table has no {assessor_key!r} column to match ratings on. Fix: pass "
            "assessor_key= naming its pseudonym column."
        )
    available = [c for c in assessors.columns if c != assessor_key]
    if attribute not in available:
        raise ConfigurationError(
            f"Assessors have no attribute {attribute!r}. Fix: use one of "
            f"{', '.join(map(repr, available))}."
        )
    lookup = assessors.drop_duplicates(assessor_key).set_index(assessor_key)[attribute]
    return ratings.drop(columns=[attribute], errors="ignore").assign(
        **{attribute: ratings[rater].map(lookup).to_numpy()}
    )


def _adjust_p_values(p_values: np.ndarray, method: str) -> np.ndarray:
    """Multiplicity-adjusted p-values (statsmodels ``multipletests`` method names)."""
    if method.lower() in ("holm", "h"):
        # Holm (1979) step-down, computed here because statsmodels' holm branch runs a full
        # garbage collection on every call (tens of ms), which dominates per-subject use.
        order = np.argsort(p_values, kind="stable")
        steps = np.arange(p_values.size, 0, -1)
        adjusted = np.minimum(np.maximum.accumulate(p_values[order] * steps), 1.0)
        result = np.empty_like(adjusted)
        result[order] = adjusted
        return result
    # Imported here: statsmodels takes about a second to import.
    from statsmodels.stats.multitest import multipletests

    try:
        return multipletests(p_values, method=method)[1]
    except ValueError as error:
        raise ConfigurationError(
            f"p_adjust={method!r} is not a statsmodels multipletests method ({error}). "
            "Fix: use e.g. 'holm', 'bonferroni' or 'fdr_bh', or None."
        ) from error


def _compare_groups(
    samples: list[np.ndarray],
) -> tuple[str | None, float, float, str | None, float, str]:
    """(test, statistic, p, effect-size measure, effect size, note) for one dimension."""
    if len(samples) < 2:
        return None, np.nan, np.nan, None, np.nan, "not tested: fewer than two groups rated"
    pooled = np.concatenate(samples)
    if len(samples) == 2:
        test, measure = "Mann-Whitney U", "rank-biserial r"
    else:
        test, measure = "Kruskal-Wallis H", "epsilon-squared"
    if np.all(pooled == pooled[0]):
        return test, np.nan, np.nan, measure, np.nan, "not tested: all ratings identical"
    if len(samples) == 2:
        first, second = samples
        result = stats.mannwhitneyu(first, second, alternative="two-sided", method="auto")
        effect = 2 * result.statistic / (first.size * second.size) - 1
        return test, float(result.statistic), float(result.pvalue), measure, float(effect), ""
    result = stats.kruskal(*samples)
    effect = result.statistic / (pooled.size - 1)
    return test, float(result.statistic), float(result.pvalue), measure, float(effect), ""


# --------------------------------------------------------------------------------------------
# Internals


def _icc_estimates(values: np.ndarray, confidence: float) -> dict[str, tuple[float, float, float]]:
    n, k = values.shape
    grand = values.mean()
    ss_total = np.sum((values - grand) ** 2)
    ss_rows = k * np.sum((values.mean(axis=1) - grand) ** 2)
    ss_columns = n * np.sum((values.mean(axis=0) - grand) ** 2)
    ss_error = ss_total - ss_rows - ss_columns
    ms_rows = ss_rows / (n - 1)
    ms_columns = ss_columns / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    ms_within = (ss_columns + ss_error) / (n * (k - 1))

    icc1 = (ms_rows - ms_within) / (ms_rows + (k - 1) * ms_within)
    icc2 = (ms_rows - ms_error) / (ms_rows + (k - 1) * ms_error + k * (ms_columns - ms_error) / n)
    icc3 = (ms_rows - ms_error) / (ms_rows + (k - 1) * ms_error)
    icc1k = (ms_rows - ms_within) / ms_rows
    icc2k = (ms_rows - ms_error) / (ms_rows + (ms_columns - ms_error) / n)
    icc3k = (ms_rows - ms_error) / ms_rows

    tail = (1 - confidence) / 2

    def upper_quantile(df1: float, df2: float) -> float:
        return float(stats.f.ppf(1 - tail, df1, df2))

    # One-way model: F = MSR / MSW on (n - 1, n(k - 1)) df.
    f1 = ms_rows / ms_within
    f1_low = f1 / upper_quantile(n - 1, n * (k - 1))
    f1_high = f1 * upper_quantile(n * (k - 1), n - 1)
    # Two-way models: F = MSR / MSE on (n - 1, (n - 1)(k - 1)) df.
    f3 = ms_rows / ms_error
    f3_low = f3 / upper_quantile(n - 1, (n - 1) * (k - 1))
    f3_high = f3 * upper_quantile((n - 1) * (k - 1), n - 1)
    # ICC(2,1): Satterthwaite-type df for the approximate F (McGraw & Wong 1996, Table 7).
    f_judges = ms_columns / ms_error
    v_num = (k - 1) * (n - 1) * (k * icc2 * f_judges + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v_den = (n - 1) * k**2 * icc2**2 * f_judges**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = v_num / v_den
    f2_star_low = upper_quantile(n - 1, v)
    f2_star_high = upper_quantile(v, n - 1)
    icc2_low = (n * (ms_rows - f2_star_low * ms_error)) / (
        f2_star_low * (k * ms_columns + (k * n - k - n) * ms_error) + n * ms_rows
    )
    icc2_high = (n * (f2_star_high * ms_rows - ms_error)) / (
        k * ms_columns + (k * n - k - n) * ms_error + n * f2_star_high * ms_rows
    )

    def spearman_brown(single: float) -> float:
        return single * k / (1 + (k - 1) * single)

    return {
        "ICC(1,1)": (icc1, (f1_low - 1) / (f1_low + k - 1), (f1_high - 1) / (f1_high + k - 1)),
        "ICC(2,1)": (icc2, icc2_low, icc2_high),
        "ICC(3,1)": (icc3, (f3_low - 1) / (f3_low + k - 1), (f3_high - 1) / (f3_high + k - 1)),
        "ICC(1,k)": (icc1k, 1 - 1 / f1_low, 1 - 1 / f1_high),
        "ICC(2,k)": (icc2k, spearman_brown(icc2_low), spearman_brown(icc2_high)),
        "ICC(3,k)": (icc3k, 1 - 1 / f3_low, 1 - 1 / f3_high),
    }


def _complete_block(values: np.ndarray, listwise: Listwise) -> tuple[np.ndarray, str]:
    """Drop empty rows/columns, then every unit (or rater) with a missing cell."""
    rated = ~np.isnan(values)
    n_units, n_raters = values.shape
    if listwise == "units":
        values = values[:, rated.any(axis=0)]
        values = values[~np.isnan(values).any(axis=1)]
    else:
        values = values[rated.any(axis=1)]
        values = values[:, ~np.isnan(values).any(axis=0)]
    dropped_units = n_units - values.shape[0]
    dropped_raters = n_raters - values.shape[1]
    parts = []
    if dropped_units:
        parts.append(f"{dropped_units} unit(s)")
    if dropped_raters:
        parts.append(f"{dropped_raters} rater(s)")
    note = f"listwise deletion dropped {' and '.join(parts)}" if parts else ""
    return values, note


def _as_matrix(matrix: pd.DataFrame | np.ndarray) -> np.ndarray:
    try:
        values = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as error:
        raise ConfigurationError(
            f"The rating matrix must be numeric (NaN for not rated): {error}. Fix: convert "
            "don't-know answers to NaN, or build it with rating_matrix()."
        ) from error
    if values.ndim != 2:
        raise ConfigurationError(
            f"The rating matrix must be 2-D (units x raters), got {values.ndim} dimension(s)."
        )
    if np.isinf(values).any():
        raise ConfigurationError("The rating matrix contains infinite values. Fix: use NaN.")
    return values


def _dense_matrix(
    unit_codes: np.ndarray, rater_codes: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """Units x raters matrix of one group (only the units and raters present in it)."""
    units, unit_index = np.unique(unit_codes, return_inverse=True)
    raters, rater_index = np.unique(rater_codes, return_inverse=True)
    matrix = np.full((units.size, raters.size), np.nan)
    matrix[unit_index, rater_index] = levels
    return matrix


def _pairable(values: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The units (rows) with two or more ratings, and how many raters and units they hold."""
    kept = values[np.sum(~np.isnan(values), axis=1) >= 2]
    return kept, int(np.sum(np.any(~np.isnan(kept), axis=0))), int(kept.shape[0])


def _row(
    coefficient: str,
    variant: str,
    value: float,
    n_raters: int,
    n_units: int,
    note: str,
    small_sample: SmallSample,
    ci: tuple[float, float] = (np.nan, np.nan),
) -> dict[str, object]:
    # The reading is the benchmark band, followed by the small-sample warning when the value
    # rests on too few units or raters to be read at face value.
    parts = [interpret(coefficient, value)] if has_bands(coefficient) else []
    if np.isfinite(value):
        parts.append(small_sample_note(n_units, n_raters, small_sample))
    reading = "; ".join(part for part in parts if part) or None
    return {
        "coefficient": coefficient,
        "variant": variant,
        "value": float(value),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "n_raters": int(n_raters),
        "n_units": int(n_units),
        "reading": reading,
        "note": note or None,
    }


def _result_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    for column in ("coefficient", "variant", "reading", "note"):
        frame[column] = frame[column].astype("str")
    for column in ("n_raters", "n_units"):
        frame[column] = frame[column].astype(np.int64)
    for column in ("value", "ci_low", "ci_high"):
        frame[column] = frame[column].astype(float)
    return frame


def _empty_result() -> pd.DataFrame:
    return _result_frame([])


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second


def _check_metric(metric: str) -> None:
    if metric not in ALPHA_METRICS:
        raise ConfigurationError(
            f"Unknown Krippendorff metric {metric!r}. Fix: use one of {', '.join(ALPHA_METRICS)}."
        )


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ConfigurationError(
            f"confidence must be between 0 and 1, got {confidence!r}. Fix: e.g. 0.95."
        )


def _check_listwise(listwise: str) -> None:
    if listwise not in ("units", "raters"):
        raise ConfigurationError(
            f"listwise={listwise!r} is not supported. Fix: use 'units' or 'raters'."
        )
