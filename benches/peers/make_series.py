"""Writes N daily count series x 730 days (2024-01-01 to 2025-12-30) as a long Parquet table
with columns unique_id (string), ds (date32) and y (float64), sorted by unique_id then ds, every
day present (zeros included): cases per grid, the shape `citygrid forecast --series` and
statsforecast both read.

The series look like a city's case counts per unit grid (numpy, seed 20261126; series are drawn
in blocks of 1,000 from a generator seeded by (seed, block), so the first K series of a larger
file are the K series of a smaller one):
  - 60 % regular: negative binomial (gamma-Poisson, shape 2 to 10) around a low mean (log-normal,
    median 1.5 a day), with a weekday profile (fewer cases at weekends, by a random amount), a
    yearly cycle (amplitude 0 to 30 %, peak in summer give or take a month) and a mild trend
    (-20 % to +20 % over the two years);
  - 35 % intermittent: the same shapes around a mean of 0.02 to 0.3 a day, mostly zeros;
  - 5 % busy: mean 15 to 80 a day.
The kind of series i is drawn at random, so the shares hold on average.

Usage: make_series.py N OUT.parquet
"""

import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261126
DAYS = 730
BLOCK = 1000
START = np.datetime64("2024-01-01")

n, out = int(sys.argv[1]), sys.argv[2]
days = np.arange(DAYS)
dates = START + days
weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday (1970-01-01 was a Thursday)
day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
# Relative weekday load: busier early in the week, quiet at weekends.
WEEK = np.array([1.15, 1.10, 1.05, 1.05, 1.0, 0.85, 0.80])

schema = pa.schema([("unique_id", pa.string()), ("ds", pa.date32()), ("y", pa.float64())])
kinds = np.zeros(3, dtype=np.int64)
total = zeros = 0.0
with pq.ParquetWriter(out, schema) as writer:
    for block in range((n + BLOCK - 1) // BLOCK):
        rng = np.random.default_rng([SEED, block])
        b = BLOCK
        kind = rng.choice(3, size=b, p=[0.60, 0.35, 0.05])  # 0 regular, 1 intermittent, 2 busy
        base = np.where(
            kind == 0,
            rng.lognormal(np.log(1.5), 0.6, b),
            np.where(kind == 1, rng.uniform(0.02, 0.3, b), rng.uniform(15, 80, b)),
        )
        week_amp = rng.uniform(0.0, 1.5, b)  # 0: flat week, 1.5: 1.5 x the profile's swing
        year_amp = rng.uniform(0.0, 0.3, b)
        peak = rng.normal(196, 30, b)  # day of year of the summer peak
        trend = rng.uniform(-0.2, 0.2, b)
        shape = rng.uniform(2.0, 10.0, b)
        mean = (
            base[:, None]
            * (1 + week_amp[:, None] * (WEEK[weekday][None, :] - 1))
            * (1 + year_amp[:, None] * np.cos(2 * np.pi * (day_of_year[None, :] - peak[:, None]) / 365.25))
            * (1 + trend[:, None] * days[None, :] / DAYS)
        )
        lam = rng.gamma(shape[:, None], mean / shape[:, None])
        y = rng.poisson(lam).astype(np.float64)
        take = min(b, n - block * BLOCK)
        y = y[:take]
        kinds += np.bincount(kind[:take], minlength=3)
        total += y.sum()
        zeros += (y == 0).sum()
        ids = np.repeat(np.array([f"S{block * BLOCK + i:07d}" for i in range(take)]), DAYS)
        writer.write_table(
            pa.table(
                {
                    "unique_id": pa.array(ids, pa.string()),
                    "ds": pa.array(np.tile(dates, take), pa.date32()),
                    "y": pa.array(y.ravel(), pa.float64()),
                },
                schema=schema,
            ),
            row_group_size=BLOCK * DAYS,
        )
rows = n * DAYS
print(
    f"series: {n} x {DAYS} days = {rows} rows ({kinds[0]} regular, {kinds[1]} intermittent, "
    f"{kinds[2]} busy); mean {total / rows:.3f} cases a day, {zeros / rows:.1%} zeros -> {out}"
)
