// The width the commands fit their tables and prose to (report::output_width decides): the
// terminal's columns on a terminal (80 when it does not say), $COLUMNS when stdout is a pipe or
// a file and COLUMNS is set, else 0, no limit, so that a redirected report keeps every column.
#pragma once

#include <cstddef>

namespace farm::commands {

std::size_t stdout_width();

} // namespace farm::commands
