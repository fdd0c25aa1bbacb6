// Progress as text: the live line a terminal redraws in place (a hyperfine-style bar with the
// elapsed and remaining time) and the plain milestone lines a CI log gets instead, with the
// throttle that keeps those lines to one every few seconds. Pure functions of a snapshot and the
// time; commands/progress_display writes them to stderr.
//
// Guarantees: progress_line() is never wider than the columns it is given minus one (counted in
// characters, colour codes left out of the count) and holds no line break; a milestone line is
// one line; MilestoneThrottle lets the first line through at once and then at most one per
// interval.
#pragma once

#include "farm/measure/runner.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace farm::report {

// What a progress display shows at one moment.
struct ProgressSnapshot {
    std::string label;                 // what is measured: "sleep 0.1", "build @acme/api"
    std::string counter;               // "run 4/10", "warm-up 1/2", "38/50 requests"; may be ""
    std::vector<std::string> details;  // "mean 1.234 s", "3 in flight", "0 errors"
    std::optional<double> fraction;    // of the whole command, 0..1; none: not known
    double elapsed_s = 0;              // since the command's progress began
    std::optional<double> remaining_s; // none: estimated from fraction and elapsed
};

// The snapshot's own remaining time, else elapsed * (1 - f) / f once some of the work is done;
// none while nothing is known.
std::optional<double> remaining_time(const ProgressSnapshot& snapshot);

// A duration as a clock: "00:07", "12:34", "1:02:03" (hyperfine's "ETA 00:00:03").
std::string clock_text(double seconds);

// A duration in words, for log lines: "0 s", "12 s", "3 min 20 s", "1 h 05 min".
std::string duration_words(double seconds);

enum class BarGlyphs { unicode, ascii };

// A bar `width` characters wide filled to `fraction` (clamped to 0..1): "██████▌░░░" with
// eighth blocks for the partly filled cell, or "######----".
std::string progress_bar(double fraction, std::size_t width, BarGlyphs glyphs);

struct LineStyle {
    std::size_t columns = 80;
    BarGlyphs glyphs = BarGlyphs::ascii;
    bool color = false; // the bar's filled part in colour
};

// "build @acme/api  run 4/10  mean 1.234 s  ████████░░░░  00:12  ETA 00:18", fitted into
// columns - 1 (the last column stays free so that the terminal never wraps the line): when it
// does not fit the details go first, the last one first, then the bar (never narrower than 10),
// then the label is cut.
std::string progress_line(const ProgressSnapshot& snapshot, const LineStyle& style);

// "perf:build: sleep 0.1: run 4/10, mean 1.234 s, 12 s elapsed, about 18 s left".
std::string milestone_line(const std::string& command, const ProgressSnapshot& snapshot);

// When a CI log gets its next milestone line: the first at once; later ones when `interval_s`
// has passed since the last and something changed (`key`: the step and its count), or when
// `repeat_s` has passed, so that a long step still says that it is alive.
class MilestoneThrottle {
  public:
    explicit MilestoneThrottle(double interval_s = 5, double repeat_s = 30);
    // Whether a line is due at `now_s` (any clock, in seconds); when it is, it counts as written.
    bool due(double now_s, const std::string& key);
    // A line written at `now_s` by other means (a step's own line): the next is due later.
    void mark(double now_s);
    bool any_written() const { return m_written; }
    // Whether the log has been quiet for the interval at `now_s` (or nothing was written yet).
    bool quiet(double now_s) const { return !m_written || now_s - m_last_s >= m_interval_s; }
    double interval_s() const { return m_interval_s; }

  private:
    double m_interval_s;
    double m_repeat_s;
    bool m_written = false;
    double m_last_s = 0;
    std::string m_last_key;
};

// The counter and details of the run loop's progress: "warm-up 1/2" or "run 4/10", and
// "mean 1.234 s" once a run has ended.
ProgressSnapshot run_progress(const std::string& label, const measure::Progress& progress);

// The share of the runs done, over several commands measured together: `latest` holds each
// command's last progress (none before its first run); a command not started yet is expected to
// take as many runs as the average of the others. The remaining time adds the commands' own
// estimates.
struct CombinedRuns {
    double fraction = 0;
    std::optional<double> remaining_s;
};
CombinedRuns combine_runs(const std::vector<std::optional<measure::Progress>>& latest);

// The progress of a load of requests: "38/50 requests", then "3 in flight", "1 error",
// "4.1 req/s" (ended requests over `elapsed_s`). With a deadline the run may end before the
// requests do: the fraction is the larger of the two.
struct RequestCounts {
    std::size_t planned = 0;
    std::size_t sent = 0;
    std::size_t ended = 0;
    std::size_t failed = 0;
    double elapsed_s = 0;  // of this load
    double deadline_s = 0; // 0: none
};
ProgressSnapshot request_progress(const std::string& label, const RequestCounts& counts);

} // namespace farm::report
