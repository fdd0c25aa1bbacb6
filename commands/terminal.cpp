#include "commands/terminal.hpp"

#include "farm/report/format.hpp"

#include <algorithm>
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
    // Runs of a millisecond would otherwise write to the terminal a thousand times a second, and
    // the terminal's drawing would take CPU from the runs: a count is redrawn at most 20 times a
    // second, a new step at once.
    auto now = std::chrono::steady_clock::now();
    if (p.planned > 0 && m_shown && m_label == m_drawn_label &&
        now - m_drawn_at < std::chrono::milliseconds(50)) {
        return;
    }
    m_drawn_label = m_label;
    m_drawn_at = now;
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

StepProgressDisplay::StepProgressDisplay(std::size_t planned)
    : m_live(""), m_plain(!stderr_is_terminal()), m_planned(planned) {}

StepProgressDisplay::~StepProgressDisplay() {
    finish();
}

void StepProgressDisplay::update(const std::string& step, const measure::Progress& progress) {
    if (!m_plain) {
        m_live.update(step, progress);
        return;
    }
    if (step == m_step && m_index > 0) {
        return;
    }
    end_step();
    m_side_step = is_side_step(step);
    if (!m_side_step) {
        ++m_index;
        m_planned = std::max(m_planned, m_index);
    }
    m_step = step;
    m_started = std::chrono::steady_clock::now();
    std::fprintf(stderr, "%s %s\n", counter().c_str(), m_step.c_str());
    std::fflush(stderr);
}

// An untimed step around the planned ones (the priming install, the plain install after a cold
// one): the project's steps say so in their label. It is shown, but not counted.
bool StepProgressDisplay::is_side_step(const std::string& step) {
    return step.ends_with("untimed)");
}

std::string StepProgressDisplay::counter() const {
    return m_side_step ? "[-]"
                       : "[" + std::to_string(m_index) + "/" + std::to_string(m_planned) + "]";
}

void StepProgressDisplay::end_step() {
    if (m_step.empty()) {
        return;
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - m_started;
    std::fprintf(stderr, "%s %s ended after %s\n", counter().c_str(), m_step.c_str(),
                 report::format_value(took.count(), "s").c_str());
    std::fflush(stderr);
    m_step.clear();
}

void StepProgressDisplay::finish() {
    if (m_plain) {
        end_step();
    } else {
        m_live.clear();
    }
}

} // namespace farm::commands
