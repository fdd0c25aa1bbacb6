#!/usr/bin/env bash
# farm perf:dev on real dev servers from npm (the monorepo fixture: apps/site is Vite 6, apps/web
# Next.js 15, run with webpack and with --turbopack): the HMR clock from each server's own socket
# (Turbopack's chunk-list subscription included), the browser clock from headless Chromium on
# the Vite page and on the Next.js page (the browser never sees an edit before the server
# announced it), a .tsx edit that still compiles, readiness not fooled by an address printed
# before the server's own, services found in a turbo workspace, and no process left behind,
# Chromium's included.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

if ! monorepo_install "$WORK/mono" >"$WORK/install.log" 2>&1; then
    if [[ -n "${FARM_TEST_STRICT:-}" ]]; then
        fail "the monorepo fixture does not install: $(tail -3 "$WORK/install.log")"
    else
        echo "SKIP [$TEST_NAME] the monorepo fixture does not install here: $(tail -1 "$WORK/install.log")"
    fi
    finish
    exit
fi
cd "$WORK/mono" || exit 2
(cd packages/lib && ./node_modules/.bin/tsc -p tsconfig.json) || fail "the library does not build"

# The site shows a label from a .tsx module.
cat >apps/site/src/label.tsx <<'TSX'
export const label: string = "acme label";
TSX
cat >apps/site/src/main.js <<'JS'
import { greeting } from "@acme/lib";
import { label } from "./label.tsx";

document.getElementById("title").textContent = greeting("site") + " " + label;
JS

# gone PID: no process with that pid, and none left in its process group.
gone() {
    [[ ! -d /proc/$1 ]] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null || return 1
    ! pgrep -g "$1" >/dev/null
}
expect_all_gone() {
    local pid
    for pid in $(json_get "$OUT" '" ".join(str(p) for p in d["service_pids"] + d["browser_pids"])'); do
        if gone "$pid"; then pass; else fail "$1: process $pid (or its group) still runs"; fi
    done
}

base=$(free_port_block 3)
site_port=$base
web_port=$((base + 1))
held=$((base + 2))
# A "database" that accepts connections on the port the site names first.
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(600)' "$held" &
db_holder=$!
trap 'kill $db_holder 2>/dev/null; rm -rf "$WORK"' EXIT

# write_config SITE-RELOAD-JSON [WEB-SERVICE-JSON]
write_config() {
    cat >farm.config.json <<JSON
{ "dev": { "services": [
  { "name": "site", "cwd": "apps/site",
    "command": "echo 'connecting to postgres at localhost:$held'; exec ./node_modules/.bin/vite --port $site_port --strictPort",
    "reload": $1 } ${2:-}
] } }
JSON
}
# web_service [EXTRA-NEXT-ARG]: the Next.js app; its edit puts a marker in the page's heading.
web_service() {
    echo ', { "name": "web", "cwd": "apps/web",
    "command": ["./node_modules/.bin/next", "dev", "--port", "'$web_port'"'"${1:+, \"$1\"}"'],
    "reload": { "file": "app/page.jsx", "edit": "insert", "after": "<h1>" } }'
}

# An edit of a .tsx module with the default marker (a comment): the module still compiles, and
# Vite's HMR message is seen without any browser. Recorded in a history of its own: each reload
# keeps the name of the HMR message that stopped its clock, in the JSON and in the history.
write_config '{ "file": "src/label.tsx", "edit": "append" }'
run_farm perf:dev --service site --runs 1 --reloads 2 --duration 0 --timeout 60 --json \
    --db "$WORK/hmr.db"
expect_rc 0 "a .tsx edit with the default marker ($ERR)"
expect_eq "$(json_get "$OUT" 'd["services"][0]["hmr_protocol"]')" "vite-hmr" "Vite's socket"
expect_eq "$(json_get "$OUT" 'len(d["services"][0]["reload_clocks"]["hmr_ms"]["values"])')" "2" \
    "two HMR messages"
expect_eq "$(json_get "$OUT" '[(r["reload"], r["hmr_message"], r["hmr_ms"] == h) for r, h in zip(d["services"][0]["reloads"], d["services"][0]["reload_clocks"]["hmr_ms"]["values"])]')" \
    "[(1, 'vite:full-reload', True), (2, 'vite:full-reload', True)]" \
    "each reload names Vite's message (a full reload: nothing accepts label.tsx's update)"
expect_eq "$(cat apps/site/src/label.tsx)" 'export const label: string = "acme label";' \
    "the edit was undone"
