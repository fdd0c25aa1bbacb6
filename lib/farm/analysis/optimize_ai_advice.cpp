// The AI rules of optimize_advice.hpp: the newest run of each AI subject in the window, read with
// its context (provider type, streaming, base URL) and the few metrics the rules read of each
// request (rule_metrics; a run of a million requests is never read whole).
#include "farm/analysis/optimize_advice.hpp"
#include "farm/core/fixed_text.hpp"
#include "farm/measure/stats.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace farm::analysis {

namespace {

std::string ms(double value) {
    return core::fixed(value, 0) + " ms";
}

std::string requests_word(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " request" : " requests");
}

std::string context_value(const history::Run& run, const std::string& key) {
    auto it = run.context.project.find(key);
    return it == run.context.project.end() ? std::string() : it->second;
}

// "<provider>/<model>/<operation>": the first and the last part.
std::string provider_type_of(const history::Run& run) {
    std::string type = context_value(run, "provider_type");
    return type.empty() ? run.subject.substr(0, run.subject.find('/')) : type;
}

std::string operation_of(const history::Run& run) {
    std::string operation = context_value(run, "operation");
    return operation.empty() ? run.subject.substr(run.subject.rfind('/') + 1) : operation;
}

bool streamed(const history::Run& run) {
    std::string stream = context_value(run, "stream");
    return stream.empty() ? operation_of(run).ends_with("_stream") : stream == "true";
}

// GPU telemetry describes this machine's GPU: it says something about the server only when the
// server runs here. Ollama and TGI are local unless their URL says otherwise.
bool server_is_local(const history::Run& run) {
    std::string url = context_value(run, "base_url");
    if (url.empty()) {
        return provider_type_of(run) != "openai";
    }
    for (const char* host : {"://localhost", "://127.", "://[::1]", "://0.0.0.0"}) {
        if (url.find(host) != std::string::npos) {
            return true;
        }
    }
    return false;
}

// Every metric the rules below read, and what tells a failed request.
const std::vector<std::string> rule_metrics = {"e2e_ms",
                                               "gpu_util_pct",
                                               "gpu_memory_used_bytes",
                                               "gpu_memory_total_bytes",
                                               "server_load_ms",
                                               "prompt_index",
                                               "failed"};

bool succeeded(const history::RunColumns& c, std::size_t i) {
    double failed = c.at("failed", i);
    return c.exit_codes[i] == 0 && !(std::isfinite(failed) && failed != 0);
}

// The measured values of `metric` over the successful requests.
std::vector<double> values_of(const history::RunColumns& c, const std::string& metric) {
    std::vector<double> values;
    for (std::size_t i = 0; i < c.size(); ++i) {
        double v = c.at(metric, i);
        if (succeeded(c, i) && std::isfinite(v)) {
            values.push_back(v);
        }
    }
    return values;
}

Recommendation make(Priority priority, const history::Run& run, const std::string& rule,
                    std::string finding, std::string action) {
    return {priority, "ai", run.subject, rule, std::move(finding), {run.id}, std::move(action)};
}

std::string speed_action(const std::string& provider) {
    if (provider == "ollama") {
        return "Use a smaller or more quantized model (a q4 variant), check with `ollama ps` that "
               "it runs 100% on the GPU, and cap the answer length (num_predict).";
    }
    if (provider == "tgi") {
        return "Quantize the model (--quantize), cap max_new_tokens, and tune "
               "--max-batch-prefill-tokens for the load you serve.";
    }
    return "Use a smaller model, cap max_tokens, and stream so that users see the first tokens "
           "sooner.";
}

void slow_response(std::vector<Recommendation>& out, const history::Run& run,
                   const history::RunColumns& c, const AiThresholds& t,
                   const std::string& provider) {
    std::vector<double> e2e = values_of(c, "e2e_ms");
    if (e2e.empty()) {
        return;
    }
    double median = measure::median(e2e);
    std::string measured = "median e2e " + ms(median) + " over " + requests_word(e2e.size());
    if (median > t.slow_ms) {
        out.push_back(make(Priority::high, run, "ai_slow_response",
                           measured + ", over " + provider + "'s slow line of " + ms(t.slow_ms),
                           speed_action(provider)));
    } else if (median > t.fast_ms) {
        out.push_back(make(Priority::low, run, "ai_slow_response",
                           measured + ", between " + provider + "'s fast line (" + ms(t.fast_ms) +
                               ") and slow line (" + ms(t.slow_ms) + ")",
                           "Fine for batch work; for interactive use, stream and cap the answer "
                           "length. " +
                               speed_action(provider)));
    }
}

