"""Writes N deterministic GCJ-02 / WGS84 points over Rizhao as CSV (id, lon, lat, class)."""

import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
rng = random.Random(42)
with open(out, "w") as f:
    f.write("id,lon,lat,class\n")
    for i in range(n):
        f.write(f"{i},{118.6 + 1.1 * rng.random():.6f},{35.0 + rng.random():.6f},0{rng.randint(1, 5)}0{rng.randint(1, 9)}\n")
