#!/usr/bin/env bash
# farm perf:dev on the example dev server (examples/devserver): start-up and reload measured,
# recorded as kind dev, and no process of a service left behind in any way the run can end
# (completed, timeout, a missing command, Ctrl-C); a port in use is refused before anything starts.
source "$(dirname "$0")/lib.sh"

: "${FARM_SOURCE_DIR:?FARM_SOURCE_DIR must point to the source tree}"
cp -r "$FARM_SOURCE_DIR/examples/devserver" app
cd app || exit 2
port=$(free_port_block 1)

# write_config [EXTRA-ENV-JSON] [SECOND-SERVICE-JSON]
write_config() {
    cat >farm.config.json <<JSON
{ "dev": { "services": [
  { "name": "web", "command": "node server.js",
    "env": { "PORT": "$port", "STARTUP_MS": "200", "PID_FILE": "$WORK/web.pid" ${1:-} },
    "ready": { "url": "http://127.0.0.1:$port/" },
    "reload": { "file": "src/message.txt", "edit": "append", "output": "^reloaded" } } ${2:-}
] } }
JSON
}

# gone PID: no process with that pid, and none left in its process group.
gone() {
    [[ ! -d /proc/$1 ]] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null || return 1
    ! pgrep -g "$1" >/dev/null
}

write_config
original=$(cat src/message.txt)
run_farm perf:dev --runs 2 --reloads 2 --duration 0.5 --json
expect_rc 0 "measure the example dev server"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.dev/1" "schema"
expect_eq "$(json_get "$OUT" 'len(d["services"][0]["startup_s"]["values"])')" "2" "two start-ups"
expect_eq "$(json_get "$OUT" 'd["services"][0]["startup_s"]["min"] >= 0.2')" "True" \
    "start-up includes the server's 200 ms of start-up work"
expect_eq "$(json_get "$OUT" 'len(d["services"][0]["reload_s"]["values"])')" "2" "two reloads"
expect_eq "$(json_get "$OUT" 'min(d["services"][0]["reload_s"]["values"]) > 0')" "True" "reload > 0"
expect_eq "$(json_get "$OUT" 'd["services"][0]["rss_peak_bytes"]["max"] > 1e6')" "True" "RSS sampled"
expect_eq "$(json_get "$OUT" 'd["services"][0]["kind"]')" "frontend" "kind guessed from the name"
expect_eq "$(json_get "$OUT" 'd["services"][0]["startup_verdict"]')" "ok" "verdict against 2 s"
expect_eq "$(cat src/message.txt)" "$original" "the reload edit was undone"
for pid in $(json_get "$OUT" '" ".join(str(p) for p in d["service_pids"])'); do
    if gone "$pid"; then pass; else fail "service process $pid (or its group) still runs"; fi
done
dev_runs=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select group_concat(subject) from (select subject from runs where kind=\"dev\" order by subject)").fetchone()[0])' "$FARM_DB")
expect_eq "$dev_runs" "reload:web,startup:web" "recorded as kind dev"
COLUMNS=80 run_farm perf:dev --runs 1 --reloads 1 --duration 0.2 --no-record
expect_rc 0 "table output"
expect_contains "$OUT" "start-up median" "the table"
expect_contains "$OUT" "web" "the table names the service"
widest=$(printf '%s\n' "$OUT" | sed 's/\x1b\[[0-9;]*m//g' | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))')
if ((widest <= 80)); then pass; else fail "perf:dev output fits 80 columns (widest line $widest): $OUT"; fi

# Not ready too early: with the default readiness (the first local URL it prints), a line that
# names another local address without a scheme -- the database it connects to, whose port does
# accept connections -- must not count. The server's own address comes 200 ms later.
held=$((port + 1))
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$held" &
db_holder=$!
for _ in $(seq 50); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$held" 2>/dev/null && break; sleep 0.1; done
cat >farm.config.json <<JSON
{ "dev": { "services": [
  { "name": "web", "command": "echo 'connecting to postgres at localhost:$held'; exec node server.js",
    "env": { "PORT": "$port", "STARTUP_MS": "200" } } ] } }
