// Runs as hyperfine's JSON (`hyperfine --export-json`), and the figures hyperfine reports for a
// command, computed the way farm counts iterations.
//
// The format is hyperfine 1.20's (sharkdp/hyperfine: src/benchmark/benchmark_result.rs and
// src/export/json.rs): {"results": [{"command", "mean", "stddev", "median", "user", "system",
// "min", "max", "times", "memory_usage_byte", "exit_codes", "parameters"}]}, keys in that order,
// times in seconds, two-space indentation and a final newline as serde_json's pretty printer
// writes them. So hyperfine's own scripts (scripts/advanced_statistics.py, plot_whisker.py...)
// and every reader of hyperfine's files read farm's.
//
// It lives in history/, not report/, because the history itself writes it: a run that could not
// be stored is kept as this JSON (record_or_keep.hpp), and `perf:report --import` reads it back
// (import_hyperfine.hpp). report/hyperfine_export.hpp re-exports it next to the CSV and Markdown.
//
// Where farm differs from hyperfine, and why:
// - Statistics (mean, stddev, median, min, max, user, system) are over the COMPLETED iterations
//   only: every one of a run whose status is ok (failures accepted with --ignore-failure count,
//   as hyperfine -i counts them), else those that exited 0. "times" and "exit_codes" still hold
//   every iteration, failed ones included, so a failure stays visible; a reader that recomputes
//   statistics from "times" should leave out the non-zero exit codes of a failed run.
//   farm.statistics_over says how many iterations the statistics read. With none, the figures are
//   null.
// - stddev is the sample standard deviation (n - 1), as hyperfine's; null with one iteration.
// - user and system are the means of the iterations' user_s and sys_s (CPU of the whole tree);
//   null when the run has none (a run imported from hyperfine keeps no per-run CPU).
// - exit_codes: a run ended by a signal is 128 + signal, as hyperfine 1.20 writes on Unix (since
//   1.12; hyperfine 1.11 wrote null, which import reads as a failed run); null when there was no
//   exit status at all. farm.signals keeps the signal itself.
// - memory_usage_byte: each iteration's max_rss_bytes (largest single process, from wait4), the
//   figure hyperfine reports; left out when an iteration lacks it. farm's tree peak is in
//   farm.metrics.
// - parameters: ordered by name, as hyperfine's BTreeMap; farm.parameters keeps the given order.
// - "command" is the command as run (secrets masked); farm.subject is farm's name for it.
//
// Everything else of the run is under the result's "farm" key: run_id (null when not stored),
// kind, subject, status, started_at, duration_s, folder, batch_id, order_seed, shell_overhead_s,
// parameters, statistics_over, ci95 (of the median), signals, metrics ({NAME: {unit, values}},
// values per iteration, null where not measured; wall_s is "times"), context (git, host,
// tool_versions, project). Import reads these back, so nothing of a run is lost on the way.
#pragma once

#include "farm/history/run.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace farm::history {

// The figures of one hyperfine result. Empty optionals are written as null.
struct HyperfineFigures {
    std::size_t statistics_over = 0; // completed iterations with a wall time
    std::optional<double> mean;
    std::optional<double> stddev; // sample; none with fewer than two iterations
    std::optional<double> median;
    std::optional<double> user;   // mean user_s
    std::optional<double> system; // mean sys_s
    std::optional<double> min;
    std::optional<double> max;
    std::optional<double> ci95_low; // bootstrap interval of the median
    std::optional<double> ci95_high;
};

// Whether an iteration's figures are statistics of `run` (see the header comment).
bool counts_as_completed(const Run& run, const measure::IterationRecord& iteration);

HyperfineFigures hyperfine_figures(const Run& run);

// hyperfine's exit code of an iteration: 128 + signal, the exit code, or none.
std::optional<int> hyperfine_exit_code(const measure::IterationRecord& iteration);

// The whole document, ending with a newline. Runs in the order given.
std::string hyperfine_json(const std::vector<Run>& runs);

} // namespace farm::history
