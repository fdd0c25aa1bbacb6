#!/usr/bin/env bash
# farm perf:dev on real dev servers from npm (the monorepo fixture: apps/site is Vite 6, apps/web
# Next.js 15): the HMR clock from each server's own socket, the browser clock from headless
# Chromium (the browser never sees an edit before the server announced it), a .tsx edit that
# still compiles, readiness not fooled by an address printed before the server's own, services
# found in a turbo workspace, and no process left behind, Chromium's included.
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

base=$((20000 + $$ % 15000))
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
web_service=', { "name": "web", "cwd": "apps/web",
    "command": ["./node_modules/.bin/next", "dev", "--port", "'$web_port'"],
    "reload": { "file": "app/page.jsx", "edit": "append" } }'

# An edit of a .tsx module with the default marker (a comment): the module still compiles, and
# Vite's HMR message is seen without any browser.
write_config '{ "file": "src/label.tsx", "edit": "append" }'
run_farm perf:dev --service site --runs 1 --reloads 2 --duration 0 --timeout 60 --json --no-record
expect_rc 0 "a .tsx edit with the default marker ($ERR)"
expect_eq "$(json_get "$OUT" 'd["services"][0]["hmr_protocol"]')" "vite-hmr" "Vite's socket"
expect_eq "$(json_get "$OUT" 'len(d["services"][0]["reload_clocks"]["hmr_ms"]["values"])')" "2" \
    "two HMR messages"
expect_eq "$(cat apps/site/src/label.tsx)" 'export const label: string = "acme label";' \
    "the edit was undone"
# Not ready at the database's address printed first: ready at Vite's own, its page answered.
expect_eq "$(json_get "$OUT" 'd["services"][0]["page_url"]')" "http://localhost:$site_port/" \
    "the page is Vite's Local: address"
expect_eq "$(json_get "$OUT" 'd["services"][0]["phases"]["first_2xx_s"]["values"][0] >= d["services"][0]["phases"]["port_open_s"]["values"][0] >= d["services"][0]["phases"]["first_output_s"]["values"][0]')" \
    "True" "phases in order"
expect_all_gone "Vite alone"

if command -v chromium >/dev/null 2>&1; then
    # Both servers, each page in Chromium; the edit puts a marker on the page.
    write_config '{ "file": "src/label.tsx", "edit": "insert", "after": "acme label" }' "$web_service"
    run_farm perf:dev --browser --runs 1 --reloads 2 --duration 0 --timeout 120 --json --no-record
    expect_rc 0 "Vite and Next.js in Chromium ($ERR)"
    # The site's edit puts a marker on the page: both clocks, the browser's never the first.
    clocks="d['services'][0]['reload_clocks']"
    expect_eq "$(json_get "$OUT" "len($clocks['browser_ms']['values'])")" "2" "site: browser clock"
    expect_eq "$(json_get "$OUT" "len($clocks['hmr_ms']['values'])")" "2" "site: HMR clock"
    expect_eq "$(json_get "$OUT" "all(b >= h for b, h in zip($clocks['browser_ms']['values'], $clocks['hmr_ms']['values']))")" \
        "True" "site: the browser shows the edit no sooner than the server announces it"
    # The web app's edit is a comment: its HMR clock runs, the browser says why it has none.
    expect_eq "$(json_get "$OUT" "len(d['services'][1]['reload_clocks']['hmr_ms']['values'])")" "2" \
        "web: HMR clock"
    expect_contains "$(json_get "$OUT" "d['services'][1]['browser_note']")" "insert" "web: why no browser clock"
    for i in 0 1; do
        expect_eq "$(json_get "$OUT" "len(d['services'][$i]['phases']['page_load_s']['values'])")" "1" \
            "service $i: the page's load event"
    done
    expect_eq "$(json_get "$OUT" 'd["services"][1]["hmr_protocol"]')" "next-webpack-hmr" "Next's socket"
    expect_eq "$(json_get "$OUT" 'len(d["browser_pids"])')" "1" "one Chromium"
    expect_eq "$(grep -c 'farm reload' apps/web/app/page.jsx apps/site/src/label.tsx | paste -sd,)" \
        "apps/web/app/page.jsx:0,apps/site/src/label.tsx:0" \
        "the edits were undone"
    expect_all_gone "Vite, Next.js and Chromium"
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
