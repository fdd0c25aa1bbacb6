// The per-request glue: request i's decoder lives from its first body byte to its on_done; error
// answers (non-2xx) are kept aside, bounded, to quote the server's words.
#include "farm/ai/benchmark.hpp"

#include "farm/ai/request_body_writer.hpp"
#include "farm/ai/server_json.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace farm::ai {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t error_body_limit = 4096;

struct InFlight {
    std::unique_ptr<ResponseDecoder> decoder;
    std::size_t prompt_index = 0;
    std::size_t prompt_chars = 0;
    int status = 0;
    std::string error_body; // of a non-2xx answer
};

struct LoopState {
    std::unordered_map<std::size_t, InFlight> in_flight;
    RequestBodyWriter bodies;
};

ErrorClass error_class_of(net::StreamFailure failure) {
    switch (failure) {
    case net::StreamFailure::connect:
        return ErrorClass::connect;
    case net::StreamFailure::http_status:
        return ErrorClass::http_status;
    case net::StreamFailure::timeout:
        return ErrorClass::timeout;
    case net::StreamFailure::stream_error:
        return ErrorClass::stream_error;
    case net::StreamFailure::incomplete:
        return ErrorClass::incomplete;
    case net::StreamFailure::none:
    case net::StreamFailure::cancelled:
        break;
    }
    return ErrorClass::none;
}

// Secrets out of a message that may quote the server: the usual patterns, and the key itself
// in case a server echoes it.
std::string clean(std::string message, const std::string& api_key) {
    if (!api_key.empty()) {
        for (std::size_t at = message.find(api_key); at != std::string::npos;
             at = message.find(api_key, at)) {
            message.replace(at, api_key.size(), "***");
        }
    }
    return core::redact_secrets(message);
}

class Benchmark {
  public:
    Benchmark(const BenchmarkPlan& plan,
              const std::function<void(const RequestReport&)>& on_request)
        : m_plan(plan), m_on_request(on_request), m_origin(Clock::now()),
          m_format(wire_format(plan.target.type, plan.operation)),
          m_streamed(is_streamed(plan.operation)),
          m_url(endpoint_url(plan.target.base_url, plan.target.type, plan.operation)),
          m_loops(loops_of(plan.load)) {
        if (!plan.workload) {
            throw UsageError("a benchmark needs a workload (the prompts to send)");
        }
        if (plan.target.model.empty()) {
            throw UsageError("no model to benchmark on " +
                             core::redact_secrets(plan.target.base_url) +
                             ": give one with --model");
        }
        request_body(spec_for(plan.workload->request(0, false))); // TGI embed: refused now
        m_headers = {{"Content-Type", "application/json"}, {"Accept", "*/*"}};
        if (!plan.target.api_key.empty()) {
            m_headers.emplace_back("Authorization", "Bearer " + plan.target.api_key);
        }
    }

    BenchmarkResult run() {
        LoadPlan load = m_plan.load;
        load.timeouts.first_byte_s = m_plan.target.first_byte_timeout_s;
        if (m_streamed) {
            // Only a stream has content chunks to wait for; a whole answer has its total timeout.
            load.timeouts.first_content_s = m_plan.target.ttft_timeout_s;
        }
        load.keep_results = false;
        LoadHandlers handlers;
        handlers.make_request = [this](RequestTag tag) { return make_request(tag); };
        handlers.on_headers = [this](RequestTag tag, int status) {
            if (!tag.warmup) {
                slot(tag).status = status;
            }
        };
        handlers.on_body = [this](RequestTag tag, std::string_view piece, net::SteadyTime at) {
            // false stops the transfer: an answer past the limits is not read to its end.
            return tag.warmup || on_body(slot(tag), piece, at);
        };
        handlers.has_content = [this](RequestTag tag) {
            if (tag.warmup) {
                return true;
            }
            const InFlight& state = slot(tag);
            return state.decoder && !state.decoder->result().chunks.empty();
        };
        handlers.on_done = [this](RequestTag tag, const net::StreamOutcome& outcome) {
            if (!tag.warmup) {
                on_done(tag, outcome);
            }
        };
        m_result.started = Clock::now();
        LoadResult load_result = run_load(load, handlers);
        m_result.ended = Clock::now();
        if (m_first_sent) {
            m_result.started = *m_first_sent;
        }
        // The measured phase runs from the first request sent to the last one ended (AIPerf's
        // benchmark duration): the client's own set-up before the first send is not the server's.
        m_result.wall_s = m_first_sent && m_last_done
                              ? std::chrono::duration<double>(*m_last_done - *m_first_sent).count()
                              : load_result.wall_s;
        m_result.not_started = load_result.not_started;
        m_result.interrupted = load_result.interrupted;
        m_result.deadline_passed = load_result.deadline_passed;
        m_result.cut_by_deadline = load_result.cut_by_deadline;
        m_result.offered_rate = load.rate;
        m_result.client_cpu_s = load_result.client_cpu_s;
        m_result.loop = std::move(load_result.loop);
        m_result.loops = load_result.loops;
        m_result.origin = m_origin;
        return std::move(m_result);
    }

