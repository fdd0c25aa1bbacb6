#!/usr/bin/env bash
# perf:ai's workloads against the scripted mock, which records every request body it receives
# (--record-requests): default prompts are unique per request and per run (no two share their
# first 64 bytes, so no prefix cache can serve one), --input-len and its distributions shape
# them, --output-len reaches each provider under its own wire fields, --seed repeats a workload,
# a dataset with a bad line is refused at its line and column, and runs of different workloads
# are never pooled by `perf:report --compare`.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

REC="$WORK/requests.jsonl"
start_mock --chunks 3 --record-requests "$REC"

# prompts_of FILE: the prompt text of each recorded request, one JSON string a line.
prompts_of() {
    python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    body = json.loads(line)["body"]
    if "messages" in body:
        text = "\n\n".join(m["content"] for m in body["messages"])
    else:
        text = body.get("prompt", body.get("inputs", body.get("input")))
    print(json.dumps(text))
PY
}
# distinct_heads FILE: how many different first-64-byte heads the recorded prompts have.
distinct_heads() {
    prompts_of "$1" | python3 -c 'import json,sys; print(len({json.loads(l).encode()[:64] for l in sys.stdin}))'
}

# --- default: every prompt its own, in one run and across runs -----------------------------------
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --concurrency 4 \
    --warmup 2 --json
expect_rc 0 "default workload"
expect_eq "$(wc -l <"$REC")" "42" "40 measured + 2 warm-up requests recorded"
expect_eq "$(distinct_heads "$REC")" "42" "no two prompts of a run share their first 64 bytes"
expect_eq "$(json_get "$OUT" 'd["results"][0]["requests"]')" "40" "all measured"
expect_eq "$(json_get "$OUT" 'd["workload"]["prompts"], d["workload"]["label"]')" "('unique', '')" \
    "the JSON document says what was asked"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --warmup 0 --json
expect_eq "$(distinct_heads "$REC")" "82" "a second run repeats none of the first's prompts"
subjects=$(python3 -c 'import sqlite3,sys; print(sorted({r[0] for r in sqlite3.connect(sys.argv[1]).execute("select subject from runs")}))' "$FARM_DB")
expect_eq "$subjects" "['openai/m/chat_stream']" "the default workload keeps the plain subject"
facts=$(python3 -c 'import sqlite3,sys,json; print(json.loads(sqlite3.connect(sys.argv[1]).execute("select project from runs order by id desc").fetchone()[0]))' "$FARM_DB")
expect_contains "$facts" "'workload.prompts': 'unique'" "the workload is stored with the run"
expect_contains "$facts" "'workload.seed_given': 'false'" "a drawn seed is stored as drawn"
expect_contains "$facts" "'workload.seed': '" "the drawn seed is stored"

# --- --seed repeats the prompts; --input-len counts words -----------------------------------------
rm -f "$REC"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 5 --warmup 0 \
    --seed 7 --input-len 100 --no-record
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 5 --warmup 0 \
    --seed 7 --input-len 100 --no-record
expect_eq "$(prompts_of "$REC" | sort | uniq | wc -l)" "5" "the same seed sends the same 5 prompts"
expect_eq "$(prompts_of "$REC" | python3 -c 'import json,sys; print(sorted({len(json.loads(l).split()) for l in sys.stdin}))')" \
    "[100]" "--input-len 100: prompts of 100 words (one token each)"

rm -f "$REC"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 30 --warmup 0 \
    --seed 3 --input-len uniform:20:40 --no-record
lengths=$(prompts_of "$REC" | python3 -c 'import json,sys; n=[len(json.loads(l).split()) for l in sys.stdin]; print(min(n) >= 20, max(n) <= 40, len(set(n)) > 5)')
expect_eq "$lengths" "True True True" "uniform:20:40: lengths spread within the range"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --input-len uniform:40:20 --no-record
expect_rc 2 "a reversed range"
expect_contains "$ERR" "--input-len: 'uniform:40:20' has its lowest length above its highest" \
    "the bad distribution is named"

# --- --prefix-len: a shared prefix on purpose ----------------------------------------------------
rm -f "$REC"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 6 --warmup 0 \
    --prefix-len 20 --no-record
expect_eq "$(prompts_of "$REC" | python3 -c 'import json,sys; print(len({" ".join(json.loads(l).split()[:20]) for l in sys.stdin}))')" \
    "1" "the first 20 words are every prompt's"
expect_eq "$(distinct_heads "$REC")" "1" "so the prompts share their first 64 bytes"

# --- --output-len on the wire of each provider ---------------------------------------------------
last_body() { tail -1 "$REC" | python3 -c "import json,sys; b=json.load(sys.stdin)['body']; print($1)"; }
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 1 --warmup 0 \
    --output-len 32 --temperature 0 --no-record
expect_rc 0 "openai --output-len"
expect_contains "$ERR" "farm: workload: unique prompts, answers of 32 tokens, temperature 0, seed " \
    "the workload is said before the run"
