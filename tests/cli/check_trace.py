#!/usr/bin/env python3
"""Checks a Chrome trace-event file as `farm ... --trace FILE` writes it.

    check_trace.py FILE [--requests N [--benchmarks K]] [--runs N] [--span TEXT]...
                        [--counter NAME]... [--track TEXT]...

Exit 0 when the file follows the format and holds what the options ask for, 1 with every problem
listed. This file does not read farm's code; the rules are those of the "Trace Event Format"
document (catapult docs/trace-event-format.md links it:
docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU) and of Perfetto's JSON
importer (perfetto docs/getting-started/other-formats.md):

- The JSON object form: {"traceEvents": [...]} with an optional displayTimeUnit "ms" or "ns".
- Every event has "name", "ph", "pid"; events other than metadata have "ts" and "tid";
  timestamps and durations are in microseconds.
- "X" (complete): "dur" >= 0. On one thread (pid, tid) complete events must nest properly: two
  slices either do not overlap or one contains the other (Perfetto drops a slice that overlaps
  another without nesting).
- "i" (instant): "s" is "g", "p" or "t" (thread when absent).
- "C" (counter): "args" is an object of numeric series (booleans and strings are not numbers).
- "M" (metadata): process_name and thread_name with args.name a string, thread_sort_index with
  an integer args.sort_index.

farm's own promises on top: timestamps are >= 0 and do not go back in file order (metadata
first); --requests N: in each of K benchmarks (--benchmarks, default 1: processes with request
spans) every request 0..N-1 is one span named "request I" (category starting "request"), the spans of one track never overlap (one slot per request in flight), and each
request that succeeded has exactly one "first token" instant on its track inside its span;
--runs N: N spans of category "run"; --span TEXT: a complete event whose name contains TEXT;
--counter NAME: a counter named NAME; --track TEXT: a thread named with TEXT.
"""
import argparse
import json
import numbers
import sys

EPSILON_US = 1e-3  # rounding of printed decimals


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_event(i, event, problems):
    where = f"event {i} ({event.get('name')!r}, ph {event.get('ph')!r})"
    for key in ("name", "ph", "pid"):
        if key not in event:
            problems.append(f"{where}: no {key!r}")
    ph = event.get("ph")
    if ph not in ("X", "i", "C", "M"):
        problems.append(f"{where}: unexpected phase")
        return
    if not isinstance(event.get("name"), str):
        problems.append(f"{where}: name is not a string")
    if not isinstance(event.get("pid"), int):
        problems.append(f"{where}: pid is not an integer")
    if ph != "M":
        if not is_number(event.get("ts")) or event["ts"] < 0:
            problems.append(f"{where}: ts is not a number >= 0")
        if not isinstance(event.get("tid"), int):
            problems.append(f"{where}: tid is not an integer")
    if "args" in event and not isinstance(event["args"], dict):
        problems.append(f"{where}: args is not an object")
    if ph == "X":
        if not is_number(event.get("dur")) or event["dur"] < 0:
            problems.append(f"{where}: dur is not a number >= 0")
        if not isinstance(event.get("cat"), str):
            problems.append(f"{where}: no category")
    elif ph == "i":
        if event.get("s", "t") not in ("g", "p", "t"):
            problems.append(f"{where}: scope {event.get('s')!r} is not g, p or t")
    elif ph == "C":
        args = event.get("args")
        if not isinstance(args, dict) or not args:
            problems.append(f"{where}: a counter needs args with its series")
        elif not all(is_number(v) for v in args.values()):
            problems.append(f"{where}: counter values must be numbers: {args}")
    elif ph == "M":
        args = event.get("args", {})
        name = event.get("name")
        if name in ("process_name", "thread_name") and not isinstance(args.get("name"), str):
            problems.append(f"{where}: args.name must be a string")
        if name == "thread_sort_index" and not isinstance(args.get("sort_index"), int):
            problems.append(f"{where}: args.sort_index must be an integer")


def check_nesting(spans, problems):
    """Spans of one thread: disjoint or nested, never partly overlapping."""
    tracks = {}
    for s in spans:
        tracks.setdefault((s["pid"], s["tid"]), []).append(s)
    for key, list_ in tracks.items():
        list_.sort(key=lambda s: (s["ts"], -s["dur"]))
        stack = []
        for s in list_:
            while stack and s["ts"] >= stack[-1]["ts"] + stack[-1]["dur"] - EPSILON_US:
                stack.pop()
            if stack and s["ts"] + s["dur"] > stack[-1]["ts"] + stack[-1]["dur"] + EPSILON_US:
                problems.append(f"track {key}: {s['name']!r} overlaps {stack[-1]['name']!r} "
                                "without nesting in it")
            stack.append(s)


