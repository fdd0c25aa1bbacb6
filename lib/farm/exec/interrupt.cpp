#include "farm/exec/interrupt.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace farm::exec {

namespace {

std::atomic<int> g_signal{0};
int g_pipe[2] = {-1, -1};

extern "C" void on_interrupt(int signal_number) {
    int saved_errno = errno;
    g_signal.store(signal_number);
    if (g_pipe[1] >= 0) {
        char byte = 1;
        // A full pipe already wakes the reader; nothing to do on failure.
        [[maybe_unused]] ssize_t ignored = write(g_pipe[1], &byte, 1);
    }
    errno = saved_errno;
}

} // namespace

void restore_child_signal() {
    struct sigaction current {};
    if (sigaction(SIGCHLD, nullptr, &current) == 0 &&
        (current.sa_handler == SIG_IGN || (current.sa_flags & SA_NOCLDWAIT) != 0)) {
        signal(SIGCHLD, SIG_DFL);
    }
}

void install_interrupt_handlers() {
    restore_child_signal();
    if (g_pipe[0] < 0) {
        if (pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
            g_pipe[0] = g_pipe[1] = -1;
        }
    }
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int handled : {SIGINT, SIGTERM, SIGQUIT}) {
        sigaction(handled, &action, nullptr);
    }
    struct sigaction hangup {};
    if (sigaction(SIGHUP, nullptr, &hangup) == 0 && hangup.sa_handler != SIG_IGN) {
        sigaction(SIGHUP, &action, nullptr);
    }
    signal(SIGPIPE, SIG_IGN);
}

bool interrupted() {
    return g_signal.load() != 0;
}

int interrupt_signal() {
    return g_signal.load();
}

int signal_to_forward() {
    return g_signal.load() == SIGINT ? SIGINT : SIGTERM;
}

int interrupt_fd() {
    return g_pipe[0];
}

void reset_interrupt() {
    g_signal.store(0);
    if (g_pipe[0] >= 0) {
        char buffer[64];
        while (read(g_pipe[0], buffer, sizeof buffer) > 0) {
        }
    }
}

} // namespace farm::exec
