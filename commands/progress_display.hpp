// The progress of a long command on stderr, never on stdout. On a terminal that can redraw: one
// live line (report/progress_text: a bar with the elapsed and remaining time) redrawn in place
// ten times a second and erased when the command is done. Elsewhere (a CI log, a pipe, a file,
// TERM=dumb): plain milestone lines, at most one every five seconds. --no-progress: nothing.
//
// The display draws from a thread of its own, so that the elapsed time moves while a run takes
// long, and counts that another thread moves (the AI load's) can be read through a sampler.
// Every member function may be called from any thread. Signals are blocked in the drawing
// thread: an interrupt always reaches the thread that waits on a child.
#pragma once

#include "farm/measure/runner.hpp"
#include "farm/report/progress_text.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace CLI {
class App;
}

namespace farm::commands {

enum class ProgressMode { off, live, lines };

// --no-progress: off. stderr a terminal whose TERM can redraw: live, unless the measured
// command's own output goes to the same terminal (`output_on_terminal`), which a redrawn line
// would garble: then lines, as anywhere else.
ProgressMode progress_mode(bool no_progress, bool output_on_terminal = false);

// Adds the --no-progress flag, with its one description.
void add_progress_option(CLI::App& cmd, bool& no_progress);

class ProgressDisplay {
  public:
    // `command` begins each milestone line ("perf:build").
    ProgressDisplay(std::string command, ProgressMode mode);
    ~ProgressDisplay();
    ProgressDisplay(const ProgressDisplay&) = delete;
    ProgressDisplay& operator=(const ProgressDisplay&) = delete;

    // What to show from now on. Its elapsed time is the display's own; its remaining time
    // counts down from now until the next snapshot.
    void show(report::ProgressSnapshot snapshot);
    // Takes each frame from `sampler` instead, called on the drawing thread with the elapsed
    // seconds: for counts another thread moves. show() ends it.
    void follow(std::function<report::ProgressSnapshot(double elapsed_s)> sampler);
    // A line that stays: above the live line on a terminal, as it is in a log or with the
    // display off.
    void note(const std::string& line);
    // In a log: a line kept back, to be written with the others kept back as one line
    // ("A; B; C") just before the next line of any kind, or at the end. For the lines of quick
    // steps, which would otherwise come many a second. Elsewhere written as note() would.
    void hold(const std::string& entry);
    // Whether the log has had no line for the milestone interval (five seconds).
    bool quiet();
    double interval_s() const { return m_throttle.interval_s(); }
    // The label of the last milestone line written ("" before the first).
    std::string last_milestone_label();
    // Stops drawing and erases the live line; in a log, a closing line when a milestone was
    // written. Idempotent; the destructor calls it.
    void finish();

    ProgressMode mode() const { return m_mode; }

  private:
    using Clock = std::chrono::steady_clock;
    void run();
    void draw_locked(Clock::time_point now);
    report::ProgressSnapshot frame_locked(Clock::time_point now);
    void erase_locked();
    void write_held_locked();

    std::string m_command;
    ProgressMode m_mode;
    Clock::time_point m_started;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_has_snapshot = false;
    report::ProgressSnapshot m_snapshot;
    Clock::time_point m_snapshot_at;
    std::function<report::ProgressSnapshot(double)> m_sampler;
    report::MilestoneThrottle m_throttle;
    bool m_drawn = false; // a live line is on the screen
    std::vector<std::string> m_held;
    std::string m_last_milestone_label;
    std::thread m_thread;
};

// The progress of a measurement made of steps (an install, then each package's build): the
// live line over all steps. In a log, a step's start ("[3/7] build @acme/api") and end ("[3/7]
// build @acme/api ended after 5.238 s") are milestones of their own, and the lines of the runs
// within a step come at most every five seconds. So that a workspace of many quick packages does
// not write several lines a second, a step starts with its own line only when the log has been
// quiet for five seconds or the step before took at least that long; otherwise the next
// milestone line names it (within five seconds, while it runs). A step that was named ends with
// its own line; one that never was (it ended before the next milestone) has its end line kept
// back and written with the other quick steps' as one line, just before the next line.
class StepProgress {
  public:
    // `planned`: the number of steps expected; a step past it counts the total up.
    StepProgress(std::string command, ProgressMode mode, std::size_t planned);
    ~StepProgress();
    void update(const std::string& step, const measure::Progress& progress);
    // Ends the current step (its closing line) and the display.
    void finish();

  private:
    void end_step();
    static bool is_side_step(const std::string& step);
    std::string counter() const;

    ProgressDisplay m_display;
    std::size_t m_planned;
    std::size_t m_index = 0;
    std::string m_step;
    bool m_side_step = false;
    bool m_start_written = false;
    bool m_previous_slow = false; // the step before took at least the milestone interval
    std::chrono::steady_clock::time_point m_step_started;
};

} // namespace farm::commands
