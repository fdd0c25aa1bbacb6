// A long-running child (a dev server, a database) that runs in the background while farm does
// other things: polls it for readiness, edits files it watches, samples its process tree.
//
// The child is started like every child of farm (spawn.hpp): its own process group, stdin from
// /dev/null, stdout and stderr through pipes. A thread reads both pipes as they fill, so the child
// never blocks on a full pipe, and keeps its recent lines with their arrival time (LineRing);
// callers read them at their own pace.
//
// Its life, from running to reaped and ended, is the ChildLife every child of farm has
// (child_life.hpp), reaching the child's whole tree.
//
// Guarantees: stop() ends the whole process group, and any process of the child's tree that left
// the group (setsid, a new group), with SIGTERM, then SIGKILL after the grace period; it returns
// once none of them is left (or after a bounded wait for a process stuck in the kernel), having
// reaped what farm may reap. The destructor stops. A command that cannot be started throws
// farm::CommandError from the constructor and leaves nothing behind.
#pragma once

#include "farm/exec/child_life.hpp"
#include "farm/exec/line_ring.hpp"
#include "farm/exec/pipes.hpp"
#include "farm/exec/spawn.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace farm::exec {

class Service {
  public:
    // Spawns now; output is always captured (command.capture is ignored).
    explicit Service(ChildCommand command, std::size_t kept_lines = 1000);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    pid_t pid() const { return m_pid; } // also its process group id
    std::chrono::steady_clock::time_point started() const { return m_started; }

    // True while the child (the group leader) runs; reaps it when it has ended.
    bool running();
    // "exit code 127", "killed by SIGKILL"; "running" while it runs.
    std::string describe_exit();

    std::vector<OutputLine> lines_after(std::uint64_t sequence) const;
    std::vector<std::string> last_lines(std::size_t count) const;
    std::uint64_t last_sequence() const;

    // Waits, at most `max_s`, until everything the child wrote has been read (its pipes ended):
    // a child that printed its reason and exited has not always been read yet when running()
    // turns false. Pipes held open by a descendant end the wait at the bound.
    void wait_for_output(double max_s);

    // Ends the child's whole tree (see the guarantees above). Idempotent.
    void stop(double grace_s = 2.0);

  private:
    void pump();

    pid_t m_pid = 0;
    std::chrono::steady_clock::time_point m_started{};
    std::unique_ptr<ChildLife> m_life;
    std::unique_ptr<OutputPipes> m_pipes; // read by the pump thread only
    FileDescriptor m_wake_read;
    FileDescriptor m_wake_write;
    std::thread m_pump;
    mutable std::mutex m_mutex; // guards m_lines
    LineRing m_lines;
    bool m_stopped = false;
    std::atomic<bool> m_output_ended{false};
};

} // namespace farm::exec
