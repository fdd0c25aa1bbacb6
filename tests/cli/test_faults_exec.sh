#!/usr/bin/env bash
# Faults of the process side end cleanly: a closed terminal (SIGHUP) and SIGQUIT stop the whole
# measured tree and keep the partial result as interrupted, as SIGTERM does; farm started with
# SIGCHLD ignored resets it and finishes normally; a busy process a previous run left behind is
# not charged to the runs after it.
source "$(dirname "$0")/lib.sh"

# The measured command: a shell that writes its own pid and a background sleep's to a file, then
# waits; nothing of it may be left once farm has exited.
cat >tree.sh <<'SCRIPT'
sleep 30 & echo $$ $! > "$1"; wait
SCRIPT

tree_left() { # tree_left PIDFILE: prints the pids of the file that still exist
    local pid
    for pid in $(cat "$1" 2>/dev/null); do
        [[ -e /proc/$pid ]] && echo "$pid"
    done
}

wait_for_file() { # wait_for_file FILE: at most 10 s
    for _ in $(seq 100); do [[ -s "$1" ]] && return 0; sleep 0.1; done
    return 1
}

wait_bounded() { # wait_bounded PID: its exit code, or 124 (and SIGKILL) when it runs on past 20 s
    for _ in $(seq 200); do
        kill -0 "$1" 2>/dev/null || { wait "$1"; return; }
        sleep 0.1
    done
    kill -9 "$1"
    wait "$1"
    return 124
}

stored_status() { # stored_status NAME
    run_farm perf:report --json --subject "$1"
    json_get "$OUT" 'd["subjects"][0]["runs"][0]["status"]' 2>/dev/null
}

# --- SIGHUP: farm leads a session whose terminal (a pseudo-terminal) is closed.
cat >hangup.py <<'SCRIPT'
import os, pty, sys, time
farm, pidfile = sys.argv[1], sys.argv[2]
pid, master = pty.fork()
if pid == 0:
    os.execv(farm, [farm, "perf:build", "--runs", "1000", "--name", "hangup", "--",
                    "sh", "tree.sh", pidfile])
deadline = time.time() + 10
while time.time() < deadline and not (os.path.exists(pidfile) and os.path.getsize(pidfile)):
    try:
        os.read(master, 4096)  # keep the terminal's buffer from filling
    except OSError:
        pass
    time.sleep(0.05)
os.close(master)  # the terminal hangs up: its session gets SIGHUP
deadline = time.time() + 20
while time.time() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        print(os.waitstatus_to_exitcode(status))
        sys.exit(0)
    time.sleep(0.05)
print("still running")
os.kill(pid, 9)
SCRIPT
RC=$(python3 hangup.py "$FARM" "$WORK/hangup.pids")
ERR="(farm ran on a pseudo-terminal)"
expect_rc 130 "SIGHUP from a closed terminal"
left=$(tree_left hangup.pids)
expect_eq "$left" "" "SIGHUP: no process of the measured tree is left"
[[ -n "$left" ]] && kill -9 $left
expect_eq "$(stored_status hangup)" "interrupted" "SIGHUP: the partial result is stored as interrupted"

# --- SIGQUIT sent with kill. A background job of a script starts with SIGQUIT ignored; farm
# handles it all the same.
"$FARM" perf:build --runs 1000 --name quit -- sh tree.sh "$WORK/quit.pids" >out.txt 2>err.txt &
farm_pid=$!
if wait_for_file quit.pids; then pass; else fail "SIGQUIT: the measured tree did not start"; fi
kill -QUIT "$farm_pid"
wait_bounded "$farm_pid"
RC=$?
ERR=$(cat err.txt)
expect_rc 130 "SIGQUIT to farm"
left=$(tree_left quit.pids)
expect_eq "$left" "" "SIGQUIT: no process of the measured tree is left"
[[ -n "$left" ]] && kill -9 $left
expect_contains "$(cat out.txt)" "interrupted after" "SIGQUIT: the partial result is printed"
expect_eq "$(stored_status quit)" "interrupted" "SIGQUIT: the partial result is stored as interrupted"

# --- Under nohup a hang-up is ignored, as asked: the runs complete.
nohup "$FARM" perf:build --runs 3 --no-record -- sleep 0.3 >nohup.txt 2>&1 &
farm_pid=$!
sleep 0.5
kill -HUP "$farm_pid"
wait_bounded "$farm_pid"
RC=$?
ERR=$(cat nohup.txt)
expect_rc 0 "nohup: SIGHUP is ignored"

# --- Started with SIGCHLD ignored (inherited across exec), farm still sees its children end.
run_farm_sigchld_ignored() {
    timeout 20 python3 -c '
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$FARM" "$@" >"$WORK/.out" 2>"$WORK/.err"
    RC=$?
    OUT=$(cat "$WORK/.out")
    ERR=$(cat "$WORK/.err")
}
run_farm_sigchld_ignored perf:build --runs 3 --no-record -- true
expect_rc 0 "SIGCHLD ignored at start (124: farm hung)"

# --- A busy daemon that the first run leaves behind (it leaves the group with setsid, farm
# adopts it as subreaper) is not charged to the runs after it: their tree CPU stays near zero.
cat >busy.py <<'SCRIPT'
import os, time
open("busy.pid", "w").write(str(os.getpid()))
end = time.time() + 30
while time.time() < end and os.path.exists("keep-busy"):
    pass
SCRIPT
cat >step.sh <<'SCRIPT'
if mkdir started 2>/dev/null; then setsid python3 busy.py </dev/null >/dev/null 2>&1 & fi
sleep 0.5
SCRIPT
touch keep-busy
run_farm perf:build --runs 5 --warmup 0 --no-record --json -- sh step.sh
rm -f keep-busy
expect_rc 0 "runs beside a busy adopted daemon"
# Runs 2 to 5 are each 0.5 s of sleep; charged with the daemon, each would show its whole CPU
# time so far (0.5 s to 2 s of it), at least one core. Run 1 started the daemon: it is its own.
cores=$(json_get "$OUT" 'max(r["cpu_cores"] for r in d["runs"][1:])' 2>/dev/null)
if python3 -c "import sys; sys.exit(0 if float('${cores:-9}') < 0.4 else 1)"; then
    pass
else
    fail "tree CPU charged with a process that existed before the run: cpu_cores up to $cores"
fi
[[ -s busy.pid ]] && kill "$(cat busy.pid)" 2>/dev/null

finish
