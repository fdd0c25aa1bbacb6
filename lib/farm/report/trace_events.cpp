#include "farm/report/trace_events.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace farm::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Perfetto shows ts with nanosecond precision; a tenth of a microsecond keeps files short.
double rounded_us(double us) {
    return std::round(std::max(0.0, us) * 10) / 10;
}

json base_event(const char* phase, int pid, int tid, const std::string& name, double ts_us) {
    return json{{"ph", phase}, {"name", name}, {"pid", pid}, {"tid", tid}, {"ts", ts_us}};
}

} // namespace

TraceEvents::TraceEvents(TraceClock::time_point zero) : m_zero(zero) {
    // The wall clock now, moved back by the time since `zero`: the epoch time of zero.
    auto since_zero = TraceClock::now() - zero;
    auto wall = std::chrono::system_clock::now() -
                std::chrono::duration_cast<std::chrono::system_clock::duration>(since_zero);
    m_wall_zero_ms = std::chrono::duration<double, std::milli>(wall.time_since_epoch()).count();
}

double TraceEvents::us(TraceClock::time_point at) const {
    return rounded_us(std::chrono::duration<double, std::micro>(at - m_zero).count());
}

double TraceEvents::us_from_epoch_ms(double epoch_ms) const {
    return rounded_us((epoch_ms - m_wall_zero_ms) * 1000);
}

void TraceEvents::process_name(int pid, const std::string& name) {
    json event = base_event("M", pid, 0, "process_name", 0);
    event["args"] = {{"name", name}};
    m_metadata.push_back(std::move(event));
}

void TraceEvents::thread_name(int pid, int tid, const std::string& name, int sort_index) {
    json event = base_event("M", pid, tid, "thread_name", 0);
    event["args"] = {{"name", name}};
    m_metadata.push_back(std::move(event));
    json order = base_event("M", pid, tid, "thread_sort_index", 0);
    order["args"] = {{"sort_index", sort_index}};
    m_metadata.push_back(std::move(order));
}

void TraceEvents::complete(int pid, int tid, const std::string& name, const std::string& category,
                           double ts_us, double dur_us, json args) {
    span(pid, tid, name, category, ts_us, ts_us + std::max(0.0, dur_us), std::move(args));
}

void TraceEvents::span(int pid, int tid, const std::string& name, const std::string& category,
                       double start_us, double end_us, json args) {
    // The end is rounded as a start is, so that a span that ends where the next one starts
    // still does after rounding.
    double start = rounded_us(start_us);
    double end = std::max(start, rounded_us(end_us));
    json event = base_event("X", pid, tid, name, start);
    event["cat"] = category;
    event["dur"] = std::round((end - start) * 10) / 10;
    event["args"] = std::move(args);
    m_events.push_back(std::move(event));
}

void TraceEvents::instant(int pid, int tid, const std::string& name, const std::string& category,
                          double ts_us, json args) {
    json event = base_event("i", pid, tid, name, rounded_us(ts_us));
    event["cat"] = category;
    event["s"] = "t";
    event["args"] = std::move(args);
    m_events.push_back(std::move(event));
}

void TraceEvents::counter(int pid, const std::string& name, double ts_us,
                          const std::vector<std::pair<std::string, double>>& series) {
    json values = json::object();
    for (const auto& [key, value] : series) {
        if (std::isfinite(value)) {
            values[key] = value;
        }
    }
    if (values.empty()) {
        return;
    }
    json event = base_event("C", pid, 0, name, rounded_us(ts_us));
    event["args"] = std::move(values);
    m_events.push_back(std::move(event));
}

json TraceEvents::document() const {
    std::vector<std::size_t> order(m_events.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return m_events[a]["ts"].get<double>() < m_events[b]["ts"].get<double>();
    });
    json events = json::array();
    for (const json& event : m_metadata) {
        events.push_back(event);
    }
    for (std::size_t i : order) {
        events.push_back(m_events[i]);
    }
    return json{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
}

std::vector<std::size_t> assign_lanes(const std::vector<LaneSpan>& spans) {
    std::vector<std::size_t> order(spans.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return spans[a].start < spans[b].start; });
    std::vector<std::size_t> lanes(spans.size(), 0);
    std::vector<double> lane_free_at; // when the last span of each lane ends
    for (std::size_t i : order) {
        const LaneSpan& span = spans[i];
        double end = std::max(span.start, span.end);
        std::size_t lane = 0;
        while (lane < lane_free_at.size() && lane_free_at[lane] > span.start) {
            ++lane;
        }
        if (lane == lane_free_at.size()) {
            lane_free_at.push_back(end);
        } else {
            lane_free_at[lane] = end;
        }
        lanes[i] = lane;
    }
    return lanes;
}

void check_trace_path(const fs::path& file) {
    fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        throw UsageError("--trace " + file.string() + ": the folder " + folder.string() +
                         " does not exist; create it first or give another path");
    }
    if (fs::is_directory(file, error)) {
        throw UsageError("--trace " + file.string() + " is a folder; give a file name such as " +
                         (file / "trace.json").string());
    }
    core::AtomicFileWriter probe(file); // a folder that cannot be written is said now
}

void write_trace_file(const fs::path& file, const TraceEvents& events) {
    core::write_file_atomically(file, events.document().dump() + "\n");
}

} // namespace farm::report
