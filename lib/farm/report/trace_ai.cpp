#include "farm/report/trace_ai.hpp"

#include <algorithm>

namespace farm::report {

namespace {

using nlohmann::json;

std::optional<double> metric(const measure::IterationRecord& record, const char* name) {
    return record.metric(name);
}

} // namespace

TracedRequest traced_request(const ai::RequestReport& report) {
    TracedRequest r;
    r.index = report.index;
    if (report.timeline) {
        r.sent_ms = report.timeline->sent_ms;
        r.end_ms = report.timeline->end_ms.value_or(r.sent_ms);
        r.http_status = report.timeline->http_status;
    }
    if (report.error == ai::ErrorClass::none) {
        r.ttft_ms = metric(report.record, "ttft_ms");
    } else {
        r.error = std::string(ai::to_string(report.error));
    }
    return r;
}

void add_ai_benchmark(TraceEvents& trace, int pid, const std::string& label, net::SteadyTime origin,
                      const std::vector<TracedRequest>& requests) {
    trace.process_name(pid, label);
    double zero_us = trace.us(origin);
    std::vector<LaneSpan> spans;
    for (const TracedRequest& r : requests) {
        spans.push_back({r.sent_ms, std::max(r.sent_ms, r.end_ms)});
    }
    std::vector<std::size_t> lanes = assign_lanes(spans);
    std::size_t slots = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const TracedRequest& r = requests[i];
        int tid = int(lanes[i]) + 1;
        slots = std::max(slots, lanes[i] + 1);
        double ts = zero_us + r.sent_ms * 1000;
        double dur = std::max(0.0, r.end_ms - r.sent_ms) * 1000;
        json args = {{"request", r.index}, {"http_status", r.http_status}};
        if (!r.error.empty()) {
            args["error"] = r.error;
        }
        if (r.ttft_ms) {
            args["ttft_ms"] = *r.ttft_ms;
        }
        trace.complete(pid, tid, "request " + std::to_string(r.index),
                       r.error.empty() ? "request" : "request,error", ts, dur, args);
        if (r.ttft_ms) {
            // Inside its request's span, even when rounding would put it a hair outside.
            double at = std::clamp(ts + *r.ttft_ms * 1000, ts, ts + dur);
            trace.instant(pid, tid, "first token", "request", at, {{"request", r.index}});
        }
    }
    for (std::size_t slot = 0; slot < slots; ++slot) {
        trace.thread_name(pid, int(slot) + 1, "slot " + std::to_string(slot + 1), int(slot) + 1);
    }
}

void add_gpu_counters(TraceEvents& trace, int pid, const std::vector<sys::GpuSample>& samples) {
    if (samples.empty()) {
        return;
    }
    trace.process_name(pid, "GPU");
    for (const sys::GpuSample& sample : samples) {
        double ts = trace.us(sample.at);
        for (const sys::GpuReading& d : sample.devices) {
            std::string gpu = "GPU " + std::to_string(d.index) + " ";
            if (d.utilization_pct) {
                trace.counter(pid, gpu + "utilization", ts, {{"%", *d.utilization_pct}});
            }
            if (d.memory_used_bytes) {
                trace.counter(pid, gpu + "memory used", ts,
                              {{"MiB", double(*d.memory_used_bytes) / (1 << 20)}});
            }
            if (d.temperature_c) {
                trace.counter(pid, gpu + "temperature", ts, {{"C", *d.temperature_c}});
            }
            if (d.power_w) {
                trace.counter(pid, gpu + "power", ts, {{"W", *d.power_w}});
            }
        }
    }
}

} // namespace farm::report