  private:
    double ms(net::SteadyTime at) const {
        return std::chrono::duration<double, std::milli>(at - m_origin).count();
    }

    InFlight& slot(RequestTag tag) { return m_loops[tag.loop].in_flight[tag.index]; }

    // Under m_result_mutex.
    void count_sent(const net::StreamOutcome& outcome) {
        if (!m_first_sent || outcome.sent < *m_first_sent) {
            m_first_sent = outcome.sent;
        }
        if (!m_last_done || outcome.done > *m_last_done) {
            m_last_done = outcome.done;
        }
        ++m_result.sent;
        if (!m_result.first_sent || outcome.sent < *m_result.first_sent) {
            m_result.first_sent = outcome.sent;
        }
        if (!m_result.last_sent || outcome.sent > *m_result.last_sent) {
            m_result.last_sent = outcome.sent;
        }
        if (!outcome.http_version.empty()) {
            ++m_result.http_versions[outcome.http_version];
        }
    }

    // The load's own facts of a request: schedule lag (rate mode) and connection set-up.
    void add_load_metrics(measure::IterationRecord& record, RequestTag tag,
                          const net::StreamOutcome& outcome) const {
        auto value_of = [&record](const std::string& name) -> std::optional<double> {
            for (const measure::MetricValue& metric : record.metrics) {
                if (metric.name == name) {
                    return metric.value;
                }
            }
            return std::nullopt;
        };
        if (m_plan.load.rate > 0) {
            double lag = std::max(
                0.0,
                std::chrono::duration<double, std::milli>(outcome.sent - tag.scheduled).count());
            std::optional<double> ttft = value_of("ttft_ms");
            std::optional<double> e2e = value_of("e2e_ms");
            record.metrics.push_back({"schedule_lag_ms", "ms", lag});
            if (ttft) {
                record.metrics.push_back({"ttft_from_schedule_ms", "ms", lag + *ttft});
            }
            if (e2e) {
                record.metrics.push_back({"e2e_from_schedule_ms", "ms", lag + *e2e});
            }
        }
        if (outcome.connect_ms) {
            record.metrics.push_back({"connect_ms", "ms", *outcome.connect_ms});
        }
    }

    RequestSpec spec_for(WorkloadRequest asked) const {
        return RequestSpec{.provider = m_plan.target.type,
                           .operation = m_plan.operation,
                           .model = m_plan.target.model,
                           .prompt = std::move(asked.prompt),
                           .max_tokens = asked.max_tokens,
                           .messages = std::move(asked.messages),
                           .output_tokens = asked.output_tokens,
                           .temperature = asked.temperature};
    }

    static std::size_t prompt_chars(const RequestSpec& spec) {
        std::size_t chars = utf8_length(spec.prompt);
        for (const ChatMessage& message : spec.messages) {
            chars += utf8_length(message.content);
        }
        return chars;
    }

