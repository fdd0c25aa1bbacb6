#include "commands/terminal.hpp"

#include "farm/report/format.hpp"

#include <cstdio>
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

ProgressLine::ProgressLine(std::string label)
    : m_label(std::move(label)), m_enabled(stderr_is_terminal()) {}

ProgressLine::~ProgressLine() {
    clear();
}

void ProgressLine::update(const std::string& label, const measure::Progress& p) {
    m_label = label;
    update(p);
}

void ProgressLine::update(const measure::Progress& p) {
    if (!m_enabled) {
        return;
    }
    // A step without a count of runs ("run 1/3: web ready in 412 ms") is shown as it is.
    std::string line = p.planned == 0
                           ? m_label
                           : m_label + "  " + (p.warmup ? "warm-up " : "run ") +
                                 std::to_string(p.current) + "/" + std::to_string(p.planned);
    if (!p.warmup && p.mean_wall_s > 0) {
        line += " · " + report::format_value(p.mean_wall_s, "s") + " per run (mean so far)";
        line += " · ETA " + report::format_value(p.eta_s, "s");
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    m_shown = true;
}

void ProgressLine::clear() {
    if (m_enabled && m_shown) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        m_shown = false;
    }
}

} // namespace farm::commands
