// Advice drawn from the measured history (`farm optimize:build`, `farm optimize:ai`): each
// recommendation has a priority, the numbers that triggered it, the runs those numbers came from
// and what to do. Rules look only at runs inside the window (`since`); failed and interrupted
// build runs are left out, and for AI runs only successful requests count.
//
// Build rules (kinds "build", "install" and "size", as `farm perf:build` records them; "recent"
// means the newest runs of a subject until they hold 5 iterations, or every run when fewer):
//   slow_build       recent median wall_s over 15 s: MEDIUM; over thresholds.build_slow_s: HIGH
//   build_memory     recent median tree_peak_rss_bytes (else max_rss_bytes) over
//                    thresholds.build_memory_bytes: MEDIUM; over twice that: HIGH
//   build_slower     wall_s of the newest runs against the older ones in the window
//                    (compare_samples: significant and past the noise floor): MEDIUM; a change
//                    of twice the floor or more: HIGH
//   output_growing   the same comparison on size:<package> bytes: MEDIUM / HIGH as above
//   large_output     the newest size:<package> bytes over thresholds.output_large_bytes: LOW;
//                    over twice that: MEDIUM
//   low_store_hits   reused / (reused + downloaded) of a warm or noop install under
//                    thresholds.store_hit_rate_min: MEDIUM; under half of it: HIGH
//   slow_install     recent median install wall_s over thresholds.install_slow_s: MEDIUM
//
// AI rules (kind "ai", subject <provider>/<model>/<operation>, the newest run of each subject;
// the provider type comes from the run's context, thresholds from AiAdviceSettings):
//   ai_slow_response  median e2e_ms over slow_ms: HIGH; between fast_ms and slow_ms: LOW
//   ai_low_gpu_util   median gpu_util_pct under gpu_util_low_pct: MEDIUM
//   ai_high_gpu_memory median gpu_memory_used / gpu_memory_total over gpu_memory_high_fraction:
//                     MEDIUM
//   ai_no_streaming   a non-streamed chat/generate run whose median e2e_ms is over fast_ms:
//                     MEDIUM
//   ai_cold_load      requests whose server_load_ms (Ollama load_duration) is over
//                     cold_load_ms: MEDIUM for one, HIGH for more
//   ai_repeated_prompts prompts sent more than once (prompt_index) whose repeats are not
//                     faster than their first answer (no cache at work): LOW
//   ai_rate_limited, ai_server_errors, ai_timeouts, ai_request_errors
//                     failed requests by class (HTTP 429; HTTP 5xx; timeouts; the rest, from
//                     the run's errors.* context): HIGH when failed / sent is above
//                     error_rate_max, else MEDIUM
//
// Nothing here prints; an empty result means "nothing to advise", not "no history" (ask
// history_has_runs for that).
#pragma once

#include "farm/core/config.hpp"
#include "farm/history/store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace farm::analysis {

enum class Priority { high, medium, low };

const char* to_string(Priority priority); // "HIGH", "MEDIUM", "LOW"

struct Recommendation {
    Priority priority = Priority::low;
    std::string area;    // "build", "install", "ai", "pnpm", "dev"
    std::string subject; // "build:@example/web", "ollama/llama3.1/chat_stream"
    std::string rule;    // stable id: "slow_build", "low_store_hits", "ai_slow_response", ...
    std::string finding; // what was measured, with the numbers
    std::vector<std::int64_t> evidence_runs; // run ids behind it
    std::string action;                      // what to do, one or two sentences
};

struct AdviceWindow {
    std::optional<std::string> since; // ISO 8601 UTC: only runs that started at or after it
};

// Response-time thresholds of one provider type, on the median e2e_ms of a subject.
struct AiThresholds {
    double slow_ms = 0;
    double fast_ms = 0;
};

// The AI rules' settings: the defaults from the seeds; ai_advice_settings() applies the
// config's `ai.thresholds`.
struct AiAdviceSettings {
    std::map<std::string, AiThresholds> thresholds = {
        {"ollama", {5000, 500}},
        {"openai", {10000, 1000}},
        {"tgi", {8000, 1500}},
    };
    AiThresholds unknown_provider = {10000, 1000}; // a provider type not in the map
    double gpu_util_low_pct = 40;
    double gpu_memory_high_fraction = 0.9;
    double cold_load_ms = 1000;
    // Failed / sent requests above this make a benchmark's verdict "failing" (exit 1) and
    // ai_errors advice HIGH (ai.thresholds.error_rate).
    double error_rate_max = 0.05;
    // Repeats answered in at least this fraction of their first answer's time show no cache.
    double cached_repeat_ratio = 0.8;
};

// The defaults with farm.config.json's `ai.thresholds.<type>` in place of theirs. The overload of
// advise_ai_from_history without settings uses it.
AiAdviceSettings ai_advice_settings(const core::Config& config);
// The thresholds of a provider type, unknown_provider for a type not in the map.
const AiThresholds& ai_thresholds_for(const AiAdviceSettings& settings, const std::string& type);

std::vector<Recommendation> advise_builds_from_history(history::Store& store,
                                                       const core::Config& config,
                                                       const AdviceWindow& window);

std::vector<Recommendation> advise_ai_from_history(history::Store& store,
                                                   const core::Config& config,
                                                   const AdviceWindow& window);
std::vector<Recommendation> advise_ai_from_history(history::Store& store,
                                                   const core::Config& config,
                                                   const AdviceWindow& window,
                                                   const AiAdviceSettings& settings);

// Dev services (dev_advice.hpp) from the newest startup:/reload: runs of each service: a slow
// start-up or reload is MEDIUM, a slow first page or a browser lagging the HMR message LOW.
std::vector<Recommendation> advise_dev_from_history(history::Store& store,
                                                    const core::Config& config,
                                                    const AdviceWindow& window);

// HIGH first, then MEDIUM, then LOW; the order within a priority is kept.
void sort_by_priority(std::vector<Recommendation>& recommendations);

// True when the window holds at least one run of one of `kinds`: tells "no history yet" apart
// from "nothing to advise".
bool history_has_runs(history::Store& store, const std::vector<std::string>& kinds,
                      const AdviceWindow& window);

// The kinds each advice reads.
const std::vector<std::string>& build_advice_kinds(); // build, install, size
const std::vector<std::string>& ai_advice_kinds();    // ai
const std::vector<std::string>& dev_advice_kinds();   // dev

} // namespace farm::analysis
