#!/usr/bin/env python3
"""Fills a farm history database with a synthetic history, for the report benchmarks.

    bench/gen_history.py FARM DB [SUBJECTS] [RUNS_PER_SUBJECT] [ITERATIONS_PER_RUN]

The schema comes from farm itself (it records one run first), so the file is a real farm
history; the rows are written the way farm writes them: one row per run, per iteration, and per
run and metric with the values as a JSON array and the summary columns filled.
"""
import json, math, random, sqlite3, statistics, subprocess, sys

farm, db = sys.argv[1], sys.argv[2]
subjects = int(sys.argv[3]) if len(sys.argv) > 3 else 200
runs_per_subject = int(sys.argv[4]) if len(sys.argv) > 4 else 500
iterations = int(sys.argv[5]) if len(sys.argv) > 5 else 10

subprocess.run([farm, "perf:build", "--runs", "1", "--db", db, "--name", "seed", "--", "true"],
               check=True, stdout=subprocess.DEVNULL)
con = sqlite3.connect(db)
con.execute("PRAGMA synchronous = OFF")
rng = random.Random(1)
metrics = [("wall_s", "s"), ("user_s", "s"), ("sys_s", "s"), ("cpu_cores", "cores"),
           ("max_rss_bytes", "bytes"), ("tree_peak_rss_bytes", "bytes")]

def summary(values):
    s = sorted(values)
    n = len(s)
    def pct(p):
        k = (n - 1) * p / 100
        f = math.floor(k)
        return s[f] + (s[min(f + 1, n - 1)] - s[f]) * (k - f)
    return (n, statistics.fmean(s), statistics.median(s), statistics.stdev(s) if n > 1 else 0,
            s[0], s[-1], pct(95), pct(2.5), pct(97.5))

base_time = 1_790_000_000  # seconds since 1970, 2026-09
for subject in range(subjects):
    name = f"build:package-{subject:03d}"
    scale = 0.05 + subject * 0.01
    for r in range(runs_per_subject):
        started = base_time + r * 600 + subject
        iso = __import__("datetime").datetime.utcfromtimestamp(started).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        cur = con.execute(
            "INSERT INTO runs (kind, subject, command, folder, started_at, status, git_commit, "
            "git_branch, host_name, tool_versions, duration_s, project) "
            "VALUES ('build', ?, 'pnpm run build', '/bench', ?, 'ok', ?, 'main', 'bench', '{}', ?, '{}')",
            (name, iso, f"{r:040x}", scale * iterations))
        run_id = cur.lastrowid
        con.executemany("INSERT INTO iterations (run_id, idx, exit_code, signal) VALUES (?, ?, 0, 0)",
                        [(run_id, i) for i in range(iterations)])
        for metric, unit in metrics:
            factor = {"s": scale, "cores": 1.0, "bytes": 5e7}[unit]
            values = [factor * math.exp(rng.gauss(0, 0.05)) for _ in range(iterations)]
            con.execute("INSERT INTO metrics (run_id, name, unit, vals, count, mean, median, stddev, "
                        "min, max, p95, ci95_low, ci95_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (run_id, metric, unit, json.dumps(values), *summary(values)))
    if subject % 20 == 19:
        con.commit()
con.commit()
runs, its = con.execute("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM iterations)").fetchone()
print(f"{db}: {runs} runs, {its} iterations")
