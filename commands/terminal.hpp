// What the commands need of the terminal: whether stdout/stderr are terminals (colour, progress)
// and the one-line progress display that lives on stderr while runs go on.
#pragma once

#include "farm/measure/runner.hpp"

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
};

} // namespace farm::commands
