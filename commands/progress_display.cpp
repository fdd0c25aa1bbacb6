#include "commands/progress_display.hpp"

#include "commands/terminal.hpp"
#include "farm/report/format.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace farm::commands {

namespace {

using namespace std::chrono_literals;

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// A terminal that cannot move the cursor (Emacs' shell, some CI consoles that claim a tty)
// says so with TERM=dumb, or gives no TERM at all.
bool terminal_can_redraw() {
    std::string term = environment("TERM");
    return !term.empty() && term != "dumb";
}

std::size_t stderr_columns() {
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    std::string columns = environment("COLUMNS");
    char* end = nullptr;
    long value = std::strtol(columns.c_str(), &end, 10);
    return !columns.empty() && *end == '\0' && value > 0 ? std::size_t(value) : 80;
}

// The bar's blocks need a UTF-8 terminal; the locale says whether it is one.
report::BarGlyphs terminal_glyphs() {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        std::string value = environment(name);
        if (value.empty()) {
            continue;
        }
        std::transform(value.begin(), value.end(), value.begin(), ::tolower);
        bool utf8 =
            value.find("utf-8") != std::string::npos || value.find("utf8") != std::string::npos;
        return utf8 ? report::BarGlyphs::unicode : report::BarGlyphs::ascii;
    }
    return report::BarGlyphs::ascii;
}

bool colour_allowed() {
    return environment("NO_COLOR").empty();
}

// One write per frame, so that a frame is never split by another writer's line.
void write_stderr(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return; // stderr went away: nothing left to tell
        }
        done += std::size_t(n);
    }
}

double seconds_between(std::chrono::steady_clock::time_point from,
                       std::chrono::steady_clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

} // namespace

ProgressMode progress_mode(bool no_progress, bool output_on_terminal) {
    if (no_progress) {
        return ProgressMode::off;
    }
    bool live = stderr_is_terminal() && terminal_can_redraw() && !output_on_terminal;
    return live ? ProgressMode::live : ProgressMode::lines;
}

void add_progress_option(CLI::App& cmd, bool& no_progress) {
    cmd.add_flag("--no-progress", no_progress,
                 "no progress on stderr (by default: a live bar on a terminal, a line every few "
                 "seconds elsewhere)");
}

ProgressDisplay::ProgressDisplay(std::string command, ProgressMode mode)
    : m_command(std::move(command)), m_mode(mode), m_started(Clock::now()) {
    if (m_mode == ProgressMode::off) {
        return;
    }
    // The thread starts with every signal blocked (it inherits the mask), then the mask is
    // given back to this thread.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    m_thread = std::thread([this] { run(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

ProgressDisplay::~ProgressDisplay() {
    finish();
}

void ProgressDisplay::show(report::ProgressSnapshot snapshot) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_snapshot = std::move(snapshot);
    m_snapshot_at = Clock::now();
    m_has_snapshot = true;
    m_sampler = nullptr;
}

void ProgressDisplay::follow(std::function<report::ProgressSnapshot(double)> sampler) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_sampler = std::move(sampler);
}

void ProgressDisplay::note(const std::string& line) {
    if (m_mode == ProgressMode::off) {
        write_stderr(line + "\n");
        return;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    erase_locked();
    write_held_locked();
    write_stderr(line + "\n");
    // A note is a milestone too: the next one is due an interval later.
    m_throttle.mark(seconds_between(m_started, Clock::now()));
}

void ProgressDisplay::hold(const std::string& entry) {
    if (m_mode != ProgressMode::lines) {
        note(entry);
        return;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_held.push_back(entry);
}

bool ProgressDisplay::quiet() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_throttle.quiet(seconds_between(m_started, Clock::now()));
}

std::string ProgressDisplay::last_milestone_label() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_last_milestone_label;
}

void ProgressDisplay::write_held_locked() {
    if (m_held.empty()) {
        return;
    }
    std::string line;
    for (const std::string& entry : m_held) {
        line += (line.empty() ? "" : "; ") + entry;
    }
    m_held.clear();
    write_stderr(line + "\n");
}

void ProgressDisplay::finish() {
    if (m_mode == ProgressMode::off) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stopping) {
            return;
        }
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    erase_locked();
    write_held_locked();
    if (m_mode == ProgressMode::lines && m_throttle.any_written()) {
        write_stderr(m_command + ": ended after " +
                     report::duration_words(seconds_between(m_started, Clock::now())) + "\n");
    }
}

