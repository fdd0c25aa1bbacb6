// What a perf:ai run stores beside its requests: the command line it is recorded under, the
// subject's workload suffix, and the run's facts (the target, the load, the workload, the GPU).
#include "commands/perf_ai_options.hpp"

#include "farm/core/text.hpp"
#include "farm/net/http_client.hpp"

#include <sstream>

namespace farm::commands {

namespace {

// 0.5, 2, 1e+06: as short as the number allows.
std::string shortest_text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

} // namespace

std::vector<std::string> describe_command(const std::string& command, const PerfAiOptions& o) {
    std::vector<std::string> argv = {"farm",      command,      "--operation",
                                     o.operation, "--requests", std::to_string(o.requests)};
    if (o.rate > 0) {
        argv.insert(argv.end(), {"--rate", std::to_string(o.rate)});
    } else {
        argv.insert(argv.end(), {"--concurrency", std::to_string(o.concurrency)});
    }
    if (o.rate > 0 && o.burstiness != 1) {
        argv.insert(argv.end(), {"--burstiness", shortest_text(o.burstiness)});
    }
    if (o.ramp_up_s > 0) {
        argv.insert(argv.end(), {"--ramp-up", shortest_text(o.ramp_up_s)});
    }
    if (o.http2) {
        argv.push_back("--http2");
    }
    if (!o.gpu.empty()) {
        argv.insert(argv.end(), {"--gpu", o.gpu});
    }
    if (!o.model.empty()) {
        argv.insert(argv.end(), {"--model", o.model});
    }
    for (const auto& [flag, value] :
         {std::pair<const char*, const std::string&>{"--dataset", o.dataset},
          {"--prompts-file", o.prompts_file},
          {"--input-len", o.input_len},
          {"--output-len", o.output_len}}) {
        if (!value.empty()) {
            argv.insert(argv.end(), {flag, value});
        }
    }
    if (o.prefix_len > 0) {
        argv.insert(argv.end(), {"--prefix-len", std::to_string(o.prefix_len)});
    }
    if (o.seed) {
        argv.insert(argv.end(), {"--seed", std::to_string(*o.seed)});
    }
    return argv;
}

std::string workload_suffix(const ai::Workload& workload) {
    std::string label = workload.label();
    return label.empty() ? std::string() : "/" + label;
}

void add_workload_facts(history::Run& run, const ai::Workload& workload) {
    for (const auto& [key, value] : workload.facts()) {
        run.context.project["workload." + key] = value;
    }
}

void add_gpu_facts(history::Run& run, const sys::GpuStats& gpu, double output_tokens) {
    std::map<std::string, std::string>& facts = run.context.project;
    if (gpu.energy_j) {
        facts["gpu.energy_j"] = core::number_text(*gpu.energy_j);
        if (*gpu.energy_j > 0 && output_tokens > 0) {
            facts["gpu.tokens_per_joule"] = core::number_text(output_tokens / *gpu.energy_j);
        }
    }
    if (gpu.throttled_fraction) {
        facts["gpu.throttled_fraction"] = core::number_text(*gpu.throttled_fraction);
        facts["gpu.throttle_reasons"] = core::join(gpu.throttle_reasons, ",");
    }
}

void fill_ai_run(history::Run& run, const ai::Target& target, ai::Operation operation,
                 const ai::BenchmarkResult& result, const std::string& load_key,
                 const std::string& load_value, const std::string& gpu_name,
                 const std::string& subject_suffix) {
    run.kind = "ai";
    run.subject = target.name + "/" + target.model + "/" + std::string(ai::to_string(operation)) +
                  subject_suffix;
    std::map<std::string, std::string>& facts = run.context.project;
    facts["provider_type"] = std::string(ai::to_string(target.type));
    facts["base_url"] = net::url_for_messages(target.base_url);
    facts["operation"] = std::string(ai::to_string(operation));
    facts["stream"] = ai::is_streamed(operation) ? "true" : "false";
    std::string source = ai::common_token_source(result);
    if (!source.empty()) {
        facts["token_source"] = source;
    }
    facts[load_key] = load_value;
    facts["gpu"] = gpu_name;
    std::string http_version = ai::http_versions_text(result.http_versions);
    if (!http_version.empty()) {
        facts["http_version"] = http_version;
    }
    // The failures by class and by HTTP status, for optimize:ai's advice by error class.
    for (const auto& [error_class, count] : result.errors_by_class) {
        facts["errors." + error_class] = std::to_string(count);
    }
    for (const auto& [status, count] : result.errors_by_status) {
        facts["errors.http_" + std::to_string(status)] = std::to_string(count);
    }
    run.status = result.interrupted                 ? history::RunStatus::interrupted
                 : result.requests.succeeded() == 0 ? history::RunStatus::failed
                                                    : history::RunStatus::ok;
}

} // namespace farm::commands
