// `--export-requests FILE`: every measured request of perf:ai and perf:benchmark, one per line.
//
// FILE.jsonl (or .ndjson) holds one JSON object per request with its raw observations, so that a
// reader can recompute every metric with its own definitions (docs/json.md, "Per-request
// export"): the scheduled, sent, first-token, first-answer, end-marker and end times, every
// content chunk's arrival time, size and token count, the token counts the server reported,
// the HTTP status and the error. Any other name gets the CSV of the per-request metrics.
//
// Guarantees: times are ms on one steady clock per benchmark (`benchmark` numbers them in the
// session); no secret is written (no key, no URL, error messages redacted by the benchmark);
// the file appears whole or not at all (core::AtomicFileWriter).
#pragma once

#include "farm/ai/benchmark.hpp"

#include <string>

namespace farm::commands {

// true for a name ending in .jsonl or .ndjson.
bool exports_json_lines(const std::string& path);

// One line of FILE.jsonl (with its newline). `load_key`=`load_value` is the benchmark's load
// ("concurrency" = "4"); `request` must carry its timeline (BenchmarkPlan::keep_timelines).
std::string export_jsonl_line(const ai::Target& target, ai::Operation operation,
                              std::size_t benchmark, const std::string& load_key,
                              const std::string& load_value, const ai::RequestReport& request);

} // namespace farm::commands
