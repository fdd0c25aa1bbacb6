// A full-screen view that redraws in place (`farm perf --watch`): the terminal's alternate
// screen with the cursor hidden, and the keyboard read key by key without echo. Whatever
// happens (q, Ctrl-C, an exception), the destructor gives the terminal back as it was.
#pragma once

#include <chrono>
#include <string>
#include <termios.h>

namespace farm::commands {

class LiveScreen {
  public:
    // Switches stdout to the alternate screen; stdin to non-canonical mode when it is a terminal.
    LiveScreen();
    ~LiveScreen();
    LiveScreen(const LiveScreen&) = delete;
    LiveScreen& operator=(const LiveScreen&) = delete;

    // Replaces the screen's content with `frame`.
    void draw(const std::string& frame);

    // Waits up to `timeout` for q (or Q), Ctrl-C or SIGTERM; true when the user asked to leave.
    bool wait_for_quit(std::chrono::milliseconds timeout);

  private:
    bool m_keyboard = false; // stdin is a terminal whose mode was changed
    termios m_saved{};
};

} // namespace farm::commands
