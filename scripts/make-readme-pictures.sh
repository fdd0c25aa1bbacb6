#!/usr/bin/env bash
# Makes the pictures of README.md's quick start from the example workspace the demo measures
# (examples/workspace, copied to a temporary folder so the repository stays clean):
#   docs/images/terminal.png  `farm perf:build` as a terminal shows it (colours, 100 columns)
#   docs/images/report.png    the top of `farm perf:report --export report.html`
# Both are rendered by headless Chromium: the terminal output through
# scripts/terminal_to_html.py, the report as it is.
#
#   scripts/make-readme-pictures.sh [build/farm]
#
# Needs node, pnpm (scripts/ensure-pnpm.sh provides it), Chromium and `script` (util-linux).
# When build/tests/farm_mock_llm exists, an AI load sweep against it is recorded too, so that the
# report shows its throughput-latency curve. The numbers are this machine's: run it again after a
# change to the output, and commit the new pictures.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
farm="$(realpath "${1:-$root/build/farm}")"
mock="$(dirname "$farm")/tests/farm_mock_llm"
images="$root/docs/images"
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
pnpm_bin="$("$root/scripts/ensure-pnpm.sh")"
export PATH="$(dirname "$pnpm_bin"):$PATH"

work=$(mktemp -d)
mock_pid=
cleanup() {
    local status=$?
    if [[ -n $mock_pid ]]; then
        kill "$mock_pid" 2>/dev/null
        wait "$mock_pid" 2>/dev/null # the mock's own status (143): not the script's
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
mkdir -p "$images" "$work/profile"
cp -r "$root/examples/workspace" "$work/workspace"
rm -rf "$work/workspace/node_modules" "$work/workspace/.farm"
unset FARM_DB # the history is the copy's own .farm/perf.db
cd "$work/workspace"
# The pictures name the folder as a reader's project would be named, not this temporary copy.
as_project() { sed -i "s|$work/workspace|~/project|g" "$1"; }

screenshot() { # screenshot URL OUT.png WIDTH HEIGHT
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
        --disable-background-networking --user-data-dir="$work/profile" \
        --window-size="$3,$4" --screenshot="$2" "$1" 2>/dev/null
}

echo "recording a small history of the example workspace..." >&2
# Five runs each: enough iterations on both sides for the report's comparison to give verdicts.
for _ in 1 2; do
    "$farm" perf:build --runs 5 >/dev/null 2>&1
done
if [[ -x $mock ]]; then
    "$mock" --host 127.0.0.1 --port 0 --ttft-ms 40 --itl-ms 4 --chunks 16 >"$work/mock.out" 2>&1 &
    mock_pid=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$work/mock.out" && break
        sleep 0.05
    done
    url="http://127.0.0.1:$(awk '/listening on/ {print $3}' "$work/mock.out")"
    for _ in 1 2; do # twice: each level's latest run then has a baseline
        "$farm" perf:benchmark --provider openai --url "$url" --model demo \
            --concurrency-levels 1,2,4,8,16 --requests 32 >/dev/null 2>&1
    done
fi

# The terminal picture: the third build's report as a 100-column terminal shows it, colours
# included (stdout on a terminal; the progress lines on stderr are left out of the picture).
script -qfec "stty cols 100 rows 60; '$farm' perf:build --runs 5 2>/dev/null" /dev/null \
    >"$work/terminal.txt"
as_project "$work/terminal.txt"
read -r columns lines < <(python3 "$root/scripts/terminal_to_html.py" "$work/terminal.txt" \
    "~/project \$ farm perf:build --runs 5" "$work/terminal.html")
# 13 px DejaVu Sans Mono: 7.8 px a column, 17.6 px a line; plus the window's frame.
screenshot "file://$work/terminal.html" "$images/terminal.png" \
    $(((columns * 78 + 9) / 10 + 70)) $(((lines * 176 + 9) / 10 + 100))

# The report picture: its overview, at a desktop width (under 200 KB).
"$farm" perf:report --export "$work/report.html" >/dev/null 2>&1
as_project "$work/report.html"
screenshot "file://$work/report.html" "$images/report.png" 1100 780

for png in "$images/terminal.png" "$images/report.png"; do
    echo "wrote $png ($(($(stat -c %s "$png") / 1024)) KiB)" >&2
done