# Not ready at the database's address printed first: ready at Vite's own, its page answered.
expect_eq "$(json_get "$OUT" 'd["services"][0]["page_url"]')" "http://localhost:$site_port/" \
    "the page is Vite's Local: address"
expect_eq "$(json_get "$OUT" 'd["services"][0]["phases"]["first_2xx_s"]["values"][0] >= d["services"][0]["phases"]["port_open_s"]["values"][0] >= d["services"][0]["phases"]["first_output_s"]["values"][0]')" \
    "True" "phases in order"
expect_all_gone "Vite alone"
expect_eq "$(python3 -c 'import json,sqlite3,sys; print(json.loads(sqlite3.connect(sys.argv[1]).execute("select project from runs where subject = ?", ("reload:site",)).fetchone()[0])["hmr_messages"])' "$WORK/hmr.db")" \
    "vite:full-reload
vite:full-reload" "the history keeps each reload's HMR message"

if command -v chromium >/dev/null 2>&1; then
    # Both servers, each page in Chromium; the edit puts a marker on the page.
    write_config '{ "file": "src/label.tsx", "edit": "insert", "after": "acme label" }' "$(web_service)"
    run_farm perf:dev --browser --runs 1 --reloads 2 --duration 0 --timeout 120 --json --no-record
    expect_rc 0 "Vite and Next.js in Chromium ($ERR)"
    # Each edit puts a marker on its page: both clocks, the browser's never the first.
    for i in 0 1; do
        clocks="d['services'][$i]['reload_clocks']"
        expect_eq "$(json_get "$OUT" "len($clocks['browser_ms']['values'])")" "2" "service $i: browser clock"
        expect_eq "$(json_get "$OUT" "len($clocks['hmr_ms']['values'])")" "2" "service $i: HMR clock"
        expect_eq "$(json_get "$OUT" "all(b >= h for b, h in zip($clocks['browser_ms']['values'], $clocks['hmr_ms']['values']))")" \
            "True" "service $i: the browser shows the edit no sooner than the server announces it"
    done
    for i in 0 1; do
        expect_eq "$(json_get "$OUT" "len(d['services'][$i]['phases']['page_load_s']['values'])")" "1" \
            "service $i: the page's load event"
    done
    expect_eq "$(json_get "$OUT" 'd["services"][1]["hmr_protocol"]')" "next-webpack-hmr" "Next's socket"
    expect_eq "$(json_get "$OUT" '[r["hmr_message"] in ("next:built", "next:sync") for r in d["services"][1]["reloads"]]')" \
        "[True, True]" "each Next.js reload names webpack's built or sync"
    expect_eq "$(json_get "$OUT" 'len(d["browser_pids"])')" "1" "one Chromium"
    expect_eq "$(grep -c 'farm reload' apps/web/app/page.jsx apps/site/src/label.tsx | paste -sd,)" \
        "apps/web/app/page.jsx:0,apps/site/src/label.tsx:0" \
        "the edits were undone"
    expect_all_gone "Vite, Next.js and Chromium"

    # Turbopack (next dev --turbopack): farm subscribes to the page's chunk lists and its HMR
    # clock stops at their update; the browser clock runs as well. The site's edit is a comment
    # this time: its HMR clock runs, and the browser says why it has none.
    rm -rf apps/web/.next
    write_config '{ "file": "src/label.tsx", "edit": "append" }' "$(web_service --turbopack)"
    run_farm perf:dev --browser --runs 1 --reloads 2 --duration 0 --timeout 120 --json --no-record
    expect_rc 0 "Next.js with Turbopack in Chromium ($ERR)"
    expect_eq "$(json_get "$OUT" 'd["services"][1]["hmr_protocol"]')" "next-turbopack-hmr" "Turbopack's socket"
    expect_eq "$(json_get "$OUT" '[r["hmr_message"] for r in d["services"][1]["reloads"]]')" \
        "['turbopack:turbopack-message', 'turbopack:turbopack-message']" \
        "each Turbopack reload names the chunk list's update"
    clocks="d['services'][1]['reload_clocks']"
    expect_eq "$(json_get "$OUT" "len($clocks['hmr_ms']['values'])")" "2" "Turbopack: HMR clock"
    expect_eq "$(json_get "$OUT" "len($clocks['browser_ms']['values'])")" "2" "Turbopack: browser clock"
    expect_eq "$(json_get "$OUT" "all(b >= h for b, h in zip($clocks['browser_ms']['values'], $clocks['hmr_ms']['values']))")" \
        "True" "Turbopack: the browser shows the edit no sooner than the server announces it"
    expect_eq "$(json_get "$OUT" "len(d['services'][0]['reload_clocks']['hmr_ms']['values'])")" "2" \
        "site: HMR clock of a comment edit"
    expect_contains "$(json_get "$OUT" "d['services'][0]['browser_note']")" "insert" "site: why no browser clock"
    expect_eq "$(grep -c 'farm reload' apps/web/app/page.jsx apps/site/src/label.tsx | paste -sd,)" \
        "apps/web/app/page.jsx:0,apps/site/src/label.tsx:0" "the edits were undone"
    expect_all_gone "Vite, Next.js with Turbopack and Chromium"

    # perf:test: the start-up phases and the reload clocks take thresholds like any metric (with
    # "browser": true for the page's load and the browser clock); the advice reads them back from
    # the history (farm optimize), judged on the browser clock. The limits make it speak.
    cat >farm.config.json <<JSON
{ "dev": { "services": [
  { "name": "site", "cwd": "apps/site",
    "command": ["./node_modules/.bin/vite", "--port", "$site_port", "--strictPort"],
    "reload": { "file": "src/label.tsx", "edit": "insert", "after": "acme label" } } ] },
  "thresholds": { "dev": { "reload_fast_s": 0, "reload_slow_s": 0, "browser_lag_s": 0 } },
  "test": { "suites": [
    { "name": "site", "kind": "dev", "runs": 1, "reloads": 2, "duration_s": 0, "timeout_s": 60,
      "browser": true,
      "thresholds": [
        { "subject": "startup:site", "metric": "first_2xx_s", "max": 600 },
        { "subject": "startup:site", "metric": "page_load_s", "max": 600 },
        { "subject": "reload:site", "metric": "hmr_ms", "max": 600000 },
        { "subject": "reload:site", "metric": "browser_ms", "max": 0.001 } ] } ] } }
