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
    std::thread m_thread;
};

// The progress of a measurement made of steps (an install, then each package's build): the
// live line over all steps, and in a log a line as each step starts and one as it ends, with
// its time ("[3/7] build @acme/api ended after 5.238 s"), besides the milestones.
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
    std::chrono::steady_clock::time_point m_step_started;
};

} // namespace farm::commands
