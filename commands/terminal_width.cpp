#include "commands/terminal_width.hpp"

#include "farm/report/table.hpp"

#include <cstdlib>
#include <optional>
#include <sys/ioctl.h>
#include <unistd.h>

namespace farm::commands {

std::size_t stdout_width() {
    const char* columns = std::getenv("COLUMNS");
    if (isatty(STDOUT_FILENO) != 1) {
        return report::output_width(std::nullopt, columns);
    }
    struct winsize size {};
    std::optional<std::size_t> terminal;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        terminal = size.ws_col;
    }
    std::size_t width = report::output_width(terminal, columns);
    return width > 0 ? width : 80;
}

} // namespace farm::commands
