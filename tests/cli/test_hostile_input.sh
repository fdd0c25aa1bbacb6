#!/usr/bin/env bash
# Hostile input never crashes farm, hangs it or leaks a secret: JSON nested 100,000 levels deep,
# input files that are devices, FIFOs, folders or huge, durations no clock holds, fractions where
# a count belongs, and passwords and keys in commands and URLs.
source "$(dirname "$0")/lib.sh"

# run_bounded ARGS...: run_farm with bounds, so that a hang fails the test (rc 124) instead of
# hanging it, and a reader that reads /dev/zero until memory runs out fails it (rc 137) instead
# of taking the machine with it. Not the memory bound under AddressSanitizer, which reserves
# terabytes of address space.
memory_kib=4194304
if grep -qa __asan_init "$FARM"; then memory_kib=unlimited; fi
run_bounded() {
    (ulimit -v "$memory_kib" && exec timeout -k 5 20 "$FARM" "$@") >"$WORK/.out" 2>"$WORK/.err" </dev/null
    RC=$?
    OUT=$(cat "$WORK/.out")
    ERR=$(cat "$WORK/.err")
}

mkdir proj && echo '{"name":"p"}' >proj/package.json

# --- JSON nested 100,000 levels deep: a located error, not a stack overflow ---------------------
python3 -c 'import sys; n=100000; sys.stdout.write("{\"build\":\n" + "["*n + "]"*n + "}\n")' \
    >proj/farm.config.json
cd proj && run_bounded perf:test; cd "$WORK" || exit 2
expect_rc 2 "a config nested 100000 levels deep"
expect_contains "$ERR" "farm.config.json:2:512: arrays and objects nested deeper than 512 levels" \
    "the nesting error names the file, line and column"

python3 -c 'import sys; n=100000; sys.stdout.write("{\"results\": " + "["*n + "]"*n + "}")' >deep.json
run_bounded perf:report --import deep.json --subject deep
expect_rc 2 "an import nested 100000 levels deep"
expect_contains "$ERR" "deep.json:1:524: arrays and objects nested deeper than 512 levels" \
    "the import's nesting error is located"

# --- "runs": 2.5 is an error, located -----------------------------------------------------------
cat >proj/farm.config.json <<'JSON'
{"test": {"suites": [
  {"name": "cli", "kind": "build", "command": ["true"],
   "runs": 2.5}]}}
JSON
cd proj && run_bounded perf:test; cd "$WORK" || exit 2
expect_rc 2 "\"runs\": 2.5"
expect_contains "$ERR" "farm.config.json:3:12: test.suites[0].runs: must be a whole number" \
    "a fractional count names its place"
rm proj/farm.config.json

# --- input files that are not regular files, or too large: refused at once, with their path -----
mkfifo fifo.txt
mkdir folder.txt
truncate -s 70M huge.txt
for input in /dev/zero "$WORK/fifo.txt" "$WORK/folder.txt" "$WORK/huge.txt"; do
    run_bounded perf:ai --no-record --url http://127.0.0.1:9 --model m --prompts-file "$input"
    expect_rc 2 "prompts file $input"
    expect_contains "$ERR" "$input: prompts file " "the refusal names $input"
done
run_bounded perf:ai --no-record --url http://127.0.0.1:9 --model m --prompts-file /dev/zero
expect_contains "$ERR" "is a character device, not a regular file" "/dev/zero's kind is named"
run_bounded perf:ai --no-record --url http://127.0.0.1:9 --model m --prompts-file fifo.txt
expect_contains "$ERR" "is a FIFO (named pipe), not a regular file" "a FIFO's kind is named"
run_bounded perf:ai --no-record --url http://127.0.0.1:9 --model m --prompts-file folder.txt
expect_contains "$ERR" "is a directory, not a regular file" "a folder's kind is named"
run_bounded perf:ai --no-record --url http://127.0.0.1:9 --model m --prompts-file huge.txt
expect_contains "$ERR" "is 73400320 bytes (70 MiB), more than the 64 MiB farm reads" "the size and the limit"

