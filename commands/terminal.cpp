#include "commands/terminal.hpp"

#include <cstdlib>
#include <unistd.h>

namespace farm::commands {

bool stdout_is_terminal() {
    return isatty(STDOUT_FILENO) == 1;
}
bool stderr_is_terminal() {
    return isatty(STDERR_FILENO) == 1;
}

bool stdout_wants_color() {
    const char* no_color = std::getenv("NO_COLOR");
    return stdout_is_terminal() && !(no_color && *no_color);
}

} // namespace farm::commands
