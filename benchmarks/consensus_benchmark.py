"""Time `delphi_table` on 1,000,000+ ratings against a plain per-group implementation.

Run: ``.venv/bin/python benchmarks/consensus_benchmark.py`` (options: ``--help``).

Generates 5,000 subjects x 17 assessors x 12 dimensions (1,020,000 ratings, about 5 %
don't-knows) deterministically, times :func:`scirocco_lab.assessment.consensus.delphi_table` (best
of ``--repeats`` runs) and a straightforward implementation that loops over the groups of a pandas
groupby computing the same statistics with numpy per group, checks both tables are equal, and prints
the times and their ratio. The numbers measured on the project machine are in
``docs/statistics.md``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

from scirocco_lab.assessment.consensus import DelphiRule, delphi_table

SEED = 20_240_517


def make_ratings(
    n_subjects: int = 5_000, n_assessors: int = 17, n_dimensions: int = 12, seed: int = SEED
) -> pd.DataFrame:
    """Deterministic synthetic panel: each (subject, dimension) has a true level, assessors
    scatter around it (some panels agree, some split), about 5 % answer don't-know."""
    rng = np.random.default_rng(seed)
    n_groups = n_subjects * n_dimensions
    true_level = rng.integers(0, 6, size=n_groups)
    spread = rng.choice([0.5, 1.0, 2.0], size=n_groups, p=[0.4, 0.4, 0.2])
    noise = rng.normal(0.0, 1.0, size=(n_groups, n_assessors)) * spread[:, None]
    levels = np.clip(np.rint(true_level[:, None] + noise), 0, 5)  # (subject, dimension) x assessor
    levels = levels.reshape(n_subjects, n_dimensions, n_assessors).transpose(0, 2, 1).ravel()
    dont_know = rng.random(levels.size) < 0.05
    levels[dont_know] = np.nan
    subjects = np.array([f"region-{i:05d}" for i in range(n_subjects)], dtype=object)
    assessors = np.array([f"assessor-{j:02d}" for j in range(n_assessors)], dtype=object)
    dimensions = np.array([f"dimension-{k:02d}" for k in range(n_dimensions)], dtype=object)
    return pd.DataFrame(
        {
            "subject": np.repeat(subjects, n_assessors * n_dimensions),
            "round": 1,
            "assessor": np.tile(np.repeat(assessors, n_dimensions), n_subjects),
            "dimension": np.tile(dimensions, n_subjects * n_assessors),
            "level": levels,
            "dont_know": dont_know,
        }
    )


def per_group_table(ratings: pd.DataFrame) -> pd.DataFrame:
    """The default SCIROCCO Delphi rule written the obvious way: one group at a time."""
    rows = []
    grouped = ratings.groupby(["subject", "round", "dimension"], sort=True)
    for (subject, round_number, dimension), group in grouped:
        dont_know = group["dont_know"].to_numpy()
        levels = group["level"].to_numpy()[~dont_know]
        n_rated = levels.size
        median = float(np.median(levels))
        q1, q3 = np.quantile(levels, [0.25, 0.75])
        point = math.ceil(median)  # half-integer medians round up (paper: 2.5 -> Progressing)
        low, high = max(point - 1, 0), min(point + 1, 5)
        inside = int(np.sum((levels >= low) & (levels <= high)))
        n_outside = n_rated - inside
        distribution = "Split" if n_outside >= 4 else "Agreement"
        if distribution == "Split":
            maturity = "Uncertain"
        elif point <= 2:
            maturity = "Initial"
        elif point <= 4:
            maturity = "Progressing"
        else:
            maturity = "Optimising"
        frequencies = np.unique(levels, return_counts=True)[1]
        rows.append(
            {
                "subject": subject,
                "round": round_number,
                "dimension": dimension,
                "n_rated": n_rated,
                "n_dont_know": int(dont_know.sum()),
                "median": median,
                "q1": q1,
                "q3": q3,
                "iqr": q3 - q1,
                # Published convention: a half-integer median's neighbours count one half each.
                "pct_at_median": 50
                * (np.mean(levels == math.floor(median)) + np.mean(levels == math.ceil(median))),
                "pct_in_agreement": 100 * inside / n_rated,
                "pct_at_mode": 100 * frequencies.max() / n_rated,
                "n_outside": n_outside,
                "distribution": distribution,
                "delphi_label": maturity,
            }
        )
    return pd.DataFrame(rows)


def assert_same_table(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    keys = ["subject", "round", "dimension"]
    fast = fast.sort_values(keys).reset_index(drop=True)
    slow = slow.sort_values(keys).reset_index(drop=True)
    for column in slow.columns:
        if column in keys or slow[column].dtype == object or slow[column].dtype == "str":
            equal = fast[column].astype(str).to_numpy() == slow[column].astype(str).to_numpy()
            assert equal.all(), f"column {column} differs in {np.sum(~equal)} rows"
        else:
            np.testing.assert_allclose(
                fast[column].to_numpy(dtype=float),
                slow[column].to_numpy(dtype=float),
                rtol=0,
                atol=1e-9,
                err_msg=f"column {column} differs",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=5_000)
    parser.add_argument("--assessors", type=int, default=17)
    parser.add_argument("--dimensions", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5, help="runs of delphi_table (best kept)")
    args = parser.parse_args()

    ratings = make_ratings(args.subjects, args.assessors, args.dimensions)
    share_dont_know = ratings["dont_know"].mean()
    print(
        f"{len(ratings):,} ratings: {args.subjects:,} subjects x {args.assessors} assessors x "
        f"{args.dimensions} dimensions, {share_dont_know:.1%} don't-know"
    )

    fast_times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        fast = delphi_table(ratings, rule=DelphiRule())
        fast_times.append(time.perf_counter() - started)
    best_fast = min(fast_times)

    started = time.perf_counter()
    slow = per_group_table(ratings)
    slow_time = time.perf_counter() - started

    assert_same_table(fast, slow)
    print(f"groups: {len(fast):,}; tables identical (all columns of the per-group version)")
    print(f"delphi_table (vectorised), best of {args.repeats}: {best_fast:.3f} s")
    print(f"per-group loop (groupby + numpy per group), 1 run: {slow_time:.3f} s")
    print(f"speed-up: {slow_time / best_fast:.0f}x")
    print(
        "distribution: "
        + ", ".join(f"{k} {v:,}" for k, v in fast["distribution"].value_counts().items())
    )


if __name__ == "__main__":
    main()
