// What perf:ai and perf:benchmark hold while their benchmarks run: the config, the servers and
// prompts, the history store, the GPU sampler and the rows of --export-requests. A session runs
// one benchmark at a time (one server, one operation, one load level) and stores each as a run.
#pragma once

#include "commands/perf_ai_options.hpp"
#include "commands/progress_display.hpp"
#include "farm/ai/sweep.hpp"
#include "farm/core/atomic_file.hpp"
#include "farm/history/store.hpp"
#include "farm/report/trace_events.hpp"
#include "farm/sys/gpu_sampler.hpp"
#include "farm/sys/nvml.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace farm::commands {

struct AiRunOutcome {
    AiResultView view;
    std::size_t meeting_slo = 0; // requests meeting every SLO (when one was given)
    bool interrupted = false;
};

class AiSession {
  public:
    // Loads the config, resolves servers and prompts, opens the store: every usage error comes
    // before anything is sent.
    AiSession(const PerfAiOptions& options, const std::vector<std::string>& argv);
    ~AiSession();
    AiSession(const AiSession&) = delete;
    AiSession& operator=(const AiSession&) = delete;

    const std::vector<ai::Target>& targets() const { return m_targets.targets; }
    const std::vector<std::string>& notes() const { return m_targets.notes; }
    ai::Operation operation() const { return m_operation; }
    const std::string& gpu_name() const { return m_gpu_name; }
    const ai::Workload& workload() const { return *m_workload; }

    // One benchmark, stored as a run (unless --no-record) with context load_key=load_value and
    // the workload's facts, and the subject provider/model/operation + the workload's suffix +
    // subject_suffix. `live`: counted into as requests start and end (a progress display).
    AiRunOutcome run(const ai::Target& target, const ai::LoadPlan& load,
                     const std::string& load_key, const std::string& load_value,
                     const std::string& subject_suffix = "", const ai::Slo* slo = nullptr,
                     ai::LiveCounts* live = nullptr);

    // The GPU over the whole session so far; nullopt without telemetry.
    std::optional<sys::GpuStats> gpu_overall() const;
    // The GPU line over the whole session (render_gpu_line), with its note: why nothing was
    // sampled, or a caveat of the device selection.
    std::string gpu_line() const;
    // Stops sampling and writes --export-requests and --trace.
    void finish();
    // The AI advice of optimize:ai on the runs this session stored.
    std::vector<analysis::Recommendation> advice();
    bool recording() const { return m_store != nullptr; }
    std::string db_path() const;

  private:
    // Picks the devices (--gpu, CUDA_VISIBLE_DEVICES) and starts the sampler, unless a target is
    // on another machine and --gpu was not given.
    void start_gpu_telemetry();

    PerfAiOptions m_options;
    std::string m_command;
    std::filesystem::path m_root;
    core::Config m_config;
    analysis::AiAdviceSettings m_advice;
    ResolvedTargets m_targets;
    ai::Operation m_operation;
    std::vector<double> m_percentiles; // --percentiles
    std::shared_ptr<const ai::Workload> m_workload;
    // Where the next run of the same server starts in the workload (sweep levels send new
    // prompts); back to 0 for another server, so that servers are asked the same questions.
    std::string m_workload_server;
    std::size_t m_next_request = 0;
    std::size_t m_next_warmup = 0;
    std::unique_ptr<history::Store> m_store;
    sys::RunContext m_context;
    sys::Nvml m_nvml;
    std::unique_ptr<sys::GpuSampler> m_gpu;
    std::string m_gpu_name;
    std::string m_gpu_note;
    double m_output_tokens = 0; // over every run, for tokens per joule
    std::optional<std::chrono::steady_clock::time_point> m_first_start;
    std::chrono::steady_clock::time_point m_last_end;
    std::unique_ptr<core::AtomicFileWriter> m_csv; // --export-requests, until finish()
    bool m_jsonl = false;                          // ... as FILE.jsonl (perf_ai_export.hpp)
    std::size_t m_benchmarks = 0;                  // run so far (their number in FILE.jsonl)
    std::vector<std::int64_t> m_run_ids;
    std::unique_ptr<report::TraceEvents> m_trace; // --trace, until finish()
};

// Shows one benchmark's live counts on `display` ("38/50 requests", in flight, errors,
// requests/s) until the next show() or follow(); the benchmark is number `step` (1-based) of the
// command's `steps`, so that the bar covers the whole command.
void follow_requests(ProgressDisplay& display, const std::string& label, const ai::LiveCounts& live,
                     const ai::LoadPlan& load, double deadline_s, std::size_t step,
                     std::size_t steps);

// The first failure of a result as one line for "every request failed" messages.
std::string failure_summary(const AiResultView& view);
std::string failure_summary(const std::string& base_url,
                            const std::map<std::string, std::string>& first_error);

} // namespace farm::commands