    net::HttpRequest make_request(RequestTag tag) {
        // Built when the request is sent: every request may have a prompt of its own, and a
        // long run holds no more than the requests in flight.
        std::size_t first = tag.warmup ? m_plan.first_warmup : m_plan.first_request;
        WorkloadRequest asked = m_plan.workload->request(first + tag.index, tag.warmup);
        std::size_t prompt = asked.prompt_index;
        RequestSpec spec = spec_for(std::move(asked));
        net::HttpRequest request;
        request.method = "POST";
        request.url = m_url;
        request.headers = m_headers;
        request.body = m_loops[tag.loop].bodies.body(spec);
        request.connect_timeout_s = m_plan.target.connect_timeout_s;
        request.total_timeout_s = m_plan.target.total_timeout_s;
        request.peer_name = m_plan.target.name;
        request.http2 = m_plan.target.http2;
        if (!tag.warmup) {
            if (m_plan.live) {
                ++m_plan.live->sent;
            }
            InFlight& state = slot(tag);
            state.prompt_index = prompt;
            state.prompt_chars = prompt_chars(spec);
            state.decoder = std::make_unique<ResponseDecoder>(m_format, m_streamed, m_plan.limits);
        }
        return request;
    }

    // false when the answer is too large to read on (response_too_large).
    bool on_body(InFlight& state, std::string_view piece, net::SteadyTime at) {
        bool error_answer = state.status != 0 && (state.status < 200 || state.status >= 300);
        if (error_answer) {
            std::size_t room =
                error_body_limit - std::min(error_body_limit, state.error_body.size());
            state.error_body.append(piece.substr(0, room));
        } else if (state.decoder) {
            state.decoder->feed(piece, ms(at));
            return state.decoder->result().error != ErrorClass::response_too_large;
        }
        return true;
    }

    // Runs on the request's loop; only what all loops share is taken under m_result_mutex.
    void on_done(RequestTag tag, const net::StreamOutcome& outcome) {
        if (m_plan.live) {
            ++m_plan.live->ended; // a cancelled one too: it is no longer in flight
        }
        InFlight state = take_state(tag);
        if (outcome.failure == net::StreamFailure::cancelled) {
            std::lock_guard lock(m_result_mutex);
            count_sent(outcome);
            return; // Ctrl-C or the deadline: not a measurement
        }
        RequestRecord record = record_of(outcome, state);
        RequestMetrics metrics = request_metrics(record);
        RequestReport report = report_of(tag, outcome, state, record, metrics);
        std::lock_guard lock(m_result_mutex);
        count_sent(outcome);
        keep(report, record, metrics);
    }

    InFlight take_state(RequestTag tag) {
        std::unordered_map<std::size_t, InFlight>& in_flight = m_loops[tag.loop].in_flight;
        auto it = in_flight.find(tag.index);
        if (it == in_flight.end()) {
            return InFlight{};
        }
        InFlight state = std::move(it->second);
        in_flight.erase(it);
        return state;
    }

    RequestRecord record_of(const net::StreamOutcome& outcome, InFlight& state) const {
        RequestRecord record;
        record.streamed = m_streamed;
        record.sent_ms = ms(outcome.sent);
        record.end_ms = ms(outcome.done);
        record.http_status = outcome.status;
        record.prompt_chars = state.prompt_chars;
        bool too_large =
            state.decoder && state.decoder->result().error == ErrorClass::response_too_large;
        // A transfer stopped for a too large answer failed for that reason, not the stop's.
        if (outcome.failure != net::StreamFailure::none && !too_large) {
            record.transport_error = error_class_of(outcome.failure);
            if (outcome.failure == net::StreamFailure::http_status) {
                std::string said = error_message_from_body(state.error_body);
                record.transport_message = "HTTP " + std::to_string(outcome.status) + " from " +
                                           net::url_for_messages(m_url) +
                                           (said.empty() ? std::string() : ": " + said);
            } else {
                record.transport_message = outcome.message;
            }
        }
        if (state.decoder) {
            if (outcome.ok() && !too_large) {
                state.decoder->finish(*record.end_ms);
            }
            record.response = state.decoder->take_result();
        }
        return record;
    }

