// perf:ai's preparations: its options, which servers and which prompts (perf_ai_record.cpp:
// how a run is stored).
#include "commands/option_checks.hpp"
#include "commands/perf_ai_options.hpp"
#include "commands/progress_display.hpp"
#include "commands/time_options.hpp"

#include "farm/ai/dataset.hpp"
#include "farm/ai/discovery.hpp"
#include "farm/ai/workload.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/net/http_client.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>

namespace farm::commands {

void add_ai_target_options(CLI::App& cmd, PerfAiOptions& o) {
    cmd.add_option("--provider", o.provider,
                   "openai, ollama, tgi, or the name of a provider in farm.config.json "
                   "(default: every configured provider, else the servers found on local ports)");
    cmd.add_option("--model", o.model,
                   "the model to ask (default: configured, else the first "
                   "the server lists)");
    cmd.add_option("--url", o.url, "the server's base URL, e.g. http://127.0.0.1:11434");
    cmd.add_option("--api-key-env", o.api_key_env,
                   "name of the environment variable holding the API key (the key is never "
                   "printed or stored)");
    cmd.add_option("--operation", o.operation, "what each request asks for")
        ->check(one_of_check({"chat", "chat_stream", "generate", "generate_stream", "embed"}))
        ->capture_default_str();
    cmd.add_option("--warmup", o.warmup,
                   "requests sent first and not measured, outside --duration (default: the "
                   "concurrency, with --rate one second of arrivals; at least 1)");
    cmd.add_option("--prompt", o.prompt,
                   "the prompt every request sends (default: a unique prompt per request)");
    cmd.add_option("--prompts-file", o.prompts_file,
                   "prompts, one per line (or JSONL lines {\"prompt\": ...}), used in turn");
    cmd.add_option("--dataset", o.dataset,
                   "prompts from FILE, used in turn: JSONL with \"prompt\" or \"messages\", or "
                   "a ShareGPT JSON array");
    cmd.add_option("--input-len,--input-length", o.input_len,
                   "unique prompts of about N tokens (one common word each): N, uniform:LO:HI "
                   "or normal:MEAN:SD");
    cmd.add_option("--output-len", o.output_len,
                   "answers of N tokens (max_tokens + ignore_eos + min_tokens on vLLM, "
                   "num_predict on Ollama, max_new_tokens on TGI): N, uniform:LO:HI or "
                   "normal:MEAN:SD");
    cmd.add_option("--prefix-len", o.prefix_len,
                   "the same N words in front of every prompt (a prefix a cache may serve)")
        ->check(whole_number_check(1, 1'000'000));
    cmd.add_option("--seed", o.seed,
                   "seed of the prompts, lengths and arrivals (default: new prompts each "
                   "run, their seed stored with it)");
    cmd.add_option("--temperature", o.temperature, "sampling temperature sent to the server")
        ->check(number_check(0, 100));
    cmd.add_option("--max-tokens", o.max_tokens, "at most this many output tokens per answer")
        ->check(whole_number_check(1, 1'000'000));
    cmd.add_option("--timeout", o.timeout_s, "seconds a request may take (first byte and total)")
        ->check(seconds_check());
    cmd.add_option("--duration", o.duration_s,
                   "end each run's measured phase after SECONDS (requests in flight are "
                   "cut_by_deadline, not errors; the rest not_started)")
        ->check(seconds_check());
    cmd.add_option("--burstiness", o.burstiness,
                   "with --rate: gamma shape of the arrival gaps (1 Poisson, < 1 bursts, > 1 even)")
        ->check(number_check(0.01, 1000))
        ->capture_default_str();
    cmd.add_option("--ramp-up", o.ramp_up_s,
                   "SECONDS over which the rate (or the concurrency) rises linearly from 0 "
                   "(from 1) to its full value")
        ->check(seconds_check());
    cmd.add_option("--ttft-timeout", o.ttft_timeout_s,
                   "seconds a stream may take to its first content token (a server may send its "
                   "response head at once)")
        ->check(seconds_check());
    cmd.add_option("--gpu", o.gpu,
                   "which of this machine's GPUs to sample: INDEX or UUID[,...], all, none "
                   "(default: those CUDA_VISIBLE_DEVICES names, else all; nothing when the "
                   "server is on another machine)");
    cmd.add_option("--client-threads", o.client_threads,
                   "event-loop threads that send the requests and read the answers, each with "
                   "its share of the concurrency (default: one per 16 requests in flight, at "
                   "most the CPUs farm may use; a --rate run uses one)")
        ->check(whole_number_check(1, 256));
    cmd.add_flag("--http2", o.http2,
                 "use HTTP/2 where the server offers it over TLS (default HTTP/1.1, as vLLM's "
                 "client)");
    cmd.add_option("--max-response-bytes", o.max_response_bytes,
                   "an answer longer than this (or with a line over 1 MiB) ends as "
                   "response_too_large: 64MiB, 500kB, 1048576")
        ->check(CLI::Validator(
            [](const std::string& text) {
                std::optional<std::int64_t> bytes = core::parse_size(text);
                return bytes && *bytes >= 1024 ? std::string()
                                               : "a size of at least 1024 bytes: 64MiB, 500kB";
            },
            "SIZE"))
        ->capture_default_str();
    cmd.add_option("--config", o.config,
                   "farm config file (default: farm.config.json in the project root)");
    cmd.add_option("--db", o.db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd.add_flag("--no-record", o.no_record, "do not store the runs in the history");
    add_progress_option(cmd, o.no_progress);
    cmd.add_option("--percentiles", o.percentiles,
                   "percentiles of TTFT, TTFO, TPOT, ITL and E2E in the summary")
        ->capture_default_str();
    cmd.add_option("--export-requests", o.export_requests,
                   "write every measured request to FILE: FILE.jsonl gets its times, chunks and "
                   "tokens (one JSON line each), any other name a CSV row of its metrics");
    cmd.add_option("--trace", o.trace,
                   "write a timeline to FILE (Chrome trace-event JSON, opens in Perfetto): "
                   "each request from send to end with its first token, GPU counters");
}

namespace {

// The key from the variable the user named; the key itself never leaves the Target.
std::string api_key_from(const std::string& variable, const std::string& where) {
    if (variable.empty()) {
        return {};
    }
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') {
        throw UsageError(where + " names the environment variable " + variable +
                         " for the API key, and it is not set");
    }
    return value;
}

std::string first_model(const ai::Target& target) {
    std::vector<ai::ProbeResult> found =
        ai::probe_servers({ai::ServerCandidate{target.name, target.type, target.base_url}}, 2.0);
    if (!found.empty() && !found.front().models.empty()) {
        return found.front().models.front();
    }
    throw UsageError("no model given for " + net::url_for_messages(target.base_url) +
                     " and the server lists none" +
                     (found.empty() || found.front().problem.empty()
                          ? std::string()
                          : " (" + found.front().problem + ")") +
                     ": give one with --model");
}

ai::Target from_config(const core::AiProviderConfig& p) {
    ai::Target target;
    target.name = p.name;
    target.type = ai::parse_provider_type(p.type);
    target.base_url = p.base_url;
    target.model = p.model;
    target.connect_timeout_s = p.connect_timeout_s;
    target.first_byte_timeout_s = p.first_byte_timeout_s;
    target.total_timeout_s = p.total_timeout_s;
    target.api_key = api_key_from(p.api_key_env, "provider '" + p.name + "' (api_key_env)");
    return target;
}

const core::AiProviderConfig* configured(const core::Config& config, const std::string& name) {
    for (const core::AiProviderConfig& p : config.ai.providers) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

std::vector<ai::Target> probe_local(std::optional<ai::ProviderType> type,
                                    std::vector<std::string>& notes) {
    std::vector<ai::ServerCandidate> candidates;
    for (const ai::ServerCandidate& c : ai::local_server_candidates()) {
        if (!type || c.type == *type) {
            candidates.push_back(c);
        }
    }
    std::vector<ai::Target> targets;
    std::string tried;
    for (const ai::ProbeResult& r : ai::probe_servers(candidates)) {
        tried += "\n  " + r.candidate.label + " " + net::url_for_messages(r.candidate.base_url) +
                 ": " + (r.found ? "found" : r.problem);
        if (!r.found) {
            continue;
        }
        notes.push_back("found " + r.candidate.label + " at " +
                        net::url_for_messages(r.candidate.base_url) + " (" +
                        std::to_string(r.models.size()) +
                        (r.models.size() == 1 ? " model)" : " models)"));
        if (r.models.empty()) {
            notes.push_back("  it lists no model: give one with --model to benchmark it");
            continue;
        }
        ai::Target target;
        target.name = std::string(ai::to_string(r.candidate.type));
        target.type = r.candidate.type;
        target.base_url = r.candidate.base_url;
        target.model = r.models.front();
        targets.push_back(target);
    }
    if (targets.empty()) {
        throw UsageError(
            "no AI server configured and none answers on the usual local ports:" + tried +
            "\nPoint farm at a server with --provider TYPE --url URL --model MODEL "
            "(e.g. --provider ollama --url http://127.0.0.1:11434 --model "
            "llama3.1), or add it to farm.config.json under ai.providers (see "
            "docs/config.md).");
    }
    return targets;
}

} // namespace

ResolvedTargets resolve_targets(const PerfAiOptions& o, const core::Config& config) {
    ResolvedTargets resolved;
    const core::AiProviderConfig* named =
        o.provider.empty() ? nullptr : configured(config, o.provider);
    std::optional<ai::ProviderType> type;
    if (!o.provider.empty() && named == nullptr) {
        type = ai::parse_provider_type(o.provider);
    }
    if (named != nullptr) {
        resolved.targets.push_back(from_config(*named));
    } else if (!o.url.empty()) {
        ai::Target target;
        if (!type) {
            type = o.url.find(":11434") != std::string::npos ? ai::ProviderType::ollama
                                                             : ai::ProviderType::openai;
            resolved.notes.push_back("--provider not given: speaking " +
                                     std::string(ai::to_string(*type)) + " to " +
                                     net::url_for_messages(o.url));
        }
        target.type = *type;
        target.name = std::string(ai::to_string(*type));
        resolved.targets.push_back(target);
    } else {
        for (const core::AiProviderConfig& p : config.ai.providers) {
            if (!type || p.type == ai::to_string(*type)) {
                resolved.targets.push_back(from_config(p));
            }
        }
        if (resolved.targets.empty()) {
            resolved.targets = probe_local(type, resolved.notes);
        }
    }
    for (ai::Target& target : resolved.targets) {
        if (!o.url.empty()) {
            target.base_url = o.url;
        }
        if (!target.base_url.starts_with("http://") && !target.base_url.starts_with("https://")) {
            throw UsageError("--url: '" + net::url_for_messages(target.base_url) +
                             "' is not an http:// or https:// URL");
        }
        if (!o.model.empty()) {
            target.model = o.model;
        }
        if (!o.api_key_env.empty()) {
            target.api_key = api_key_from(o.api_key_env, "--api-key-env");
        }
        if (o.timeout_s > 0) {
            target.first_byte_timeout_s = o.timeout_s;
            target.total_timeout_s = o.timeout_s;
            target.connect_timeout_s = std::min(target.connect_timeout_s, o.timeout_s);
        }
        if (target.model.empty()) {
            target.model = first_model(target);
            resolved.notes.push_back("model not given: using " + target.model + ", the first " +
                                     net::url_for_messages(target.base_url) + " lists");
        }
    }
    return resolved;
}

std::shared_ptr<const ai::Workload> resolve_workload(const PerfAiOptions& o) {
    if (!o.dataset.empty() && !o.prompts_file.empty()) {
        throw UsageError("give one of --dataset and --prompts-file");
    }
    ai::WorkloadSpec spec;
    spec.fixed_prompt = o.prompt;
    if (!o.dataset.empty()) {
        spec.dataset = std::make_shared<ai::Dataset>(ai::load_dataset(o.dataset));
    } else if (!o.prompts_file.empty()) {
        spec.dataset =
            std::make_shared<ai::Dataset>(ai::load_dataset(o.prompts_file, "prompts file"));
    }
    if (!o.input_len.empty()) {
        spec.input_len = ai::parse_length_distribution(o.input_len, "--input-len");
    }
    if (!o.output_len.empty()) {
        spec.output_len = ai::parse_length_distribution(o.output_len, "--output-len");
    }
    if (o.max_tokens > 0) {
        spec.max_tokens = o.max_tokens;
    }
    spec.prefix_len = o.prefix_len;
    spec.seed = o.seed;
    spec.temperature = o.temperature;
    return std::make_shared<const ai::Workload>(std::move(spec));
}

} // namespace farm::commands
