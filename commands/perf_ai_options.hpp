// The options of `farm perf:ai`, which `farm perf:benchmark` shares (a sweep is perf:ai's run at
// several load levels), and the steps both commands take before and after their runs: which
// servers to load, which prompts to send, how each run is stored and shown.
#pragma once

#include "farm/ai/benchmark.hpp"
#include "farm/ai/benchmark_summary.hpp"
#include "farm/ai/load_summary.hpp"
#include "farm/analysis/optimize_advice.hpp"
#include "farm/core/config.hpp"
#include "farm/history/run.hpp"

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

struct PerfAiOptions {
    std::string provider; // a type (openai, ollama, tgi) or a configured provider's name
    std::string model;
    std::string url;
    std::string api_key_env;
    std::string operation = "chat_stream";
    std::size_t requests = 20;
    std::size_t concurrency = 1;
    double rate = 0;
    std::size_t max_concurrency = 256;
    double burstiness = 1;             // --rate: gamma shape of the gaps, 1 = Poisson
    double ramp_up_s = 0;              // the rate (or concurrency) grows over this long
    std::optional<std::size_t> warmup; // none: default_warmup()
    double ttft_timeout_s = 0;         // no content token within this long: timeout
    bool http2 = false;
    std::size_t client_threads = 0; // event loops driving the requests; 0: ai::default_loops
    std::string gpu; // --gpu: "", all, none, or indices/UUIDs (sys/gpu_selection.hpp)
    std::string prompt;
    std::string prompts_file;
    std::string dataset;
    std::string input_len;  // a length or a distribution (ai/length_distribution.hpp); "": none
    std::string output_len; // the same
    std::size_t prefix_len = 0;
    std::optional<std::uint64_t> seed;
    std::optional<double> temperature;
    int max_tokens = 0;
    double timeout_s = 0;
    double duration_s = 0;
    std::string db;
    bool no_record = false;
    bool json = false;
    bool no_progress = false;
    std::string export_requests;
    std::string trace; // --trace FILE: Chrome trace-event JSON of the requests
    std::string config;
    std::string max_response_bytes = "64MiB"; // core::parse_size text
    std::string percentiles = "50,90,95,99";  // of the summary (ai::parse_percentiles)
    std::string slo;                          // perf:ai's goodput SLOs (ai::parse_slo)
};

// The command line a run is stored with: the command and the options that shape the load (the
// server and key are in the run's context or nowhere).
std::vector<std::string> describe_command(const std::string& command, const PerfAiOptions& options);

// Adds the options perf:ai and perf:benchmark share (all but the load ones) to `cmd`.
void add_ai_target_options(CLI::App& cmd, PerfAiOptions& options);

// One server to load, with what the user should read about how it was chosen.
struct ResolvedTargets {
    std::vector<ai::Target> targets;
    std::vector<std::string> notes; // "found Ollama at http://127.0.0.1:11434 (3 models)"
};

// From the flags, else the config's providers, else the local ports. Throws farm::UsageError
// when nothing can be benchmarked, saying how to point farm at a server.
ResolvedTargets resolve_targets(const PerfAiOptions& options, const core::Config& config);

// What the run sends (ai/workload.hpp): --prompt, --dataset/--prompts-file, else unique prompts
// (of --input-len tokens), with --output-len, --prefix-len, --seed, --temperature, --max-tokens.
// Throws farm::UsageError for a bad length, an unreadable or bad file (located), or options that
// do not go together.
std::shared_ptr<const ai::Workload> resolve_workload(const PerfAiOptions& options);

// The subject suffix of a workload ("/in=256,out=128"; "" for the default one) and its facts in
// the run's context (workload.KEY): the workload is part of a run's identity, so that reports
// and --compare never pool runs that asked different questions.
std::string workload_suffix(const ai::Workload& workload);
// The run's GPU facts beside the device label: gpu.energy_j, gpu.tokens_per_joule (from
// `output_tokens`), gpu.throttled_fraction and gpu.throttle_reasons, where measured.
void add_gpu_facts(history::Run& run, const sys::GpuStats& gpu, double output_tokens);
void add_workload_facts(history::Run& run, const ai::Workload& workload);

