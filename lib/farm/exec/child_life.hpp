// The life of one child farm started and of its process group, as one small state machine that
// run_process (a measured command) and Service (a dev server) share:
//
//   running --stop()--> stopping --leader exits--> reaped --finish()--> ended
//      `----------------leader exits-------------->'
//
// running   the leader runs; poll_exit() reaps it with wait4 without blocking and keeps its exit
//           status and rusage (a pidfd, exit_fd(), wakes a poll when it exits).
// stopping  the first signal went to the reach (the group; with Reach::tree also the processes
//           of the child's tree that left the group, such as a daemon that called setsid), with
//           SIGCONT, and SIGKILL follows when the grace period is over (kill_if_due).
// reaped    the leader's status is known; what it left in the reach may still run. The owner
//           drains the child's pipes here (pipes.hpp): stop_leftovers() first ends what would
//           hold them open.
// ended     finish() has ended what was left (SIGTERM, SIGKILL after the grace period) and
//           reaped the orphans farm adopted as subreaper; it returns once nothing of the reach is
//           left, bounded for a process stuck in the kernel.
//
// A leader is claimed from its spawn (spawn_claimed) until it is reaped, so that
// reap_stray_zombies() never takes an exit status that a ChildLife waits for: it reaps only
// farm's unclaimed children, by pid, never with a blanket waitpid(-1).
#pragma once

#include <chrono>
#include <functional>
#include <sys/resource.h>
#include <sys/types.h>
#include <vector>

namespace farm::exec {

enum class Reach {
    group, // the child's process group
    tree,  // the group and every process of the child's tree, found when stop() is called
};

class ChildLife {
  public:
    using Clock = std::chrono::steady_clock;
    enum class Stage { running, stopping, reaped, ended };

    ChildLife(pid_t leader, Reach reach);
    // Before ended (the owner left through an exception): SIGKILL to the reach, the leader reaped.
    ~ChildLife();
    ChildLife(const ChildLife&) = delete;
    ChildLife& operator=(const ChildLife&) = delete;

    Stage stage() const { return m_stage; }
    pid_t leader() const { return m_leader; }
    int exit_fd() const { return m_pidfd; } // -1 where the kernel has no pidfd

    // running/stopping -> reaped once the leader has exited; never blocks. True once reaped.
    bool poll_exit();
    // running -> stopping (or, once reaped, the start of ending the leftovers): `first_signal`
    // and SIGCONT to the reach now, SIGKILL after `grace_s`. Only the first call acts.
    void stop(int first_signal, double grace_s);
    bool stop_sent() const { return m_stop_sent; }
    void kill_if_due(Clock::time_point now);
    // When kill_if_due has something to do; max when nothing.
    Clock::time_point next_deadline() const;
    // After the leader: SIGTERM to what is left of the reach, SIGKILL after `grace_s`.
    void stop_leftovers(double grace_s);
    // -> ended (see above). Blocks, bounded except for a leader that SIGKILL cannot end.
    void finish(double grace_s);

    // Valid once reaped. status_known() is false when the kernel had reaped the leader itself
    // (SIGCHLD ignored): wait4 then has nothing to give.
    bool status_known() const { return m_status_known; }
    int status() const { return m_status; }
    const rusage& usage() const { return m_usage; }
    Clock::time_point exited_at() const { return m_exited_at; }

  private:
    void signal_reach(int signal_number);
    bool reap_and_check_left();

    pid_t m_leader;
    Reach m_reach;
    int m_pidfd = -1;
    Stage m_stage = Stage::running;
    std::vector<pid_t> m_outside_group; // Reach::tree: found when stopping began
    bool m_stop_sent = false;
    bool m_nothing_left = false; // the leader reaped and nothing of the reach left
    bool m_killed = false;
    Clock::time_point m_kill_at = Clock::time_point::max();
    bool m_status_known = false;
    int m_status = 0;
    rusage m_usage{};
    Clock::time_point m_exited_at{};
};

// Runs `spawn` (which starts a child and stores its pid) so that the new child is claimed before
// reap_stray_zombies can see it; returns what `spawn` returned (0 on success).
int spawn_claimed(const std::function<int(pid_t*)>& spawn, pid_t* pid);

// Reaps farm's children that exited and that nothing waits for: orphans farm adopted as
// subreaper after they left a measured group. Called after each run, so that none of them
// lingers as a zombie; one system call when there is none.
void reap_stray_zombies();

} // namespace farm::exec
