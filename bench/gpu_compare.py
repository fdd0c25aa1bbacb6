#!/usr/bin/env python3
"""farm's per-device GPU figures against nvidia-smi's log over the same window (bench/gpu_check.sh).

Usage: gpu_compare.py FARM_JSON SMI_CSV START END FIELDS
FARM_JSON is `farm perf:ai --json` output; SMI_CSV the `nvidia-smi --query-gpu=FIELDS
--format=csv,noheader,nounits -lms 200` log; START and END the Unix times around farm's run.
Prints one table per device and exits 1 when a figure is outside its tolerance.
"""
import csv
import datetime
import json
import sys

TOLERANCE = {"utilisation mean": 5.0, "temperature max": 1.0, "power mean": 5.0}
MEMORY_TOLERANCE = 0.01  # relative
ENERGY_TOLERANCE = 0.10  # relative, against power mean x wall time
MIB = 1024 * 1024


def smi_rows(path, fields, start, end):
    names = fields.split(",")
    rows = {}
    for row in csv.reader(open(path)):
        if len(row) != len(names):
            continue
        record = dict(zip(names, (v.strip() for v in row)))
        try:
            when = datetime.datetime.strptime(record["timestamp"], "%Y/%m/%d %H:%M:%S.%f")
        except ValueError:
            continue
        if not start <= when <= end:
            continue

        def number(key):
            value = record.get(key, "")
            try:
                return float(value)
            except ValueError:
                return None  # [N/A], [Not Supported]

        rows.setdefault(int(record["index"]), []).append({
            "uuid": record["uuid"],
            "util": number("utilization.gpu"),
            "used": number("memory.used"),
            "reserved": number("memory.reserved") if "memory.reserved" in names else None,
            "temp": number("temperature.gpu"),
            "power": number("power.draw"),
        })
    return rows


def values(rows, key):
    return [r[key] for r in rows if r[key] is not None]


def main():
    doc = json.load(open(sys.argv[1]))
    result = doc["results"][0]
    gpu = result.get("gpu")
    print("farm: %d requests, %d failed; GPU %s" % (result["requests"], result["errors"]["count"],
                                                    doc.get("gpu_name")))
    if not gpu or not gpu.get("devices"):
        print("farm recorded no GPU telemetry", file=sys.stderr)
        return 2
    start = datetime.datetime.fromtimestamp(float(sys.argv[3]))
    end = datetime.datetime.fromtimestamp(float(sys.argv[4]))
    smi = smi_rows(sys.argv[2], sys.argv[5], start, end)
    failures = 0

    def check(name, farm_value, smi_value, tolerance, unit, note=""):
        nonlocal failures
        if farm_value is None or smi_value is None:
            print("  %-20s %12s %12s %10s  not compared (%s)" % (
                name, farm_value, smi_value, "", "farm" if farm_value is None else "nvidia-smi"))
            return
        difference = farm_value - smi_value
        ok = abs(difference) <= tolerance
        failures += 0 if ok else 1
        print("  %-20s %12.1f %12.1f %+10.1f  %s (+-%g %s)%s" % (
            name, farm_value, smi_value, difference, "ok" if ok else "OUTSIDE", tolerance, unit,
            note))

    for device in gpu["devices"]:
        rows = smi.get(device["index"], [])
        print("device %d %s %s: farm %d samples, nvidia-smi %d" % (
            device["index"], device.get("name"), device.get("uuid"), device["samples"], len(rows)))
        if not rows:
            print("  nvidia-smi logged nothing for this device inside farm's run")
            failures += 1
            continue
        if rows[0]["uuid"] != device.get("uuid"):
            print("  UUIDs differ: nvidia-smi %s" % rows[0]["uuid"])
            failures += 1
        util = values(rows, "util")
        check("utilisation mean", device.get("utilization_mean_pct"),
              sum(util) / len(util) if util else None, TOLERANCE["utilisation mean"], "points")
        used = values(rows, "used")
        smi_used = max(used) if used else None
        farm_used = device.get("memory_used_max_bytes")
        farm_reserved = device.get("memory_reserved_max_bytes") or 0
        if farm_used is not None and smi_used:
            as_used = farm_used / MIB
            less_reserved = (farm_used - farm_reserved) / MIB
            closest, which = min(((as_used, "used"), (less_reserved, "used less reserved")),
                                 key=lambda pair: abs(pair[0] - smi_used))
            check("memory used max", closest, smi_used, smi_used * MEMORY_TOLERANCE, "MiB",
                  " [farm's %s]" % which)
        else:
            check("memory used max", None, smi_used, 0, "MiB")
        temp = values(rows, "temp")
        check("temperature max", device.get("temperature_max_c"), max(temp) if temp else None,
              TOLERANCE["temperature max"], "C")
        power = values(rows, "power")
        check("power mean", device.get("power_mean_w"), sum(power) / len(power) if power else None,
              TOLERANCE["power mean"], "W")
        if device.get("energy_j") is not None and device.get("power_mean_w") is not None:
            expected = device["power_mean_w"] * result["wall_s"]
            check("energy", device["energy_j"], expected, expected * ENERGY_TOLERANCE, "J",
                  " [against farm's power mean x wall time]")
        if device.get("throttled_fraction"):
            print("  throttled in %.0f%% of samples: %s" % (
                device["throttled_fraction"] * 100, ", ".join(device.get("throttle_reasons", []))))
    if "tokens_per_joule" in gpu:
        print("output tokens per joule (all devices): %.3f" % gpu["tokens_per_joule"])
    print("%d figure(s) outside tolerance" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
