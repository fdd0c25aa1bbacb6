// The stdout and stderr pipes of a child, read as they fill so that the child never blocks on a
// full pipe. The owner polls them together with its own descriptors (add_to / read_ready), and
// drains them once the child is gone: a pipe ends when the last process holding it does.
#pragma once

#include "farm/exec/spawn.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <poll.h>
#include <string_view>

namespace farm::exec {

class OutputPipes {
  public:
    // Called with each piece read, and whether it came from stdout.
    using Sink = std::function<void(bool from_stdout, std::string_view piece)>;

    // Either descriptor may be -1 (not captured).
    OutputPipes(FileDescriptor stdout_read, FileDescriptor stderr_read, Sink sink);

    bool open() const { return m_out.get() >= 0 || m_err.get() >= 0; }
    // Appends the open pipes to `fds`; returns how many it added (0 to 2).
    nfds_t add_to(pollfd* fds);
    // Reads the pipes whose entries, as add_to put them, are ready.
    void read_ready(const pollfd* fds, nfds_t count);
    // Reads until both pipes end or `until`; `tick` runs between waits of at most 50 ms.
    void drain_until(std::chrono::steady_clock::time_point until,
                     const std::function<void()>& tick);
    // Reads what the pipes hold now, without waiting.
    void read_available();

  private:
    bool read_once(FileDescriptor& fd, bool from_stdout);

    FileDescriptor m_out;
    FileDescriptor m_err;
    Sink m_sink;
    std::unique_ptr<char[]> m_buffer;
};

} // namespace farm::exec
