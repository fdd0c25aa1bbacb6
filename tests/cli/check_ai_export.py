#!/usr/bin/env python3
"""Recomputes an AI benchmark's figures from farm's per-request export and checks them against
farm's own summary.

    check_ai_export.py REQUESTS.jsonl SUMMARY.json [--slo ttft=500,tpot=50,e2e=5000]
                       [--tolerance 0.005] [--benchmark 0]

REQUESTS.jsonl is what `farm perf:ai --export-requests REQUESTS.jsonl` wrote (one JSON object per
request: raw times in ms and the tokens the server counted); SUMMARY.json is the `--json` output
of the same call (schema farm.ai/1; its results[0] belongs to benchmark 0). Exit 0 when every
figure agrees within the tolerance (relative, default 0.5%), 1 with the disagreements listed.

This file does not read farm's code. The definitions are those of the serving benchmarks, as
their documentation and published metric code state them:

- TTFT: request start -> first generated token received (vLLM `ttft`, AIPerf "Time to First
  Token": first response timestamp - request start timestamp).
- E2E: request start -> final response of the stream (vLLM `latency`, AIPerf "Request Latency":
  final response timestamp - request start). The final response is the stream's end marker,
  which follows the EOS token that the server's usage counts.
- TPOT: (E2E - TTFT) / (output tokens - 1), requests with at least 2 output tokens (vLLM
  "Time per Output Token (excl. 1st token)"; AIPerf calls it Inter Token Latency).
- ITL: every gap between consecutive streamed chunks, pooled over all requests (vLLM's `itls`
  list, AIPerf's "Inter Chunk Latency"); its mean and median are over the pooled gaps.
- Benchmark duration: latest response - earliest request start (AIPerf's definition).
- Request throughput: successful requests / duration; output token throughput: their output
  tokens / duration; total token throughput: (input + output tokens) / duration.
- Goodput: successful requests meeting every SLO (each metric <= its ceiling) / duration.
- Error rate: failed requests / requests.
- Percentiles: linear interpolation between closest ranks (numpy's default).
"""

import argparse
import json
import math
import sys


def percentile(values, p):
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mean(values):
    return sum(values) / len(values)


def parse_slo(text):
    slo = {}
    for item in filter(None, text.split(",")):
        name, value = item.split("=")
        slo[name.strip()] = float(value)
    return slo


def recompute(requests, slo):
    ok = [r for r in requests if r["status"] == "ok"]
    ttft, e2e, tpot, gaps = [], [], [], []
    good = 0
    for r in ok:
        start = r["sent_ms"]
        first = r["chunks"][0]["at_ms"] if r["chunks"] else None
        final = r["end_marker_ms"] if r["end_marker_ms"] is not None else r["end_ms"]
        this = {"e2e": final - start}
        if first is not None:
            this["ttft"] = first - start
        times = [c["at_ms"] for c in r["chunks"]]
        gaps += [b - a for a, b in zip(times, times[1:])]
        tokens = r["output_tokens"]
        if "ttft" in this and tokens is not None and tokens >= 2:
            this["tpot"] = (this["e2e"] - this["ttft"]) / (tokens - 1)
        if "ttft" in this:
            ttft.append(this["ttft"])
        if "tpot" in this:
            tpot.append(this["tpot"])
        e2e.append(this["e2e"])
        if slo and all(name in this and this[name] <= ceiling for name, ceiling in slo.items()):
            good += 1
    duration_s = (max(r["end_ms"] for r in requests) - min(r["sent_ms"] for r in requests)) / 1e3
    out_tokens = sum(r["output_tokens"] or 0 for r in ok)
    in_tokens = sum(r["input_tokens"] or 0 for r in ok)
    figures = {
        "requests": len(requests),
        "succeeded": len(ok),
        "error_rate": (len(requests) - len(ok)) / len(requests),
        "total_output_tokens": out_tokens,
        "total_input_tokens": in_tokens,
        "duration_s": duration_s,
        "request_throughput": len(ok) / duration_s,
        "output_token_throughput": out_tokens / duration_s,
        "total_token_throughput": (in_tokens + out_tokens) / duration_s,
    }
    if slo:
        figures["goodput"] = good / duration_s
    for name, values in (("ttft_ms", ttft), ("tpot_ms", tpot), ("e2e_ms", e2e), ("itl_ms", gaps)):
        if values:
            figures[name + ".mean"] = mean(values)
            figures[name + ".median"] = percentile(values, 50)
            if name != "itl_ms":  # farm keeps the gaps in a histogram: its tails are estimates
                figures[name + ".p90"] = percentile(values, 90)
                figures[name + ".p99"] = percentile(values, 99)
    return figures


def farm_figures(result):
    figures = {
        "requests": result["requests"],
        "succeeded": result["succeeded"],
        "error_rate": result["error_rate"],
        "total_output_tokens": result["total_output_tokens"],
        "total_input_tokens": result["total_input_tokens"],
        "duration_s": result["wall_s"],
        "request_throughput": result["request_throughput"],
        "output_token_throughput": result["output_token_throughput"],
        "total_token_throughput": result["total_token_throughput"],
        "goodput": result["goodput"],
    }
    for name in ("ttft_ms", "tpot_ms", "e2e_ms", "itl_ms"):
        stats = result.get(name) or {}
        for stat in ("mean", "median", "p90", "p99"):
            if stat in stats:
                figures[name + "." + stat] = stats[stat]
    return figures


def agrees(mine, theirs, tolerance):
    if theirs is None:
        return False
    scale = max(abs(mine), abs(theirs))
    return scale < 1e-9 or abs(mine - theirs) <= tolerance * scale


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests")
    parser.add_argument("summary")
    parser.add_argument("--slo", default="", help="e.g. ttft=500,tpot=50,e2e=5000 (ms)")
    parser.add_argument("--tolerance", type=float, default=0.005)
    parser.add_argument("--benchmark", type=int, default=0)
    args = parser.parse_args()

    with open(args.requests, encoding="utf-8") as f:
        requests = [json.loads(line) for line in f if line.strip()]
    requests = [r for r in requests if r["benchmark"] == args.benchmark]
    if not requests:
        print(f"no request of benchmark {args.benchmark} in {args.requests}")
        return 1
    with open(args.summary, encoding="utf-8") as f:
        result = json.load(f)["results"][args.benchmark]
    mine = recompute(requests, parse_slo(args.slo))
    theirs = farm_figures(result)
    wrong = 0
    print(f"{'figure':<28} {'recomputed':>14} {'farm':>14}")
    for name, value in mine.items():
        other = theirs.get(name)
        good = agrees(value, other, args.tolerance)
        wrong += 0 if good else 1
        shown = "absent" if other is None else f"{other:14.4f}"
        print(f"{name:<28} {value:14.4f} {shown:>14}{'' if good else '   <- disagrees'}")
    if wrong:
        print(f"{wrong} figure(s) disagree by more than {args.tolerance:.1%}")
        return 1
    print(f"all {len(mine)} figures agree within {args.tolerance:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