void gpu_use(std::vector<Recommendation>& out, const history::Run& run,
             const history::RunColumns& c, const AiAdviceSettings& s, const std::string& provider) {
    if (!server_is_local(run)) {
        return;
    }
    std::vector<double> util = values_of(c, "gpu_util_pct");
    if (!util.empty() && measure::median(util) < s.gpu_util_low_pct) {
        out.push_back(make(
            Priority::medium, run, "ai_low_gpu_util",
            "median GPU utilisation " + core::fixed(measure::median(util), 0) + "% over " +
                requests_word(util.size()) + ", under " + core::fixed(s.gpu_util_low_pct, 0) + "%",
            provider == "ollama"
                ? "Check with `ollama ps` how much of the model sits on the CPU; pick a model "
                  "that fits in GPU memory, or raise num_gpu."
                : "Check that the server runs on the GPU, then send more requests at once "
                  "(a higher concurrency) so that batches keep it busy."));
    }
    std::vector<double> fractions;
    for (std::size_t i = 0; i < c.size(); ++i) {
        double used = c.at("gpu_memory_used_bytes", i);
        double total = c.at("gpu_memory_total_bytes", i);
        if (succeeded(c, i) && std::isfinite(used) && std::isfinite(total) && total > 0) {
            fractions.push_back(used / total);
        }
    }
    if (!fractions.empty() && measure::median(fractions) > s.gpu_memory_high_fraction) {
        out.push_back(make(Priority::medium, run, "ai_high_gpu_memory",
                           "median GPU memory in use " +
                               core::fixed(measure::median(fractions) * 100, 0) +
                               "% of the total over " + requests_word(fractions.size()) +
                               ", over " + core::fixed(s.gpu_memory_high_fraction * 100, 0) + "%",
                           "Use a smaller quantization or a shorter context (num_ctx, "
                           "--max-total-tokens) and keep fewer models loaded "
                           "(OLLAMA_MAX_LOADED_MODELS), so that nothing spills to the CPU."));
    }
}

void no_streaming(std::vector<Recommendation>& out, const history::Run& run,
                  const history::RunColumns& c, const AiThresholds& t) {
    std::string operation = operation_of(run);
    if (streamed(run) || (operation != "chat" && operation != "generate")) {
        return;
    }
    std::vector<double> e2e = values_of(c, "e2e_ms");
    if (e2e.empty() || measure::median(e2e) <= t.fast_ms) {
        return;
    }
    out.push_back(make(Priority::medium, run, "ai_no_streaming",
                       "responses are not streamed: users wait the whole median e2e of " +
                           ms(measure::median(e2e)) + " (" + requests_word(e2e.size()) +
                           ") before they see a word",
                       "Stream the response (stream: true) so that the first tokens show after "
                       "the time to first token; measure " +
                           operation + "_stream with farm perf:ai to see the difference."));
}

void cold_load(std::vector<Recommendation>& out, const history::Run& run,
               const history::RunColumns& c, const AiAdviceSettings& s) {
    std::vector<double> loads = values_of(c, "server_load_ms");
    std::size_t cold = 0;
    double worst = 0;
    for (double v : loads) {
        if (v > s.cold_load_ms) {
            ++cold;
            worst = std::max(worst, v);
        }
    }
    if (cold == 0) {
        return;
    }
    out.push_back(make(cold > 1 ? Priority::high : Priority::medium, run, "ai_cold_load",
                       std::to_string(cold) + " of " + requests_word(loads.size()) +
                           " waited for the model to load (load_duration up to " + ms(worst) +
                           ", over " + ms(s.cold_load_ms) +
                           "): the model was unloaded between requests",
                       "Keep the model loaded: set keep_alive (\"30m\", or OLLAMA_KEEP_ALIVE=-1) "
                       "and raise OLLAMA_MAX_LOADED_MODELS when several models take turns."));
}

void repeated_prompts(std::vector<Recommendation>& out, const history::Run& run,
                      const history::RunColumns& c, const AiAdviceSettings& s) {
    std::map<double, std::size_t> seen;
    std::vector<double> firsts;
    std::vector<double> repeats;
    for (std::size_t i = 0; i < c.size(); ++i) {
        double prompt = c.at("prompt_index", i);
        double e2e = c.at("e2e_ms", i);
        if (!succeeded(c, i) || !std::isfinite(prompt) || !std::isfinite(e2e)) {
            continue;
        }
        (seen[prompt]++ == 0 ? firsts : repeats).push_back(e2e);
    }
    if (repeats.size() < 2 || firsts.empty()) {
        return;
    }
    double first = measure::median(firsts);
    double again = measure::median(repeats);
    if (again < s.cached_repeat_ratio * first) {
        return; // something already answers repeats faster
    }
    bool embed = operation_of(run) == "embed";
    out.push_back(make(
        Priority::low, run, "ai_repeated_prompts",
        std::to_string(repeats.size()) + " of " + requests_word(firsts.size() + repeats.size()) +
            " repeated one of " + std::to_string(seen.size()) + " prompts and took " + ms(again) +
            " (median) against " + ms(first) + " for first answers: no cache at work",
        embed ? "Cache embeddings by model and input text; the same input always gives the same "
                "vector."
              : "Cache answers to repeated prompts (keyed by model, prompt and parameters) and "
                "put the shared part of prompts first, so that prefix caching (vLLM "
                "--enable-prefix-caching, Ollama's context reuse) can help."));
}