JSON
    run_farm perf:test --json
    expect_rc 1 "a browser clock over its threshold fails the suite"
    expect_eq "$(json_get "$OUT" '[(c["metric"], c["verdict"]) for c in d["suites"][0]["checks"]]')" \
        "[('first_2xx_s', 'PASS'), ('page_load_s', 'PASS'), ('hmr_ms', 'PASS'), ('browser_ms', 'FAIL')]" \
        "phases and clocks checked"
    expect_eq "$(json_get "$OUT" 'all(c["value"] > 0 for c in d["suites"][0]["checks"])')" "True" \
        "each measured"
    run_farm optimize --json
    expect_rc 0 "farm optimize"
    expect_eq "$(json_get "$OUT" 'sorted(r["rule"] for r in d["recommendations"] if r["area"] == "dev")')" \
        "['browser_update_lag', 'slow_reload']" "dev advice from the history"
    expect_contains "$(json_get "$OUT" '[r["finding"] for r in d["recommendations"] if r["rule"] == "slow_reload"][0]')" \
        "until the browser shows it" "the reload judged on the browser clock"
elif [[ -n "${FARM_TEST_STRICT:-}" ]]; then
    fail "chromium is missing (make test-deps installs it)"
else
    echo "SKIP [$TEST_NAME] no chromium on PATH: the browser clock is not tested"
fi

# A missing Chromium is named, with what to do; nothing is started.
run_farm perf:dev --chromium /nonexistent/chromium --runs 1 --no-record
expect_rc 2 "a Chromium that is not there"
expect_contains "$ERR" "--chromium /nonexistent/chromium" "names the option"

# At a turbo root without dev.services: one service per package with a dev script, each run with
# pnpm --filter.
rm farm.config.json
npm_config_manage_package_manager_versions=false PATH="$(dirname "$(monorepo_pnpm)"):$PATH" \
    run_farm perf:dev "$WORK/mono" --runs 1 --reloads 0 \
    --duration 0 --timeout 120 --json --no-record
expect_rc 0 "the workspace's dev scripts ($ERR)"
expect_eq "$(json_get "$OUT" '",".join(s["name"] for s in d["services"])')" "@acme/site,@acme/web" \
    "one service per package with a dev script"
expect_contains "$(json_get "$OUT" 'd["services"][0]["command"]')" "--filter @acme/site run dev" \
    "run with pnpm --filter"
expect_all_gone "the workspace's services"

finish
