#!/usr/bin/env bash
# perf:report's HTML export rendered by a real browser (headless Chromium), with hostile subject
# names, and --push to a real Prometheus Pushgateway started on loopback.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pushgateway.sh"
src="${FARM_SOURCE_DIR:?}"

hostile='<script>alert(1)</script>'
for i in 1 2 3; do
    "$FARM" perf:build --runs 5 --name "$hostile" -- sleep 0.01 >/dev/null
    "$FARM" perf:build --runs 5 --name "web & api" -- sleep 0.02 >/dev/null
done

# HTML: self-contained, escaped, and drawn by a browser.
run_farm perf:report --compare --fail-on never --export report.html
expect_rc 0 "HTML export"
html=$(cat report.html)
expect_contains "$html" "<svg" "the report has charts"
expect_contains "$html" "&lt;script&gt;alert(1)&lt;/script&gt;" "the hostile subject is escaped"
expect_not_contains "$html" "$hostile" "the hostile subject never appears raw"
expect_not_contains "$html" "http://" "no network reference (http)"
expect_not_contains "$html" "https://" "no network reference (https)"
dom=$("$src/tests/fixtures/render_html_check.sh" report.html shot.png 2>chromium.err)
rc=$?
if [[ $rc -eq 0 && -s shot.png && -s shot-390.png ]]; then pass; else fail "Chromium rendered no screenshots, or the page logged to the console or overflowed at 390 pixels (rc $rc): $(tail -3 chromium.err)"; fi
png_bytes=$(stat -c %s shot.png 2>/dev/null || echo 0)
if [[ $png_bytes -gt 20000 ]]; then pass; else fail "the screenshot is nearly empty ($png_bytes bytes)"; fi
expect_contains "$dom" "<svg" "the browser parsed the charts"
expect_contains "$dom" "&lt;script&gt;alert(1)&lt;/script&gt;" "the browser shows the name as text"
if grep -q '<script>alert' <<<"$dom"; then fail "a script element reached the DOM"; else pass; fi

# Push to a real Pushgateway.
start_pushgateway || { fail "the Pushgateway did not start"; finish; exit 1; }
run_farm perf:report --push "$PUSHGATEWAY_URL"
expect_rc 0 "--push"
metrics=$(pushgateway_metrics)
expect_contains "$metrics" 'farm_build_duration_seconds{' "the gateway holds the durations"
expect_contains "$metrics" 'subject="web & api"' "grouped by subject"
expect_contains "$metrics" "host=\"$(hostname)\"" "and by host"
expect_contains "$metrics" 'subject="<script>alert(1)</script>"' "the hostile subject arrives intact"

# A gateway that is down: a clear error, exit 2, the history untouched.
stop_pushgateway
sum_before=$(sha256sum "$FARM_DB")
run_farm perf:report --push "$PUSHGATEWAY_URL"
expect_rc 2 "a Pushgateway that is down"
expect_contains "$ERR" "cannot reach the Pushgateway" "says what failed"
expect_eq "$(sha256sum "$FARM_DB")" "$sum_before" "the history is untouched"

finish