// A count the run's context keeps ("errors.<class>", "errors.http_<status>"), 0 when absent.
std::size_t context_count(const history::Run& run, const std::string& key) {
    std::string value = context_value(run, key);
    return value.empty() ? 0 : std::size_t(std::strtoull(value.c_str(), nullptr, 10));
}

// The failures of a run by what the user can do about them: rate limits (HTTP 429), server
// errors (HTTP 5xx), timeouts, and the rest (connections, other statuses, broken streams).
struct ErrorCounts {
    std::size_t rate_limited = 0;
    std::size_t server = 0;
    std::size_t timeouts = 0;
    std::size_t other = 0;
};

ErrorCounts error_counts(const history::Run& run, std::size_t failed) {
    ErrorCounts e;
    for (const auto& [key, value] : run.context.project) {
        constexpr std::string_view prefix = "errors.http_"; // then the status: errors.http_429
        if (!key.starts_with(prefix) || key.size() == prefix.size() ||
            !std::isdigit(static_cast<unsigned char>(key[prefix.size()]))) {
            continue;
        }
        int status = std::atoi(key.c_str() + prefix.size());
        std::size_t n = context_count(run, key);
        (status == 429 ? e.rate_limited : status >= 500 ? e.server : e.other) += n;
    }
    e.timeouts = context_count(run, "errors.timeout");
    std::size_t known = e.rate_limited + e.server + e.timeouts + e.other;
    e.other += failed > known ? failed - known : 0; // runs recorded before the classes were kept
    return e;
}

void request_errors(std::vector<Recommendation>& out, const history::Run& run,
                    const history::RunColumns& c, const AiAdviceSettings& s) {
    std::size_t failed = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        failed += succeeded(c, i) ? 0 : 1;
    }
    if (failed == 0) {
        return;
    }
    double rate = double(failed) / double(c.size());
    Priority priority = rate > s.error_rate_max ? Priority::high : Priority::medium;
    std::string of = " of " + requests_word(c.size()) + " (error rate " + core::fixed(rate, 3) +
                     (rate > s.error_rate_max ? ", over the line of " : ", under the line of ") +
                     core::fixed(s.error_rate_max, 3) + ")";
    ErrorCounts e = error_counts(run, failed);
    if (e.rate_limited > 0) {
        out.push_back(make(
            priority, run, "ai_rate_limited",
            std::to_string(e.rate_limited) + " were refused with HTTP 429 (rate limit)" + of,
            "The server or a gateway in front of it limits the request rate: measure below the "
            "limit (a lower --concurrency or --rate), raise the limit (API tier, the gateway's "
            "rate limiter), and make clients retry after Retry-After with exponential backoff "
            "and jitter."));
    }
    if (e.server > 0) {
        out.push_back(make(
            priority, run, "ai_server_errors",
            std::to_string(e.server) + " failed with HTTP 5xx (server errors)" + of,
            "Read the server's log for the time of the run: under load the usual cause is memory "
            "(KV cache, out of GPU memory); lower the concurrency, cap the batch (vLLM "
            "--max-num-seqs, TGI --max-batch-total-tokens, OLLAMA_NUM_PARALLEL) or the context "
            "length, and check that the server was not restarted."));
    }
    if (e.timeouts > 0) {
        out.push_back(make(
            priority, run, "ai_timeouts", std::to_string(e.timeouts) + " timed out" + of,
            "Requests waited longer than the timeout, usually in the server's queue: lower the "
            "load to what the server can serve, cap the answer length (max_tokens, num_predict), "
            "or raise --timeout when long answers are expected."));
    }
    if (e.other > 0) {
        out.push_back(make(priority, run, "ai_request_errors",
                           std::to_string(e.other) +
                               " failed otherwise (connection, other HTTP status, broken "
                               "stream)" +
                               of,
                           "Run farm perf:ai again and read the first message of each error "
                           "class it prints; fix those before reading the latency figures."));
    }
}

} // namespace

std::vector<Recommendation> advise_ai_from_history(history::Store& store,
                                                   const core::Config& /*config*/,
                                                   const AdviceWindow& window,
                                                   const AiAdviceSettings& settings) {
    history::RunQuery query;
    query.kind = "ai";
    query.since = window.since;
    query.per_subject = 1;
    std::vector<Recommendation> out;
    for (const history::RunOverview& overview : store.recent_runs(query)) {
        history::Run run = store.load_run_header(overview.id);
        std::string provider = provider_type_of(run);
        auto it = settings.thresholds.find(provider);
        const AiThresholds& t =
            it == settings.thresholds.end() ? settings.unknown_provider : it->second;
        history::RunColumns columns = store.load_columns(run.id, rule_metrics);
        request_errors(out, run, columns, settings);
        slow_response(out, run, columns, t, provider);
        gpu_use(out, run, columns, settings, provider);
        no_streaming(out, run, columns, t);
        cold_load(out, run, columns, settings);
        repeated_prompts(out, run, columns, settings);
    }
    sort_by_priority(out);
    return out;
}

} // namespace farm::analysis