def check_requests(spans, instants, count, benchmarks, problems):
    requests = [s for s in spans if s.get("cat", "").startswith("request")]
    by_benchmark = {}
    for s in requests:
        by_benchmark.setdefault(s["pid"], []).append(s)
    if len(by_benchmark) != benchmarks:
        problems.append(f"{len(by_benchmark)} benchmarks (processes with requests), expected "
                        f"{benchmarks}")
    for pid, spans_of_pid in sorted(by_benchmark.items()):
        check_benchmark(pid, spans_of_pid, instants, count, problems)
    by_track = {}
    for s in requests:
        by_track.setdefault((s["pid"], s["tid"]), []).append(s)
    for key, list_ in by_track.items():
        list_.sort(key=lambda s: s["ts"])
        for a, b in zip(list_, list_[1:]):
            if b["ts"] < a["ts"] + a["dur"] - EPSILON_US:
                problems.append(f"track {key}: {a['name']!r} and {b['name']!r} overlap")


def check_benchmark(pid, requests, instants, count, problems):
    """The requests of one benchmark (one process): each index once, its first token inside."""
    seen = {}
    for s in requests:
        seen.setdefault(s.get("args", {}).get("request"), []).append(s)
    for index in range(count):
        found = seen.get(index, [])
        if len(found) != 1:
            problems.append(f"pid {pid}, request {index}: {len(found)} spans, expected 1")
            continue
        span = found[0]
        if span["name"] != f"request {index}":
            problems.append(f"pid {pid}, request {index}: span named {span['name']!r}")
        if "error" in span.get("args", {}):
            continue
        firsts = [i for i in instants if i["name"] == "first token" and i["pid"] == pid
                  and i.get("args", {}).get("request") == index]
        if len(firsts) != 1:
            problems.append(f"pid {pid}, request {index}: {len(firsts)} first-token instants, "
                            "expected 1")
            continue
        first = firsts[0]
        if first["tid"] != span["tid"]:
            problems.append(f"pid {pid}, request {index}: its first token is on another track")
        if not (span["ts"] - EPSILON_US <= first["ts"] <= span["ts"] + span["dur"] + EPSILON_US):
            problems.append(f"pid {pid}, request {index}: first token at {first['ts']} outside "
                            f"its span [{span['ts']}, {span['ts'] + span['dur']}]")
    extra = set(seen) - set(range(count))
    if extra:
        problems.append(f"pid {pid}: spans of requests not in the run: {sorted(extra, key=str)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--benchmarks", type=int, default=1)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--span", action="append", default=[])
    parser.add_argument("--counter", action="append", default=[])
    parser.add_argument("--track", action="append", default=[])
    options = parser.parse_args()
    problems = []
    with open(options.file, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        print("not a trace: no traceEvents list")
        return 1
    if doc.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        problems.append(f"displayTimeUnit {doc.get('displayTimeUnit')!r} is not ms or ns")
    events = doc["traceEvents"]
    for i, event in enumerate(events):
        check_event(i, event, problems)
    timed = [e for e in events if e.get("ph") != "M"]
    for a, b in zip(timed, timed[1:]):
        if is_number(a.get("ts")) and is_number(b.get("ts")) and b["ts"] < a["ts"]:
            problems.append(f"ts goes back: {a['name']!r} at {a['ts']}, then {b['name']!r} at "
                            f"{b['ts']}")
            break
    if problems:  # the rest reads fields the checks above found missing
        print("\n".join(problems))
        return 1
    spans = [e for e in events if e["ph"] == "X"]
    instants = [e for e in events if e["ph"] == "i"]
    check_nesting(spans, problems)
    if options.requests is not None:
        check_requests(spans, instants, options.requests, options.benchmarks, problems)
    if options.runs is not None:
        runs = [s for s in spans if s["cat"] == "run"]
        if len(runs) != options.runs:
            problems.append(f"{len(runs)} run spans, expected {options.runs}")
    for text in options.span:
        if not any(text in s["name"] for s in spans):
            problems.append(f"no span named with {text!r}")
    for name in options.counter:
        if not any(e["ph"] == "C" and e["name"] == name for e in events):
            problems.append(f"no counter {name!r}")
    threads = [e["args"].get("name", "") for e in events
               if e["ph"] == "M" and e["name"] == "thread_name"]
    for text in options.track:
        if not any(text in t for t in threads):
            problems.append(f"no track named with {text!r}")
    if problems:
        print("\n".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
