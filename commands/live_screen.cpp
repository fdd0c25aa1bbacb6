#include "commands/live_screen.hpp"

#include "farm/exec/interrupt.hpp"

#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <unistd.h>

namespace farm::commands {

namespace {

void write_all(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return; // a terminal that went away: nothing left to draw on
        }
        done += std::size_t(n);
    }
}

} // namespace

LiveScreen::LiveScreen() {
    exec::install_interrupt_handlers();
    if (isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &m_saved) == 0) {
        termios raw = m_saved;
        // Keys arrive one by one without echo; ISIG stays on so that Ctrl-C is a SIGINT that
        // the interrupt handler turns into a wake-up.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        m_keyboard = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
    }
    std::fflush(stdout);
    write_all("\033[?1049h\033[?25l");
}

LiveScreen::~LiveScreen() {
    write_all("\033[?25h\033[?1049l");
    if (m_keyboard) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
    }
}

void LiveScreen::draw(const std::string& frame) {
    // Home, then each line cleared to its end and the rest of the screen below: no flicker.
    std::string out = "\033[H";
    std::size_t start = 0;
    while (start < frame.size()) {
        std::size_t end = frame.find('\n', start);
        end = end == std::string::npos ? frame.size() : end;
        out += frame.substr(start, end - start) + "\033[K\r\n";
        start = end + 1;
    }
    write_all(out + "\033[J");
}

bool LiveScreen::wait_for_quit(std::chrono::milliseconds timeout) {
    std::chrono::steady_clock::time_point end = std::chrono::steady_clock::now() + timeout;
    while (!exec::interrupted()) {
        long left = long(std::chrono::duration_cast<std::chrono::milliseconds>(
                             end - std::chrono::steady_clock::now())
                             .count());
        if (left <= 0) {
            return false;
        }
        pollfd fds[2] = {{exec::interrupt_fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        int ready = ::poll(fds, m_keyboard ? 2 : 1, int(left));
        if (ready < 0 && errno != EINTR) {
            return false;
        }
        if (m_keyboard && ready > 0 && (fds[1].revents & POLLIN)) {
            char key = 0;
            if (::read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q')) {
                return true;
            }
        }
    }
    return true;
}

} // namespace farm::commands
