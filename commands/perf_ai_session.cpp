#include "commands/perf_ai_session.hpp"

#include "commands/perf_ai_export.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/net/http_client.hpp"
#include "farm/sys/context.hpp"

#include <algorithm>

namespace farm::commands {

AiSession::AiSession(const PerfAiOptions& options, const std::vector<std::string>& argv)
    : m_options(options), m_command(core::join_command_line(core::redact_secrets(argv))),
      m_operation(ai::parse_operation(options.operation)), m_nvml(sys::Nvml::open()) {
    exec::install_interrupt_handlers();
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
    m_gpu_name = sys::gpu_context_label(m_nvml);
    if (m_nvml.available()) {
        m_gpu = std::make_unique<sys::GpuSampler>(m_nvml);
        m_gpu->start();
    }
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
                            const std::string& subject_suffix, const ai::Slo* slo) {
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
    plan.load.warmup = m_options.warmup ? *m_options.warmup : default_warmup(load);
    if (m_options.seed) {
        // The arrivals' own default seed stays otherwise: a rate run's schedule is the same
        // every time unless the user picks another one.
        plan.load.seed = *m_options.seed;
    }
    plan.gpu = m_gpu.get();
    plan.keep_timelines = m_jsonl;
    std::size_t benchmark = m_benchmarks++;

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
    });
    run.duration_s = std::chrono::duration<double>(result.ended - result.started).count();
    if (!m_first_start) {
        m_first_start = result.started;
    }
    m_last_end = result.ended;

    std::optional<sys::GpuStats> gpu;
    if (m_gpu) {
        gpu = m_gpu->summary(result.started, result.ended).all;
    }
    AiRunOutcome outcome;
    outcome.view = make_view(target, m_operation, result, m_advice, gpu, 0, m_percentiles);
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
