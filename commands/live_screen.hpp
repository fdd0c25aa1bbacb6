// A full-screen view that redraws in place (`farm perf --watch`): the terminal's alternate
// screen with the cursor hidden and line wrapping off, each line written at its own row (cursor
// positioning, never a newline, so the view cannot scroll), and the keyboard read key by key
// without echo. A change of the window's size (SIGWINCH) wakes the wait at once, so the caller
// lays the screen out again for the new size. Whatever ends the view (q, Ctrl-C, SIGTERM, an
// exception), the destructor gives the terminal back as it was: main screen, cursor shown,
// wrapping on, the keyboard's mode restored.
#pragma once

#include "farm/report/dashboard_screen.hpp"

#include <chrono>
#include <string>
#include <termios.h>
#include <vector>

namespace farm::commands {

class LiveScreen {
  public:
    // Switches stdout to the alternate screen; stdin to non-canonical mode when it is a terminal.
    LiveScreen();
    ~LiveScreen();
    LiveScreen(const LiveScreen&) = delete;
    LiveScreen& operator=(const LiveScreen&) = delete;

    // The terminal's size now (TIOCGWINSZ on stdout); 80x24 when it does not say.
    report::ScreenSize size() const;

    // Writes `lines` at rows 1, 2, ... (each cleared to its end), then clears the rows below, as
    // one synchronized update (the terminal shows the frame whole). The first frame after a
    // resize clears the whole screen first.
    void draw(const std::vector<std::string>& lines);

    enum class Event { quit, timeout, resize };
    // Waits up to `timeout` for q (or Q), Ctrl-C or SIGTERM (quit) or a new window size (resize).
    Event wait(std::chrono::milliseconds timeout);

  private:
    bool m_keyboard = false; // stdin is a terminal whose mode was changed
    bool m_clear_next = true;
    termios m_saved{};
};

} // namespace farm::commands
