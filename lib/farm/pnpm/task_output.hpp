// A failed build script's own lines, out of what pnpm and the task runner printed around them: a
// failure is told by the package's own message ("DATABASE_URL is not set"), not by pnpm's banner
// and ELIFECYCLE lines or Nx's summary.
//
// Task runners print each task's output on stdout, each in its own way: Nx as one block under a
// `> nx run PROJECT:TARGET` header (colours included: it runs tasks in a pseudo-terminal), turbo
// line by line with a `PACKAGE:TASK: ` prefix; their stderr holds only their own summary.
// TaskOutput follows that stdout as it comes and keeps the last lines of every task, so that a
// failed task's lines are found however much the other tasks printed after it.
#pragma once

#include "farm/core/line_splitter.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

// How many of a failed script's own last lines a failure shows: the last ones say what went wrong.
constexpr std::size_t shown_failure_lines = 5;

// pnpm's own lines around a failed script: the `> name@1.0.0 build /dir` banner, the folder it
// names, ERR_PNPM_*, ELIFECYCLE, "Exit status N", its warnings, and blank lines.
bool is_pnpm_line(std::string_view line);

// The last `count` lines of `text` that are the script's own: colours removed, pnpm's lines
// (is_pnpm_line) left out.
std::vector<std::string> own_last_lines(std::string_view text, std::size_t count);

// A task's line is kept up to this many bytes (a longer one in pieces): a tool may print a whole
// minified bundle on one line, and a failure quotes only the last lines.
constexpr std::size_t max_task_line_bytes = 4096;

class TaskOutput {
  public:
    enum class Format { nx, turbo };
    explicit TaskOutput(Format format) : m_format(format) {}

    // Another piece of the runner's stdout (pieces may end anywhere in a line).
    void feed(std::string_view piece);
    // The last `count` own lines (own_last_lines) of the task "PACKAGE:TASK"; empty when the
    // runner printed nothing of it.
    std::vector<std::string> own_lines(const std::string& task_id, std::size_t count) const;
    void clear();

  private:
    void take_line(std::string line);
    void take_nx_line(std::string plain);
    void take_turbo_line(const std::string& plain);
    void keep(const std::string& task, std::string line);

    Format m_format;
    core::LineSplitter m_lines{max_task_line_bytes}; // a longer line is kept in pieces
    std::string m_current; // the task whose block is being printed, empty outside one
    std::map<std::string, std::vector<std::string>> m_blocks; // the last lines of each block
};

} // namespace farm::pnpm
