#!/usr/bin/env bash
# perf:report --export report.html, read as a person would and checked as text: the overview
# lists every subject with its verdict, value axes start at zero, x labels carry run ids, the
# config's threshold draws a line, compared runs get box plots, perf:benchmark's sweep gets its
# throughput-latency curve (and --export FILE.svg writes it), a hostile name stays text; then
# headless Chromium renders it at 1280 and 390 pixels with nothing on the console.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"
src="${FARM_SOURCE_DIR:?}"

cat >farm.config.json <<'JSON'
{"test": {"suites": [{"name": "api", "kind": "build", "command": ["sleep", "0.01"],
                      "thresholds": [{"metric": "wall_s", "max": 0.02}]}]}}
JSON
hostile='"><img src=x onerror=alert(1)>'
for i in 1 2 3; do
    "$FARM" perf:build --runs 5 --name api -- sleep 0.01 >/dev/null
    "$FARM" perf:build --runs 5 --name "$hostile" -- sleep 0.01 >/dev/null
done
"$FARM" perf:build --runs 2 --name broken -- false >/dev/null 2>&1

start_mock --ttft-ms 20 --itl-ms 2 --chunks 4
run_farm perf:benchmark --provider openai --url "$MOCK_URL" --model m --concurrency-levels 1,2,4 \
    --requests 8 --export curve.svg
expect_rc 0 "perf:benchmark --export curve.svg"
svg=$(cat curve.svg 2>/dev/null)
expect_contains "$svg" '<svg xmlns="http://www.w3.org/2000/svg"' "a standalone SVG document"
expect_contains "$svg" '<polyline class="curve"' "holding the throughput-latency curve"
expect_eq "$(grep -o '<circle class="curve-dot"' curve.svg | wc -l)" "3" "one point per level"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' curve.svg
if [[ $? -eq 0 ]]; then pass; else fail "curve.svg is not well-formed XML"; fi
run_farm perf:benchmark --provider openai --url "$MOCK_URL" --model m --concurrency-levels 1 \
    --export curve.png --no-record
expect_rc 2 "--export needs .svg"
expect_contains "$ERR" "ending in .svg" "and says so"

run_farm perf:report --config farm.config.json --export report.html
expect_rc 0 "HTML export without --compare (the overview compares; it never fails the call)"
html=$(cat report.html)
overview=$(sed -n '/<section id="overview">/,/<\/section>/p' report.html)

# The overview: first, one row per subject, each with a verdict and a link to its section.
first_section=$(grep -o '<section[^>]*>' report.html | head -1)
expect_eq "$first_section" '<section id="overview">' "the overview is the first section"
subjects=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(distinct kind||subject) from runs").fetchone()[0])' "$FARM_DB")
expect_eq "$(grep -c '<td class="verdict">' <<<"$overview")" "$subjects" "a verdict per subject"
expect_eq "$(grep -o '<li><a href="#subject-[0-9]*">' <<<"$overview" | wc -l)" "$subjects" \
    "the contents link every subject"
expect_contains "$overview" '">build · api</a></td><td>wall time</td>' "api is listed"
expect_contains "$overview" '<td class="verdict">no completed run</td>' "so is the failing one"
expect_contains "$overview" '<a href="#sweeps">' "and the AI sweeps"

# api's section: from zero, run ids under the runs, the threshold line, the box plot.
api=$(awk '/<h2>build · api<\/h2>/,/<\/section>/' report.html)
api_ids=$(python3 -c 'import sqlite3,sys; print(" ".join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute("select id from runs where subject=? order by id", ("api",))))' "$FARM_DB")
primary=$(grep -o '<svg class="chart trend"[^>]*>.*' <<<"$api" | head -1 | sed 's|</svg>.*||')
expect_contains "$primary" 'data-y-from="0"' "api's axis starts at zero"
expect_contains "$primary" '<text class="tick" x="72.0" y="196.0" text-anchor="end">0 s</text>' \
    "its lowest tick is 0 s at the foot of the plot"
for id in $api_ids; do
    expect_contains "$primary" ">#$id</text>" "run #$id is labelled on the x axis"
done
expect_contains "$primary" '<line class="limit"' "the perf:test threshold is drawn"
expect_contains "$primary" 'data-value="0.02"' "at its value"
expect_contains "$primary" 'perf:test max (median)' "and named"
expect_contains "$api" '<svg class="chart box-plot"' "the compared runs get a box plot"
expect_eq "$(grep -o '<rect class="box' <<<"$api" | wc -l)" "2" "baseline and latest boxes"
expect_contains "$api" '<details class="more-metrics">' "the other metrics are folded"
# Every chart starts at zero or shows its break.
starts=$(grep -o 'data-y-from="[a-z0-9]*"' report.html | sort | uniq -c)
breaks=$(grep -o 'data-y-from="break"' report.html | wc -l)
marks=$(grep -o '<g class="axis-break">' report.html | wc -l)
expect_eq "$marks" "$breaks" "each broken axis is marked ($starts)"
expect_contains "$html" '<section id="sweeps">' "the AI sweep section"
expect_contains "$html" '<polyline class="curve"' "with the throughput-latency curve"

# Escaping: the hostile name is text everywhere.
expect_not_contains "$html" '<img src=x' "the hostile name never appears raw"
expect_contains "$html" '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' "it is escaped"
# The AI runs' commands name their URL as text; nothing is loaded from or linked to one.
expect_not_contains "$html" 'src="' "nothing to load"
expect_not_contains "$html" 'href="http' "no link out"

# A real browser, desktop and phone width, nothing on the console.
"$src/tests/fixtures/render_html_check.sh" report.html shot.png >dom.html 2>chromium.err
rc=$?
if [[ $rc -eq 0 ]]; then pass; else fail "render check (rc $rc): $(tail -5 chromium.err)"; fi
for png in shot.png shot-390.png; do
    bytes=$(stat -c %s "$png" 2>/dev/null || echo 0)
    if [[ $bytes -gt 20000 ]]; then pass; else fail "$png is nearly empty ($bytes bytes)"; fi
done
# The page has no image of its own: an <img> in the parsed DOM came from the hostile name.
if grep -q '<img' dom.html; then fail "an img element reached the DOM"; else pass; fi

finish