rm fifo.txt
mkfifo proj/farm.config.json
cd proj && run_bounded perf:test; cd "$WORK" || exit 2
expect_rc 2 "a config that is a FIFO"
expect_contains "$ERR" "farm.config.json: config file is a FIFO" "the config FIFO is named"
rm proj/farm.config.json

# --- durations no clock holds: refused with the bound -------------------------------------------
for option in "--timeout 1e300" "--timeout nan" "--timeout inf" "--time-budget 1e300" \
    "--timeout 2592001"; do
    # shellcheck disable=SC2086 # the option and its value are two words
    run_bounded perf:build --no-record $option -- true
    expect_rc 2 "perf:build $option"
    expect_contains "$ERR" "is not a number of seconds above 0 and at most 2592000 (30 days)" \
        "perf:build $option names the bound"
done
run_bounded perf:build --no-record --runs 1 --timeout 2592000 -- true
expect_rc 0 "--timeout of exactly 30 days is accepted"
run_bounded perf:build --no-record --sample-hz 1e-300 -- true
expect_rc 2 "--sample-hz 1e-300 (a period of 1e300 s)"
for option in "--timeout 1e300" "--duration 1e300" "--rate 1e-300"; do
    # shellcheck disable=SC2086
    run_bounded perf:ai --no-record --url http://127.0.0.1:9 --model m $option
    expect_rc 2 "perf:ai $option"
done
run_bounded perf:dev --no-record --duration nan
expect_rc 2 "perf:dev --duration nan"

# --- secrets in commands and URLs: never printed, stored or exported ----------------------------
run_bounded perf:build --runs 2 --json -- true mysql -uroot -pHunter2pw \
    'https://api.example.com/v1?api_key=K3yV4lue&model=x' --token=T0kenValue
expect_rc 0 "a command with secrets is measured"
expect_contains "$OUT" "mysql -uroot '-p***'" "the -pVALUE password is masked in the JSON"
expect_contains "$OUT" 'api_key=***&model=x' "the URL's key is masked in the JSON"
run_bounded perf:report --export report.json
run_bounded perf:report --export report.csv
run_bounded perf:report --export report.md
run_bounded perf:report
report_out=$OUT
exports=$(cat report.json report.csv report.md)
database=$(python3 -c 'import sqlite3,sys; print("\n".join(str(r) for r in sqlite3.connect(sys.argv[1]).iterdump()))' "$FARM_DB")
stored_bytes=$(cat "$FARM_DB"* | strings)
for secret in Hunter2pw K3yV4lue T0kenValue; do
    for place in "OUT" "ERR" "report_out" "exports" "database" "stored_bytes"; do
        expect_not_contains "${!place}" "$secret" "$secret in $place"
    done
done
expect_contains "$exports" "api_key=***" "the exports keep the masked command"

run_bounded perf:ai --no-record --url 'http://127.0.0.1:9/v1?api_key=S3cretKey' --model m \
    --requests 1
expect_not_contains "$OUT$ERR" "S3cretKey" "an AI provider URL's key is not printed"
# A push that succeeds prints the gateway's URL: a stub that answers every request with 200.
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost"
python3 -c '
import http.server, sys
class Ok(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_PUT = do_POST = do_GET = do_DELETE = answer
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Ok)
print(server.server_address[1], flush=True)
server.serve_forever()
' >stub.port &
stub_pid=$!
for _ in $(seq 50); do [[ -s stub.port ]] && break; sleep 0.1; done
run_bounded perf:report --push "http://127.0.0.1:$(cat stub.port)/?token=PushT0ken"
expect_rc 0 "a push to the stub gateway"
expect_contains "$OUT$ERR" "token=***" "the push names the gateway, its token masked"
expect_not_contains "$OUT$ERR" "PushT0ken" "a Pushgateway URL's token is not printed"
kill "$stub_pid"
wait "$stub_pid" 2>/dev/null

finish