JSON
run_farm perf:dev --runs 1 --reloads 0 --duration 0.2 --json --no-record
kill "$db_holder"
wait "$db_holder" 2>/dev/null
expect_rc 0 "a service that names its database's address first"
expect_eq "$(json_get "$OUT" 'd["services"][0]["startup_s"]["min"] >= 0.2')" "True" \
    "ready at the server's own URL, not at the database's localhost:$held"

# A root that redirects (to a locale, a login page) is a server that is up: ready.
write_config ', "REDIRECT": "1"'
run_farm perf:dev --runs 1 --reloads 0 --duration 0.1 --timeout 20 --json --no-record
expect_rc 0 "a service whose root answers 302 ($ERR)"
expect_eq "$(json_get "$OUT" 'len(d["services"][0]["startup_s"]["values"])')" "1" \
    "ready although its root redirects"
expect_eq "$(json_get "$OUT" 'd["services"][0]["phases"]["first_2xx_s"]["min"] >= d["services"][0]["phases"]["first_output_s"]["min"]')" \
    "True" "phases in order: first output, then the first 2xx/3xx"

# A reload setting that could only time out is refused when the config is read.
cat >farm.config.json <<JSON
{ "dev": { "services": [ { "name": "web", "command": "node server.js",
    "reload": { "file": "src/message.txt", "url": "http://127.0.0.1:$port/" } } ] } }
JSON
run_farm perf:dev --runs 1 --no-record
expect_rc 2 "touch with a URL check"
expect_contains "$ERR" "could only time out" "says why"

# A server that never becomes ready is stopped at the timeout, with its last lines.
write_config ', "HANG": "1"'
rm -f "$WORK/web.pid"
start=$(date +%s)
# 3 s: node itself can take over a second to start on a loaded machine, and the test needs the
# line it prints first.
run_farm perf:dev --runs 1 --timeout 3 --no-record
expect_rc 3 "a hanging service"
expect_contains "$ERR" "service 'web' was not ready after 3 s" "says which service timed out"
expect_contains "$ERR" "waiting for something that never comes" "shows its last output lines"
if (($(date +%s) - start < 15)); then pass; else fail "the timeout took too long"; fi
if gone "$(cat "$WORK/web.pid")"; then pass; else fail "the hanging server still runs"; fi

# A command that does not exist: named, exit 3, the other service stopped.
write_config '' ', { "name": "api", "command": "farm-no-such-server --port 1", "ready": { "port": 1 } }'
run_farm perf:dev --runs 1 --no-record
expect_rc 3 "a missing command"
expect_contains "$ERR" "service 'api'" "names the service"
expect_contains "$ERR" "command not found" "says what is wrong"
if gone "$(cat "$WORK/web.pid")"; then pass; else fail "the other service still runs"; fi

# A port already in use is refused before anything starts.
write_config
rm -f "$WORK/web.pid"
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$port" &
holder=$!
for _ in $(seq 50); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" 2>/dev/null && break; sleep 0.1; done
run_farm perf:dev --runs 1 --no-record
kill "$holder"
wait "$holder" 2>/dev/null
expect_rc 2 "a port in use"
expect_contains "$ERR" "port $port of service 'web' is already in use" "says which port"
if [[ ! -e "$WORK/web.pid" ]]; then pass; else fail "a service was started although its port was taken"; fi

# Ctrl-C while the services run: exit 130, nothing left.
write_config
rm -f "$WORK/web.pid"
"$FARM" perf:dev --runs 1 --duration 60 --no-record >out.txt 2>err.txt &
farm_pid=$!
for _ in $(seq 100); do [[ -s "$WORK/web.pid" ]] && break; sleep 0.1; done
sleep 1
kill -INT "$farm_pid"
wait "$farm_pid"
RC=$?
ERR=$(cat err.txt)
expect_rc 130 "Ctrl-C during perf:dev"
expect_contains "$ERR" "interrupted" "says it was interrupted"
if gone "$(cat "$WORK/web.pid")"; then pass; else fail "the service still runs after Ctrl-C"; fi

finish
