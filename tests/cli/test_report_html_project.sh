#!/usr/bin/env bash
# The HTML report's project section (issue 18 §5) from real recorded runs: two `perf:build`
# invocations of tests/fixtures/steps-workspace (four packages, nothing to install) give a
# stacked chart of build time and one of output size per package: one bar per invocation, one
# segment per package stacked bottom first in the legend's order, each segment titled with its
# package, the sizes' segments in proportion to the packages' brotli bytes; headless Chromium
# renders it at 1280 and 390 pixels with nothing on the console.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

pnpm_bin=$(monorepo_pnpm) || { fail "pnpm 10 could not be installed"; finish; exit; }
cp -r "$FARM_SOURCE_DIR/tests/fixtures/steps-workspace" ws
for i in 1 2; do
    run_farm perf:build --pnpm "$pnpm_bin" --install none --runs 1 --no-progress ws
    expect_rc 0 "project run $i recorded"
done
run_farm perf:report --export report.html
expect_rc 0 "perf:report --export report.html"
expect_contains "$(cat report.html)" '<section id="projects">' "the project section"

# check_stacks TITLE UNIT: the figure captioned TITLE, read as a person would see it; prints what
# is wrong, one finding a line, or nothing.
check_stacks() {
    python3 - report.html "$1" "$2" <<'PY'
import re, sys
html, title, unit = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], sys.argv[3]
packages = ["@steps/p1", "@steps/p2", "@steps/p3", "@steps/p4"]
figure = re.search(r"<figure><figcaption>" + re.escape(title) + r"</figcaption>(.*?)</figure>", html, re.S)
if not figure:
    sys.exit(print("no figure captioned " + title))
figure = figure.group(1)
svg = re.search(r'<svg class="chart stacked"[^>]*>.*?</svg>', figure, re.S)
if not svg or 'data-y-from="0"' not in svg.group(0)[:300]:
    sys.exit(print("no stacked chart from zero"))
legend = re.findall(r"<li><span class=\"swatch\" style=\"background:([^\"]+)\"></span>([^<]*)</li>", figure)
if [name for _, name in legend] != packages:
    print("the legend is %s" % legend)
colour = {name: c for c, name in legend}
segments = re.findall(r'<rect class="segment" fill="([^"]+)" x="([-\d.]+)" y="([-\d.]+)" width="[\d.]+" '
                      r'height="([\d.]+)"><title>([^<]*)</title></rect>', svg.group(0))
bars = {}
for fill, x, y, height, tip in segments:
    bars.setdefault(x, []).append((fill, float(y), float(height), tip))
if len(bars) != 2:
    print("%d bars, expected one per perf:build (2)" % len(bars))
for x, bar in bars.items():
    names = [tip.split(":")[0] for _, _, _, tip in bar]
    if names != packages:
        print("bar at %s: segments %s" % (x, names))
        continue
    for (fill, y, height, tip), name in zip(bar, names):
        if fill != colour.get(name):
            print("%s: colour %s, its legend says %s" % (name, fill, colour.get(name)))
        if not re.search(r": [\d.]+ " + unit + r" \(#\d+–\d+\)$", tip):
            print("%s: title %r" % (name, tip))
    # Stacked: each segment sits on the one before (SVG's y grows downwards).
    for below, above in zip(bar, bar[1:]):
        if abs(above[1] + above[2] - below[1]) > 0.15:
            print("bar at %s: a segment does not sit on the one below: %s" % (x, bar))
            break
    if "B" in unit:
        ratio = bar[3][2] / bar[0][2]
        if not 6.4 <= ratio <= 9.6:
            print("bar at %s: p4's segment is %.2f times p1's, its output is 8 times larger" % (x, ratio))
PY
}
expect_eq "$(check_stacks 'build time per package (run medians, stacked)' '(µs|ms|s)')" "" \
    "build time: stacked segments per package, legend in order"
expect_eq "$(check_stacks 'output size per package (stacked)' '(B|KiB)')" "" \
    "output size: stacked segments per package in proportion"

"$FARM_SOURCE_DIR/tests/fixtures/render_html_check.sh" report.html shot.png >dom.html 2>chromium.err
rc=$?
if [[ $rc -eq 0 ]]; then pass; else fail "render check (rc $rc): $(tail -5 chromium.err)"; fi
expect_contains "$(cat dom.html)" 'class="chart stacked"' "the stacked charts reach the rendered page"

finish