expect_eq "$(last_body 'b["max_tokens"], b["min_tokens"], b["ignore_eos"], b["temperature"]')" \
    "32 32 True 0.0" "OpenAI-compatible: max_tokens, vLLM's min_tokens and ignore_eos"
run_farm perf:ai --provider ollama --url "$MOCK_URL" --model m --requests 1 --warmup 0 \
    --output-len 32 --no-record
expect_rc 0 "ollama --output-len"
expect_eq "$(last_body 'b["options"]["num_predict"], "max_tokens" in b, "ignore_eos" in b')" \
    "32 False False" "Ollama: options.num_predict"
run_farm perf:ai --provider tgi --url "$MOCK_URL" --model m --operation generate_stream \
    --requests 1 --warmup 0 --output-len 32 --no-record
expect_rc 0 "tgi --output-len"
expect_eq "$(last_body 'b["parameters"]["max_new_tokens"], "ignore_eos" in b["parameters"]')" \
    "32 False" "TGI: parameters.max_new_tokens"
run_farm perf:ai --provider tgi --url "$MOCK_URL" --model m --requests 1 --warmup 0 \
    --output-len 32 --no-record
expect_eq "$(last_body 'b["max_tokens"], "ignore_eos" in b')" "32 False" \
    "TGI's OpenAI-compatible chat: max_tokens alone"
rm -f "$REC"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 20 --warmup 0 \
    --output-len normal:64:16 --seed 1 --no-record
expect_eq "$(python3 -c 'import json,sys; n=[json.loads(l)["body"]["max_tokens"] for l in open(sys.argv[1])]; print(len(set(n)) > 3, min(n) >= 1)' "$REC")" \
    "True True" "normal:64:16: each request its own length"

# perf:benchmark sends the same workload at every level, and says so in its JSON.
rm -f "$REC"
run_farm perf:benchmark --provider openai --url "$MOCK_URL" --model m --concurrency-levels 1,2 \
    --requests 4 --warmup 0 --output-len 8 --json --no-record
expect_rc 0 "perf:benchmark with --output-len"
expect_eq "$(json_get "$OUT" 'd["workload"]["output_len"], d["workload"]["label"]')" "('8', 'out=8')" \
    "perf:benchmark's JSON names the workload"
expect_eq "$(python3 -c 'import json,sys; print(sorted({json.loads(l)["body"]["max_tokens"] for l in open(sys.argv[1])}), sum(1 for _ in open(sys.argv[1])))' "$REC")" \
    "[8] 8" "every request of every level asked for 8 tokens"
expect_eq "$(distinct_heads "$REC")" "8" "and every level's prompts are new"

# --- datasets --------------------------------------------------------------------------------------
cat >chat.jsonl <<'EOF'
{"prompt": "first question"}
{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "second"}]}
EOF
rm -f "$REC"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --warmup 0 \
    --dataset chat.jsonl --json
expect_rc 0 "a JSONL dataset"
expect_eq "$(prompts_of "$REC" | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin])')" \
    "['first question', 'be brief\n\nsecond', 'first question', 'be brief\n\nsecond']" \
    "the dataset's prompts and messages, in turn"
cat >sharegpt.json <<'EOF'
[{"id": "a", "conversations": [{"from": "human", "value": "hello there"},
                              {"from": "gpt", "value": "hi"}]}]
EOF
rm -f "$REC"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 2 --warmup 0 \
    --dataset sharegpt.json --no-record
expect_rc 0 "a ShareGPT dataset"
expect_eq "$(prompts_of "$REC" | sort -u)" '"hello there"' "ShareGPT's first human turn"

printf '{"prompt": "fine"}\n{"prompt": "cut\n' >bad.jsonl
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --dataset bad.jsonl --no-record
expect_rc 2 "a dataset with a bad line"
expect_contains "$ERR" "bad.jsonl:2:13: not valid JSON" "the bad line is located (file:line:column)"
printf '{"prompt": "fine"}\n\n{"prompt": 5}\n' >bad.jsonl
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --dataset bad.jsonl --no-record
expect_contains "$ERR" "bad.jsonl:3:12: \"prompt\" must be a string" "a wrong value is located"

# --- the workload is part of the run's identity: --compare never pools two -------------------------
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 3 --warmup 0 --output-len 16
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 3 --warmup 0 --dataset chat.jsonl
run_farm perf:report --compare --kind ai --json
baselines=$(json_get "$OUT" 'sorted(d["comparison"]["baselines"].items())')
expect_contains "$baselines" "('openai/m/chat_stream', 'the previous 1 run')" \
    "the default workload compares with its own earlier run"
expect_contains "$baselines" "('openai/m/chat_stream/out=16', 'none: no earlier completed run')" \
    "--output-len 16 is another workload, with no baseline yet"
expect_contains "$baselines" "'openai/m/chat_stream/data=chat.jsonl#" \
    "a dataset run is named by its file and hash"

finish
