// What the commands need of the terminal: whether stdout/stderr are terminals (colour, progress)
// and the one-line progress display that lives on stderr while runs go on.
#pragma once

#include "farm/measure/runner.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace farm::commands {

bool stdout_is_terminal();
bool stderr_is_terminal();
// Colour on stdout: a terminal, and NO_COLOR not set.
bool stdout_wants_color();

// Shows "run 3/10 · 101.2 ms per run · ETA 0.7 s" on stderr, redrawn in place; prints nothing
// at all when stderr is not a terminal.
class ProgressLine {
  public:
    explicit ProgressLine(std::string label);
    ~ProgressLine();
    void update(const measure::Progress& progress);
    // The same with another label (a step of a multi-step measurement).
    void update(const std::string& label, const measure::Progress& progress);
    void clear();

  private:
    std::string m_label;
    bool m_enabled;
    bool m_shown = false;
    std::string m_drawn_label;
    std::chrono::steady_clock::time_point m_drawn_at{};
};

// The progress of a measurement made of steps (an install, then each package's build). On a
// terminal: the live ProgressLine. Otherwise (a CI log, a pipe): one plain line on stderr as each
// step starts, "[3/7] build @acme/api", and one as it ends, with its time, so that a log shows
// what is going on and what took long; the runs within a step print nothing.
class StepProgressDisplay {
  public:
    // `planned`: the number of steps expected; a step past it counts the total up.
    explicit StepProgressDisplay(std::size_t planned);
    ~StepProgressDisplay();
    StepProgressDisplay(const StepProgressDisplay&) = delete;
    StepProgressDisplay& operator=(const StepProgressDisplay&) = delete;
    void update(const std::string& step, const measure::Progress& progress);
    // Ends the current step (its closing line) and the live line.
    void finish();

  private:
    void end_step();
    static bool is_side_step(const std::string& step);
    std::string counter() const;

    ProgressLine m_live;
    bool m_plain;
    std::size_t m_planned;
    std::size_t m_index = 0;
    std::string m_step;
    bool m_side_step = false;
    std::chrono::steady_clock::time_point m_started;
};

} // namespace farm::commands
