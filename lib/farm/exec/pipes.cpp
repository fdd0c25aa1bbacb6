#include "farm/exec/pipes.hpp"

#include <cerrno>
#include <unistd.h>

namespace farm::exec {

namespace {

constexpr std::size_t buffer_bytes = 64 * 1024;

} // namespace

OutputPipes::OutputPipes(FileDescriptor stdout_read, FileDescriptor stderr_read, Sink sink)
    : m_out(std::move(stdout_read)), m_err(std::move(stderr_read)), m_sink(std::move(sink)),
      m_buffer(new char[buffer_bytes]) {}

// True when something was read; a pipe that ended (or failed) is closed.
bool OutputPipes::read_once(FileDescriptor& fd, bool from_stdout) {
    ssize_t n = read(fd.get(), m_buffer.get(), buffer_bytes);
    if (n > 0) {
        m_sink(from_stdout, std::string_view(m_buffer.get(), std::size_t(n)));
        return true;
    }
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        fd.reset();
    }
    return false;
}

nfds_t OutputPipes::add_to(pollfd* fds) {
    nfds_t count = 0;
    for (const FileDescriptor* fd : {&m_out, &m_err}) {
        if (fd->get() >= 0) {
            fds[count++] = {fd->get(), POLLIN, 0};
        }
    }
    return count;
}

void OutputPipes::read_ready(const pollfd* fds, nfds_t count) {
    for (nfds_t i = 0; i < count; ++i) {
        if (fds[i].revents == 0) {
            continue;
        }
        if (fds[i].fd == m_out.get()) {
            read_once(m_out, true);
        } else if (fds[i].fd == m_err.get()) {
            read_once(m_err, false);
        }
    }
}

void OutputPipes::drain_until(std::chrono::steady_clock::time_point until,
                              const std::function<void()>& tick) {
    while (open() && std::chrono::steady_clock::now() < until) {
        pollfd fds[2];
        nfds_t count = add_to(fds);
        if (poll(fds, count, 50) > 0) {
            read_ready(fds, count);
        }
        tick();
    }
}

void OutputPipes::read_available() {
    for (bool more = true; more && open();) {
        more = false;
        pollfd fds[2];
        nfds_t count = add_to(fds);
        if (poll(fds, count, 0) <= 0) {
            return;
        }
        for (nfds_t i = 0; i < count; ++i) {
            if (fds[i].revents != 0) {
                bool from_stdout = fds[i].fd == m_out.get();
                more = read_once(from_stdout ? m_out : m_err, from_stdout) || more;
            }
        }
    }
}

} // namespace farm::exec
