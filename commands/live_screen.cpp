#include "commands/live_screen.hpp"

#include "farm/exec/interrupt.hpp"
#include "farm/report/screen_text.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace farm::commands {

namespace {

// The self-pipe SIGWINCH writes to: a resize wakes poll() like a key does.
int resize_pipe[2] = {-1, -1};

extern "C" void on_resize(int) {
    int saved = errno;
    char byte = 1;
    [[maybe_unused]] ssize_t ignored = ::write(resize_pipe[1], &byte, 1);
    errno = saved;
}

void install_resize_handler() {
    if (resize_pipe[0] >= 0 || ::pipe2(resize_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        return;
    }
    struct sigaction action {};
    action.sa_handler = on_resize;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &action, nullptr);
}

void drain(int fd) {
    char buffer[64];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
}

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
    install_resize_handler();
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
    // Alternate screen, cursor hidden, no wrapping at the right margin.
    write_all("\033[?1049h\033[?25l\033[?7l");
}

LiveScreen::~LiveScreen() {
    write_all("\033[?7h\033[?25h\033[?1049l");
    if (m_keyboard) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
    }
}

report::ScreenSize LiveScreen::size() const {
    winsize window{};
    report::ScreenSize size;
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &window) == 0 && window.ws_col > 0 &&
        window.ws_row > 0) {
        size.width = window.ws_col;
        size.height = window.ws_row;
    }
    return size;
}

void LiveScreen::draw(const std::vector<std::string>& lines) {
    report::ScreenSize screen = size();
    std::size_t width = screen.width;
    // Between the begin and end of a synchronized update (DEC mode 2026) a terminal that knows it
    // shows the frame whole, never half drawn; others ignore the two sequences.
    std::string out = "\033[?2026h";
    out += m_clear_next ? "\033[2J" : "";
    m_clear_next = false;
    for (std::size_t row = 0; row < lines.size(); ++row) {
        out += "\033[" + std::to_string(row + 1) + ";1H" + lines[row];
        // A line that reaches the last column leaves nothing to clear (and clearing there would
        // erase its last character).
        if (report::visible_width(lines[row]) < width) {
            out += "\033[K";
        }
    }
    // Rows below a shorter frame are cleared; a full frame has none (moving below the last row
    // would stay on it, and the clear would erase it).
    if (lines.size() < screen.height) {
        out += "\033[" + std::to_string(lines.size() + 1) + ";1H\033[J";
    }
    write_all(out + "\033[?2026l");
}

LiveScreen::Event LiveScreen::wait(std::chrono::milliseconds timeout) {
    std::chrono::steady_clock::time_point end = std::chrono::steady_clock::now() + timeout;
    while (!exec::interrupted()) {
        long left = long(std::chrono::duration_cast<std::chrono::milliseconds>(
                             end - std::chrono::steady_clock::now())
                             .count());
        if (left <= 0) {
            return Event::timeout;
        }
        pollfd fds[3] = {{exec::interrupt_fd(), POLLIN, 0},
                         {resize_pipe[0], POLLIN, 0},
                         {STDIN_FILENO, POLLIN, 0}};
        int ready = ::poll(fds, m_keyboard ? 3 : 2, int(left));
        if (ready < 0 && errno != EINTR) {
            return Event::timeout;
        }
        if (ready > 0 && (fds[1].revents & POLLIN)) {
            drain(resize_pipe[0]);
            m_clear_next = true;
            return Event::resize;
        }
        if (m_keyboard && ready > 0 && (fds[2].revents & POLLIN)) {
            char key = 0;
            if (::read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q')) {
                return Event::quit;
            }
        }
    }
    return Event::quit;
}

} // namespace farm::commands
