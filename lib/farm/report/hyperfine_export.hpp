// `perf:build --export FILE`: the runs of one call in hyperfine 1.20's export formats, so that
// hyperfine's scripts and every tool that reads hyperfine's files read farm's.
//
// The formats come from hyperfine's own source (sharkdp/hyperfine 1.20.0):
// - JSON (src/export/json.rs, src/benchmark/benchmark_result.rs): history/hyperfine_json.hpp,
//   re-exported here; it lives in history/ because the history writes it too (a run that could
//   not be stored is kept as this JSON), and report/ may include history/, not the other way.
// - CSV (src/export/csv.rs): `command,mean,stddev,median,user,system,min,max` then one
//   `parameter_NAME` column per parameter, names sorted; LF line ends; a field is quoted only when
//   it holds a comma, a quote, CR or LF; numbers as Rust prints an f64 (the shortest text that
//   reads back as the same double, never in exponent form: 0.0000001); a missing stddev is 0, as
//   hyperfine writes it. farm adds: a figure farm has not got (no completed iteration, no CPU
//   time) is an empty field; the parameter columns are the union over all runs, so that runs
//   with different parameters cannot shift a value into another column.
// - Markdown (src/export/markup.rs, markdown.rs): `| Command | Mean [UNIT] | Min [UNIT] |
//   Max [UNIT] | Relative |`, right-aligned figures, the unit chosen from the first run's mean (µs
//   below 1 ms, ms below 1 s, else s; values with 1, 1 and 3 decimals), "mean ± stddev", and the
//   relative speed against the fastest mean with its propagated stddev ("1.00" for the fastest),
//   rows in the given order, `|` in a command escaped. A run with no completed iteration shows
//   "n/a" in its figures (hyperfine has no such row).
// The figures themselves (which iterations count, stddev with n - 1) are history's
// hyperfine_figures, one definition for the three formats.
#pragma once

#include "farm/history/run.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace farm::report::hyperfine {

enum class ExportFormat { json, csv, markdown };

// By extension, case aside: .json, .csv, .md or .markdown. Throws farm::UsageError naming the
// file otherwise.
ExportFormat export_format_for(const std::filesystem::path& file);

std::string hyperfine_json(const std::vector<history::Run>& runs);
std::string hyperfine_csv(const std::vector<history::Run>& runs);
std::string hyperfine_markdown(const std::vector<history::Run>& runs);
std::string render(ExportFormat format, const std::vector<history::Run>& runs);

// In the format of the file's extension, atomically (core/atomic_file.hpp): the file is whole or
// as it was. Throws farm::Error naming the file.
void write_hyperfine_export(const std::filesystem::path& file,
                            const std::vector<history::Run>& runs);

} // namespace farm::report::hyperfine
