#!/usr/bin/env bash
# perf:build --counters: hardware counters of the whole process tree, or a clear reason why not.
# Whether this machine allows them is probed independently of farm (perf_event_open through
# ctypes), so the test checks farm's answer against the kernel's on any machine: counted figures
# where the kernel gives them, the exact refusal where it does not.
source "$(dirname "$0")/lib.sh"

probe=$(python3 - <<'PY'
import ctypes, errno, os, struct
libc = ctypes.CDLL(None, use_errno=True)
NR_perf_event_open = 298  # x86_64
def try_open(exclude_kernel):
    # perf_event_attr: type, size, config, sample_period, sample_type, read_format, flags...
    flags = (1 << 0) | (1 << 1) | (1 << 6) | ((1 << 5) if exclude_kernel else 0)  # disabled, inherit, exclude_hv
    attr = struct.pack("IIQQQQQ", 0, 128, 1, 0, 0, 0, flags) + bytes(128 - 48)  # HARDWARE, INSTRUCTIONS
    buf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(NR_perf_event_open, buf, 0, -1, -1, 0)
    if fd >= 0:
        os.close(fd)
        return 0
    return ctypes.get_errno()
e = try_open(False)
if e in (errno.EACCES, errno.EPERM):
    e = try_open(True)
print("yes" if e == 0 else errno.errorcode.get(e, str(e)))
PY
)
echo "kernel probe: hardware counters ${probe}"

run_farm perf:build --counters --runs 3 -n loop --json -- sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done'
expect_rc 0 "a run with --counters"
available=$(json_get "$OUT" 'd["counters"]["available"]')
if [[ "$probe" == "yes" ]]; then
    expect_eq "$available" "True" "farm counts where the kernel allows it"
    instructions=$(json_get "$OUT" 'd["summary"]["instructions"]["median"]')
    # A shell loop of 2000 steps is millions of instructions; `true` alone far fewer.
    if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 1e6 else 1)" "$instructions"; then pass; else fail "instructions of the loop: $instructions"; fi
    for metric in cycles branch_misses cache_misses; do
        expect_eq "$(json_get "$OUT" "'$metric' in d['summary']")" "True" "$metric measured"
    done
    run_farm perf:build --counters --runs 3 -n loop -- sh -c 'i=0; while [ $i -lt 4000 ]; do i=$((i+1)); done'
    run_farm perf:report --compare --metric instructions --json
    expect_rc 1 "twice the instructions is a regression on the instructions metric"
else
    expect_eq "$available" "False" "farm refuses where the kernel does ($probe)"
    note=$(json_get "$OUT" 'd["counters"]["note"]')
    expect_contains "$note" "counters not available: " "the reason is given"
    case "$probe" in
    ENOENT | EOPNOTSUPP) expect_contains "$note" "exposes no hardware performance counters" "ENOENT explained" ;;
    EACCES | EPERM) expect_contains "$note" "perf_event_paranoid" "a refusal names perf_event_paranoid" ;;
    esac
    expect_eq "$(json_get "$OUT" "'instructions' in d['summary']")" "False" "no counter figure is invented"
    expect_eq "$(json_get "$OUT" "d['summary']['wall_s']['count']")" "3" "the timing is measured all the same"
    run_farm perf:build --counters --runs 2 -- true
    expect_rc 0 "the table form"
    expect_contains "$OUT" "counters not available: " "the table says why the counters are missing"
fi

# A pnpm project's steps are not counted: --counters there is refused, not silently ignored.
run_farm perf:build --counters
expect_rc 2 "--counters in the project mode"
expect_contains "$ERR" "--counters" "the refusal names the option"

# Without --counters nothing is said about counters, and no counter metric is stored.
run_farm perf:build --runs 2 --json -- true
expect_eq "$(json_get "$OUT" "'counters' in d")" "False" "no counters key without --counters"
finish