    RequestReport report_of(RequestTag tag, const net::StreamOutcome& outcome,
                            const InFlight& state, RequestRecord& record,
                            RequestMetrics& metrics) const {
        RequestReport report;
        report.index = tag.index;
        report.prompt_index = state.prompt_index;
        report.error = record.error();
        report.output_token_source = metrics.output_token_source;
        report.record.index = int(tag.index);
        report.record.exit_code = record.failed() ? 1 : 0;
        report.record.metrics = std::move(metrics.metrics);
        report.record.metrics.push_back({"prompt_index", "count", double(state.prompt_index)});
        add_load_metrics(report.record, tag, outcome);
        if (m_plan.keep_timelines) {
            report.timeline =
                RequestTimeline{record.sent_ms, record.end_ms, record.response.end_marker_ms,
                                record.http_status, std::move(record.response.chunks)};
        }
        if (record.failed()) {
            report.error_message = clean(record.error_message(), m_plan.target.api_key);
        } else {
            add_gpu(report.record, outcome);
        }
        return report;
    }

    // Under m_result_mutex: the request into the result, the caller's callback and the spool.
    void keep(const RequestReport& report, const RequestRecord& record,
              const RequestMetrics& metrics) {
        if (record.failed()) {
            if (m_plan.live) {
                ++m_plan.live->failed;
            }
            std::string name(to_string(report.error));
            ++m_result.errors_by_class[name];
            if (report.error == ErrorClass::http_status && record.http_status > 0) {
                ++m_result.errors_by_status[record.http_status];
            }
            m_result.first_error.emplace(name, report.error_message);
        } else {
            for (double gap : metrics.itl_gaps_ms) {
                m_result.itl_gaps_ms.add(gap);
            }
            if (metrics.output_token_source) {
                ++m_result.token_sources[std::string(to_string(*metrics.output_token_source))];
            }
        }
        if (m_on_request) {
            m_on_request(report);
        }
        m_result.requests.append(report.record);
    }

    void add_gpu(measure::IterationRecord& record, const net::StreamOutcome& outcome) const {
        if (m_plan.gpu == nullptr || !m_plan.gpu->available()) {
            return;
        }
        sys::GpuStats stats = m_plan.gpu->summary(outcome.sent, outcome.done).all;
        if (stats.utilization_mean_pct) {
            record.metrics.push_back({"gpu_util_pct", "%", *stats.utilization_mean_pct});
        }
        if (stats.memory_used_mean_bytes) {
            record.metrics.push_back(
                {"gpu_memory_used_bytes", "bytes", *stats.memory_used_mean_bytes});
        }
        if (stats.memory_total_bytes) {
            record.metrics.push_back(
                {"gpu_memory_total_bytes", "bytes", double(*stats.memory_total_bytes)});
        }
    }

    const BenchmarkPlan& m_plan;
    const std::function<void(const RequestReport&)>& m_on_request;
    net::SteadyTime m_origin;
    WireFormat m_format;
    bool m_streamed;
    std::string m_url;
    net::HttpHeaders m_headers;
    std::vector<LoopState> m_loops; // one per event loop of the load (tag.loop)
    std::mutex m_result_mutex;      // over m_result and the times below, with several loops
    std::optional<net::SteadyTime> m_first_sent;
    std::optional<net::SteadyTime> m_last_done;
    BenchmarkResult m_result;
};

} // namespace

BenchmarkResult run_benchmark(const BenchmarkPlan& plan,
                              const std::function<void(const RequestReport&)>& on_request) {
    Benchmark benchmark(plan, on_request);
    return benchmark.run();
}

std::string common_token_source(const BenchmarkResult& result) {
    if (result.token_sources.empty()) {
        return {};
    }
    return result.token_sources.size() == 1 ? result.token_sources.begin()->first : "mixed";
}

} // namespace farm::ai
