// Chrome trace-event JSON (`--trace FILE`): timelines that Perfetto (ui.perfetto.dev) and
// chrome://tracing open.
//
// The format is the "Trace Event Format" document that catapult's docs/trace-event-format.md
// points to (docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU), as
// Perfetto reads it (perfetto docs/getting-started/other-formats.md, "JSON trace format"): one
// object {"traceEvents": [...], "displayTimeUnit": "ms"}; every event has name, ph, ts, pid, tid
// (ts in microseconds); we write
//   ph "X"  a complete event: cat, ts and dur (microseconds, dur >= 0), args
//   ph "i"  an instant event: cat, ts, s ("t": its thread's track, "p": the process, "g": all)
//   ph "C"  a counter: args is {series: number, ...}; one track per (pid, name)
//   ph "M"  metadata: process_name / thread_name with args {name}, thread_sort_index with
//           args {sort_index}
// pid is a process in the viewer (a group of tracks) and tid a track in it.
//
// Guarantees: time zero is the steady-clock instant the builder was made (the command's start);
// every ts is a number of microseconds >= 0 on that monotonic clock; the document lists the
// metadata first and then the events in order of ts (a stable sort: events at one ts keep the
// order they were added in). The module never prints; write_trace_file writes atomically.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace farm::report {

using TraceClock = std::chrono::steady_clock;

// Trace timestamps are microseconds: seconds * us_per_s.
constexpr double us_per_s = 1e6;

class TraceEvents {
  public:
    explicit TraceEvents(TraceClock::time_point zero = TraceClock::now());

    TraceClock::time_point zero() const { return m_zero; }
    // Microseconds from zero; 0 for an instant before it.
    double us(TraceClock::time_point at) const;
    // Microseconds from zero of a time in ms since the epoch (pnpm's and turbo's clocks), through
    // the wall clock read when the builder was made; 0 for a time before zero.
    double us_from_epoch_ms(double epoch_ms) const;

    void process_name(int pid, const std::string& name);
    // Names track `tid` of process `pid`; tracks are shown in the order of `sort_index`.
    void thread_name(int pid, int tid, const std::string& name, int sort_index);
    // A span from ts_us lasting dur_us (negative durations become 0).
    void complete(int pid, int tid, const std::string& name, const std::string& category,
                  double ts_us, double dur_us, nlohmann::json args = nlohmann::json::object());
    // A span from start_us to end_us (an end before the start becomes the start). For spans
    // that follow one another or nest: an end and the next span's start given as the same
    // number round to the same printed time, where a start plus a duration computed by
    // subtraction may differ from it in the last bit and round 0.1 µs apart.
    void span(int pid, int tid, const std::string& name, const std::string& category,
              double start_us, double end_us, nlohmann::json args = nlohmann::json::object());
    // A moment on track `tid` (scope "t").
    void instant(int pid, int tid, const std::string& name, const std::string& category,
                 double ts_us, nlohmann::json args = nlohmann::json::object());
    // One value of each series of counter `name` of process `pid` (a non-finite value is left
    // out: JSON has no NaN).
    void counter(int pid, const std::string& name, double ts_us,
                 const std::vector<std::pair<std::string, double>>& series);

    std::size_t size() const { return m_events.size(); }
    // {"traceEvents": [...], "displayTimeUnit": "ms"}: metadata first, then by ts.
    nlohmann::json document() const;

  private:
    TraceClock::time_point m_zero;
    double m_wall_zero_ms; // the wall clock at m_zero, ms since the epoch
    std::vector<nlohmann::json> m_metadata;
    std::vector<nlohmann::json> m_events;
};

// A span to place on a track: start and end in any one unit.
struct LaneSpan {
    double start = 0;
    double end = 0;
};

// The track (0, 1, ...) of each span so that the spans of one track never overlap (one that
// ends exactly when another starts may share its track): each span, in order of start, takes
// the lowest track free at its start. As many tracks as the most spans open at once.
std::vector<std::size_t> assign_lanes(const std::vector<LaneSpan>& spans);

// Throws farm::UsageError when FILE cannot be written: its folder is missing (or not a folder),
// or FILE is a folder. Called before anything is measured.
void check_trace_path(const std::filesystem::path& file);

// Writes the document atomically (core/atomic_file.hpp): the file is whole or as it was.
void write_trace_file(const std::filesystem::path& file, const TraceEvents& events);

} // namespace farm::report