// Fills `run` (its command, folder, started_at and git/host context already set) for one
// benchmark: kind "ai", subject provider/model/operation plus `subject_suffix`, the contract's
// context (provider_type, base_url without credentials, operation, stream, token_source, the load
// as load_key=load_value, gpu) and status. The iterations stay in result.requests: store them
// with Store::record(run, result.requests), or read them into run.iterations.
void fill_ai_run(history::Run& run, const ai::Target& target, ai::Operation operation,
                 const ai::BenchmarkResult& result, const std::string& load_key,
                 const std::string& load_value, const std::string& gpu_name,
                 const std::string& subject_suffix = "");

// Everything about one benchmark the table, the JSON and the advice need.
struct AiResultView {
    ai::Target target;
    // provider/model/operation and the workload ("/in=200,out=100,seed=7"), as recorded; empty
    // until the session sets it (the table then shows provider/model/operation).
    std::string subject;
    ai::Operation operation = ai::Operation::chat_stream;
    ai::BenchmarkSummary summary;
    std::map<std::string, std::string> first_error;
    std::map<int, std::size_t> errors_by_status;
    std::optional<sys::GpuStats> gpu;
    std::vector<sys::GpuDeviceStats> gpu_devices; // the same interval, per device
    ai::LoadSummary load;         // offered/achieved rate, schedule lag, connect_ms, deadline
    std::string verdict;          // "failing" above error_rate_max; else empty without a success
    double error_rate_max = 0.05; // the line it was judged against (ai.thresholds.error_rate)
    std::int64_t run_id = 0;
    std::optional<double> goodput; // requests/s meeting every SLO, when SLOs were given
};

AiResultView make_view(const ai::Target& target, ai::Operation operation,
                       const ai::BenchmarkResult& result, const analysis::AiAdviceSettings& advice,
                       const std::optional<sys::GpuStats>& gpu, std::int64_t run_id,
                       const std::vector<double>& percentiles = ai::default_percentiles());

// The vertical block of one result, laid out as `vllm bench serve` prints its result.
std::string render_ai_summary(const AiResultView& view);

// The side-by-side table of perf:ai (one row per result), fitted to `width` (0: no limit): the
// subject, TTFT and the verdict stay on the row, the other columns go under it when short.
std::string render_ai_table(const std::vector<AiResultView>& views, bool color,
                            std::size_t width = 0);
// The errors of each result, one line per class with its first message.
std::string render_ai_errors(const std::vector<AiResultView>& views);
// "GPU: NAME · util mean 40.0% max 90.0% · memory ... · temp ... · power ... · energy ... J
// (N output tokens/J) · THROTTLED ..." (energy where the GPU counts it, tokens/J from
// `output_tokens`), then the note's line; without samples "GPU telemetry: NOTE" or
// "GPU telemetry: not available".
std::string render_gpu_line(const std::string& gpu_name, const std::optional<sys::GpuStats>& gpu,
                            double output_tokens = 0, const std::string& note = "");
// The "gpu" object of a result (docs/json.md); tokens_per_joule when output_tokens > 0.
nlohmann::json gpu_stats_to_json(const sys::GpuStats& stats, double output_tokens);
// One element of the JSON results[] (docs/json.md, farm.ai/1).
nlohmann::json result_to_json(const AiResultView& view);
nlohmann::json stats_to_json(const std::optional<ai::MetricStats>& stats);

// The CSV header of --export-requests, and one row.
std::string export_csv_header();
std::string export_csv_row(const ai::Target& target, ai::Operation operation,
                           const ai::RequestReport& request);

// An error rate as text: "0.2", "0.025", "0"; "-" when absent.
std::string error_rate_text(const std::optional<double>& rate);

// Warm-up requests when --warmup is not given: enough to open the connections the measured
// phase needs -- the concurrency, or in rate mode one second of arrivals (at most the cap) --
// and at least 1.
std::size_t default_warmup(const ai::LoadPlan& load);
// The load lines under perf:ai's table: offered and achieved rate, schedule lag, connection
// set-up, HTTP version, requests cut by the deadline and not started (perf_ai_load_view.cpp).
std::string render_load_lines(const std::vector<AiResultView>& views);
// The warnings of a result's load ("the client fell behind its schedule: ..."), one a line.
std::vector<std::string> load_warnings(const AiResultView& view);
// results[].load of farm.ai/1.
nlohmann::json load_to_json(const ai::LoadSummary& load);
// "p50", "p99.9": a percentile's key in JSON and its label's start.
std::string percentile_key(double p);

// Millisecond text for tables: "52.3", "1.2k"; "-" when absent.
std::string ms_cell(const std::optional<ai::MetricStats>& stats, double ai::MetricStats::*field);

} // namespace farm::commands
