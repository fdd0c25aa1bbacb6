#include "commands/perf_ai_session.hpp"

#include "commands/perf_ai_export.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/net/easy_setup.hpp"
#include "farm/net/http_client.hpp"
#include "farm/net/this_machine.hpp"
#include "farm/report/trace_ai.hpp"
#include "farm/sys/context.hpp"
#include "farm/sys/gpu_selection.hpp"

#include <algorithm>
#include <cstdlib>

namespace farm::commands {

AiSession::AiSession(const PerfAiOptions& options, const std::vector<std::string>& argv)
    : m_options(options), m_command(core::join_command_line(core::redact_secrets(argv))),
      m_operation(ai::parse_operation(options.operation)), m_nvml(sys::Nvml::open()) {
    exec::install_interrupt_handlers();
    if (!options.trace.empty()) {
        report::check_trace_path(options.trace);
        m_trace = std::make_unique<report::TraceEvents>();
    }
    std::filesystem::path cwd = std::filesystem::current_path();
    m_root = core::find_project_root(cwd);
    m_config = core::load_config(
        m_root, options.config.empty() ? std::nullopt
                                       : std::optional<std::filesystem::path>(options.config));
    m_advice = analysis::ai_advice_settings(m_config);
    m_workload = resolve_workload(options);
    m_percentiles = ai::parse_percentiles(options.percentiles);
    if (!options.no_record) {
        m_store = std::make_unique<history::Store>(
            core::resolve_db_path(options.db.empty() ? std::nullopt : std::optional(options.db),
                                  m_root),
            history::Store::Mode::create);
    }
    m_targets = resolve_targets(options, m_config);
    for (const ai::Target& target : m_targets.targets) {
        ai::wire_format(target.type, m_operation); // TGI embed: refused before anything is sent
    }
    m_context = sys::collect_context(m_root);
    start_gpu_telemetry();
    if (!options.export_requests.empty()) {
        // Rows go to the file as requests end: a long run does not hold them in memory, and
        // the file appears (whole) only when the session finishes.
        m_csv = std::make_unique<core::AtomicFileWriter>(options.export_requests);
        m_jsonl = exports_json_lines(options.export_requests);
        if (!m_jsonl) {
            m_csv->append(export_csv_header());
        }
    }
}

namespace {

// The first target whose server is not on this machine, or "".
std::string remote_server(const std::vector<ai::Target>& targets) {
    for (const ai::Target& target : targets) {
        if (!net::is_this_machine_url(target.base_url)) {
            return net::url_host(target.base_url);
        }
    }
    return {};
}

std::optional<std::string> environment_value(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
}

} // namespace

void AiSession::start_gpu_telemetry() {
    if (!m_nvml.available()) {
        m_gpu_name = sys::gpu_context_label(m_nvml);
        return;
    }
    std::vector<sys::GpuIdentity> devices;
    for (std::size_t i = 0; i < m_nvml.device_count(); ++i) {
        devices.push_back(
            {m_nvml.device_indices()[i], m_nvml.device_uuids()[i], m_nvml.device_names()[i]});
    }
    // Throws for a --gpu that names no device, before anything is sent.
    sys::GpuSelection selection =
        sys::select_gpus(devices, m_options.gpu, environment_value("CUDA_VISIBLE_DEVICES"));
    std::string remote = remote_server(m_targets.targets);
    if (m_options.gpu.empty() && !remote.empty()) {
        // This machine's GPU says nothing of a server elsewhere.
        m_gpu_name = "not sampled";
        m_gpu_note = "not sampled: the server " + remote +
                     " is not on this machine (--gpu all samples this machine's GPUs anyway)";
        return;
    }
    m_nvml.keep_only(selection.indices);
    if (m_nvml.device_count() == 0) {
        m_gpu_name = "none selected";
        m_gpu_note = "no GPU selected (" + selection.source + ")";
        return;
    }
    m_gpu_name = sys::gpu_context_label(m_nvml);
    m_gpu_note = selection.note;
    m_gpu = std::make_unique<sys::GpuSampler>(m_nvml);
    m_gpu->start();
}

std::string AiSession::gpu_line() const {
    return render_gpu_line(m_gpu_name, gpu_overall(), m_output_tokens, m_gpu_note);
}

AiSession::~AiSession() {
    if (m_gpu) {
        m_gpu->stop();
    }
}

std::string AiSession::db_path() const {
    return m_store ? m_store->path().string() : std::string();
}

AiRunOutcome AiSession::run(const ai::Target& target, const ai::LoadPlan& load,
                            const std::string& load_key, const std::string& load_value,
                            const std::string& subject_suffix, const ai::Slo* slo,
                            ai::LiveCounts* live) {
    ai::BenchmarkPlan plan;
    plan.target = target;
    plan.operation = m_operation;
    plan.workload = m_workload;
    std::string server = target.name + " " + target.base_url + " " + target.model;
    if (server != m_workload_server) {
        m_workload_server = server;
        m_next_request = 0;
        m_next_warmup = 0;
    }
    plan.first_request = m_next_request;
    plan.first_warmup = m_next_warmup;
    m_next_request += load.requests;
    m_next_warmup += load.warmup;
    plan.limits.max_response_bytes =
        std::size_t(core::parse_size(m_options.max_response_bytes).value_or(64 << 20));
    plan.target.ttft_timeout_s = m_options.ttft_timeout_s;
    plan.target.http2 = m_options.http2;
    plan.load = load;
    plan.load.deadline_s = m_options.duration_s;
    plan.load.burstiness = m_options.burstiness;
    plan.load.ramp_up_s = m_options.ramp_up_s;
    if (m_options.client_threads > 1 && plan.load.rate > 0) {
        throw UsageError("--client-threads " + std::to_string(m_options.client_threads) +
                         " needs a fixed concurrency: a --rate run keeps its one arrival "
                         "schedule on one thread (leave --client-threads out)");
    }
    plan.load.loops =
        m_options.client_threads > 0 ? m_options.client_threads : ai::default_loops(plan.load);
    plan.load.warmup = m_options.warmup ? *m_options.warmup : default_warmup(load);
    if (m_options.seed) {
        // The arrivals' own default seed stays otherwise: a rate run's schedule is the same
        // every time unless the user picks another one.
        plan.load.seed = *m_options.seed;
    }
    plan.gpu = m_gpu.get();
    plan.keep_timelines = m_jsonl || m_trace;
    plan.live = live;
    std::size_t benchmark = m_benchmarks++;
    std::vector<report::TracedRequest> traced;

    history::Run run;
    run.command = m_command;
    run.folder = std::filesystem::current_path().string();
    run.context = m_context;
    run.started_at = core::utc_now_iso8601();
    bool export_rows = m_csv != nullptr;
    ai::BenchmarkResult result = ai::run_benchmark(plan, [&](const ai::RequestReport& request) {
        if (export_rows) {
            m_csv->append(m_jsonl ? export_jsonl_line(target, m_operation, benchmark, load_key,
                                                      load_value, request)
                                  : export_csv_row(target, m_operation, request));
        }
        if (m_trace) {
            traced.push_back(report::traced_request(request));
        }
    });
    if (m_trace) {
        // Process 1 is the GPU's; each benchmark is one of its own.
        report::add_ai_benchmark(*m_trace, int(benchmark) + 2,
                                 target.name + "/" + target.model + "/" +
                                     std::string(ai::to_string(m_operation)) + " " + load_key +
                                     " " + load_value,
                                 result.origin, traced);
    }
    run.duration_s = std::chrono::duration<double>(result.ended - result.started).count();
    if (!m_first_start) {
        m_first_start = result.started;
    }
    m_last_end = result.ended;

    std::optional<sys::GpuIntervalSummary> gpu;
    if (m_gpu) {
        gpu = m_gpu->summary(result.started, result.ended);
    }
    AiRunOutcome outcome;
    outcome.view = make_view(target, m_operation, result, m_advice,
                             gpu ? std::optional(gpu->all) : std::nullopt, 0, m_percentiles);
    if (gpu) {
        outcome.view.gpu_devices = gpu->devices;
    }
    m_output_tokens += double(outcome.view.summary.total_output_tokens);
    outcome.interrupted = result.interrupted;
    if (slo != nullptr) {
        outcome.meeting_slo = ai::requests_meeting(*slo, result.requests);
    }
    if (slo != nullptr && !slo->empty()) {
        double wall = outcome.view.summary.wall_s;
        outcome.view.goodput = wall > 0 ? double(outcome.meeting_slo) / wall : 0;
    }
    fill_ai_run(run, target, m_operation, result, load_key, load_value, m_gpu_name,
                workload_suffix(*m_workload) + subject_suffix);
    outcome.view.subject = run.subject;
    add_workload_facts(run, *m_workload);
    if (gpu) {
        add_gpu_facts(run, gpu->all, double(outcome.view.summary.total_output_tokens));
    }
    if (load.rate > 0) {
        // The shape of the arrivals is part of the load: runs of different shapes differ.
        run.context.project["burstiness"] = std::to_string(m_options.burstiness);
    }
    if (m_options.ramp_up_s > 0) {
        run.context.project["ramp_up_s"] = std::to_string(m_options.ramp_up_s);
    }
    if (m_store && !result.requests.empty()) {
        outcome.view.run_id = m_store->record(run, result.requests);
        m_run_ids.push_back(outcome.view.run_id);
    }
    return outcome;
}

std::optional<sys::GpuStats> AiSession::gpu_overall() const {
    if (!m_gpu || !m_first_start) {
        return std::nullopt;
    }
    return m_gpu->summary(*m_first_start, m_last_end).all;
}

void AiSession::finish() {
    if (m_gpu) {
        m_gpu->stop();
    }
    if (m_csv) {
        m_csv->commit();
        m_csv.reset();
    }
    if (m_trace) {
        if (m_gpu) {
            report::add_gpu_counters(*m_trace, 1, m_gpu->samples());
        }
        report::write_trace_file(m_options.trace, *m_trace);
        m_trace.reset();
    }
}

std::vector<analysis::Recommendation> AiSession::advice() {
    std::vector<analysis::Recommendation> mine;
    if (!m_store || m_run_ids.empty()) {
        return mine;
    }
    for (analysis::Recommendation& r :
         analysis::advise_ai_from_history(*m_store, m_config, {}, m_advice)) {
        bool ours =
            std::any_of(r.evidence_runs.begin(), r.evidence_runs.end(), [this](std::int64_t id) {
                return std::find(m_run_ids.begin(), m_run_ids.end(), id) != m_run_ids.end();
            });
        if (ours) {
            mine.push_back(std::move(r));
        }
    }
    analysis::sort_by_priority(mine);
    return mine;
}

void follow_requests(ProgressDisplay& display, const std::string& label, const ai::LiveCounts& live,
                     const ai::LoadPlan& load, double deadline_s, std::size_t step,
                     std::size_t steps) {
    std::optional<double> began; // the display's elapsed time when this benchmark began
    display.follow([=, &live](double elapsed_s) mutable {
        began = began.value_or(elapsed_s);
        report::RequestCounts counts;
        counts.planned = load.requests;
        counts.sent = live.sent.load();
        counts.ended = live.ended.load();
        counts.failed = live.failed.load();
        counts.elapsed_s = elapsed_s - *began;
        counts.deadline_s = deadline_s;
        report::ProgressSnapshot snapshot = report::request_progress(label, counts);
        if (steps > 1) {
            snapshot.fraction = (double(step - 1) + snapshot.fraction.value_or(0)) / double(steps);
        }
        return snapshot;
    });
}

std::string failure_summary(const std::string& base_url,
                            const std::map<std::string, std::string>& first_error) {
    std::string url = net::url_for_messages(base_url);
    if (first_error.empty()) {
        return "no request to " + url + " succeeded";
    }
    const auto& [error_class, message] = *first_error.begin();
    return "every request to " + url + " failed (" + error_class + "): " + message;
}

std::string failure_summary(const AiResultView& view) {
    return failure_summary(view.target.base_url, view.first_error);
}

} // namespace farm::commands