void ProgressDisplay::run() {
    std::unique_lock<std::mutex> lock(m_mutex);
    std::chrono::milliseconds period = m_mode == ProgressMode::live ? 100ms : 250ms;
    while (!m_stopping) {
        draw_locked(Clock::now());
        m_wake.wait_for(lock, period, [this] { return m_stopping; });
    }
}

report::ProgressSnapshot ProgressDisplay::frame_locked(Clock::time_point now) {
    double elapsed = seconds_between(m_started, now);
    if (m_sampler) {
        report::ProgressSnapshot frame = m_sampler(elapsed);
        frame.elapsed_s = elapsed;
        return frame;
    }
    report::ProgressSnapshot frame = m_snapshot;
    frame.elapsed_s = elapsed;
    if (frame.remaining_s) {
        frame.remaining_s = std::max(0.0, *frame.remaining_s - seconds_between(m_snapshot_at, now));
    }
    return frame;
}

void ProgressDisplay::draw_locked(Clock::time_point now) {
    if (!m_has_snapshot && !m_sampler) {
        return;
    }
    report::ProgressSnapshot frame = frame_locked(now);
    if (m_mode == ProgressMode::live) {
        report::LineStyle style{stderr_columns(), terminal_glyphs(), colour_allowed()};
        write_stderr("\r" + report::progress_line(frame, style) + "\033[K");
        m_drawn = true;
    } else if (m_throttle.due(frame.elapsed_s, frame.label + " " + frame.counter)) {
        write_held_locked();
        write_stderr(report::milestone_line(m_command, frame) + "\n");
        m_last_milestone_label = frame.label;
    }
}

void ProgressDisplay::erase_locked() {
    if (m_drawn) {
        write_stderr("\r\033[K");
        m_drawn = false;
    }
}

StepProgress::StepProgress(std::string command, ProgressMode mode, std::size_t planned)
    : m_display(std::move(command), mode), m_planned(planned) {}

StepProgress::~StepProgress() {
    finish();
}

void StepProgress::update(const std::string& step, const measure::Progress& progress) {
    if (m_step.empty() || step != m_step) {
        end_step();
        m_side_step = is_side_step(step);
        if (!m_side_step) {
            ++m_index;
            m_planned = std::max(m_planned, m_index);
        }
        m_step = step;
        m_step_started = std::chrono::steady_clock::now();
        m_start_written =
            m_display.mode() == ProgressMode::lines && (m_previous_slow || m_display.quiet());
        if (m_start_written) {
            m_display.note(counter() + " " + m_step);
        }
    }
    report::ProgressSnapshot snapshot = report::run_progress(counter() + " " + step, progress);
    // The bar covers the steps; the time left is known for this step's runs only, and is
    // estimated from the share done instead.
    double within = snapshot.fraction.value_or(0);
    double done = m_side_step ? double(m_index) : double(m_index) - 1 + within;
    snapshot.fraction = m_planned > 0 ? std::min(1.0, done / double(m_planned)) : 0.0;
    snapshot.remaining_s.reset();
    m_display.show(std::move(snapshot));
}

// An untimed step around the planned ones (the priming install, the plain install after a cold
// one): the project's steps say so in their label. It is shown, but not counted.
bool StepProgress::is_side_step(const std::string& step) {
    return step.ends_with("untimed)");
}

std::string StepProgress::counter() const {
    return m_side_step ? "[-]"
                       : "[" + std::to_string(m_index) + "/" + std::to_string(m_planned) + "]";
}

void StepProgress::end_step() {
    if (m_step.empty()) {
        return;
    }
    double took = seconds_between(m_step_started, std::chrono::steady_clock::now());
    if (m_display.mode() == ProgressMode::lines) {
        std::string label = counter() + " " + m_step;
        std::string line = label + " ended after " + report::format_value(took, "s");
        if (m_start_written || m_display.last_milestone_label() == label) {
            m_display.note(line);
        } else {
            m_display.hold(line); // a quick step: with the others, before the next line
        }
    }
    m_previous_slow = took >= m_display.interval_s();
    m_step.clear();
}

void StepProgress::finish() {
    end_step();
    m_display.finish();
}

} // namespace farm::commands
