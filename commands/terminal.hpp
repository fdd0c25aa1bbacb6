// What the commands need of the terminal: whether stdout/stderr are terminals (colour, progress;
// the progress display itself is progress_display.hpp).
#pragma once

namespace farm::commands {

bool stdout_is_terminal();
bool stderr_is_terminal();
// Colour on stdout: a terminal, and NO_COLOR not set.
bool stdout_wants_color();

} // namespace farm::commands
