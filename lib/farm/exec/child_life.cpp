#include "farm/exec/child_life.hpp"

#include "farm/exec/proc_tree.hpp"
#include "farm/exec/spawn.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_set>

namespace farm::exec {

namespace {

using Clock = ChildLife::Clock;

Clock::time_point after_seconds(Clock::time_point from, double seconds) {
    return from + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(std::clamp(seconds, 0.0, 365.0 * 24 * 3600)));
}

// The leaders some ChildLife waits for; the mutex is held from a spawn to its claim and over each
// stray reap, so that neither can see the other half done.
std::mutex g_claims_mutex;
std::unordered_set<pid_t> g_claimed;

void release_claim(pid_t pid) {
    std::lock_guard<std::mutex> lock(g_claims_mutex);
    g_claimed.erase(pid);
}

bool is_claimed(pid_t pid) {
    return g_claimed.count(pid) != 0;
}

} // namespace

int spawn_claimed(const std::function<int(pid_t*)>& spawn, pid_t* pid) {
    std::lock_guard<std::mutex> lock(g_claims_mutex);
    int rc = spawn(pid);
    if (rc == 0) {
        g_claimed.insert(*pid);
    }
    return rc;
}

void reap_stray_zombies() {
    std::lock_guard<std::mutex> lock(g_claims_mutex);
    // waitid with WNOWAIT shows one exited child without reaping it: the common case (none, or
    // only strays) costs no /proc read.
    for (;;) {
        siginfo_t info{};
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
            return;
        }
        if (is_claimed(info.si_pid)) {
            break; // a claimed child hides the others from waitid: look them up in /proc
        }
        waitpid(info.si_pid, nullptr, WNOHANG);
    }
    for (pid_t zombie : zombie_children()) {
        if (!is_claimed(zombie)) {
            waitpid(zombie, nullptr, WNOHANG);
        }
    }
}

ChildLife::ChildLife(pid_t leader, Reach reach)
    : m_leader(leader), m_reach(reach), m_pidfd(open_pidfd(leader)) {}

// Only an owner that left early (an exception from an output callback) gets here before ended:
// nothing of the reach may outlive it, and the leader is not left a zombie.
ChildLife::~ChildLife() {
    if (m_stage != Stage::ended) {
        signal_reach(SIGKILL);
    }
    if (m_stage == Stage::running || m_stage == Stage::stopping) {
        wait4(m_leader, &m_status, 0, &m_usage);
        release_claim(m_leader);
    }
    if (m_pidfd >= 0) {
        close(m_pidfd);
    }
}

bool ChildLife::poll_exit() {
    if (m_stage == Stage::reaped || m_stage == Stage::ended) {
        return true;
    }
    pid_t waited = wait4(m_leader, &m_status, WNOHANG, &m_usage);
    if (waited == m_leader || (waited < 0 && errno == ECHILD)) {
        m_status_known = waited == m_leader;
        m_exited_at = Clock::now();
        m_stage = Stage::reaped;
        release_claim(m_leader);
        return true;
    }
    return false;
}

void ChildLife::signal_reach(int signal_number) {
    kill(-m_leader, signal_number);
    for (pid_t pid : m_outside_group) {
        kill(pid, signal_number);
    }
}

void ChildLife::stop(int first_signal, double grace_s) {
    if (m_stop_sent) {
        return;
    }
    m_stop_sent = true;
    if (m_reach == Reach::tree) {
        // Found while their parents still hold the tree together, before anything is signalled.
        for (pid_t pid : process_tree(m_leader)) {
            if (getpgid(pid) != m_leader) {
                m_outside_group.push_back(pid);
            }
        }
    }
    signal_reach(first_signal);
    signal_reach(SIGCONT); // a stopped process cannot act on SIGTERM
    m_kill_at = after_seconds(Clock::now(), grace_s);
    if (m_stage == Stage::running) {
        m_stage = Stage::stopping;
    }
}

void ChildLife::kill_if_due(Clock::time_point now) {
    if (m_stop_sent && !m_killed && now >= m_kill_at) {
        signal_reach(SIGKILL);
        m_killed = true;
    }
}

Clock::time_point ChildLife::next_deadline() const {
    return m_stop_sent && !m_killed ? m_kill_at : Clock::time_point::max();
}

// Reaps what farm may reap and tells whether anything of the reach is left. The group's orphans
// are reaped only once the leader is, so that waitpid(-group) cannot take the leader's status.
bool ChildLife::reap_and_check_left() {
    if (poll_exit()) {
        while (waitpid(-m_leader, nullptr, WNOHANG) > 0) {
        }
    }
    bool left = kill(-m_leader, 0) == 0;
    for (pid_t pid : m_outside_group) {
        waitpid(pid, nullptr, WNOHANG);
        left = left || process_alive(pid);
    }
    return left;
}

// An empty group stays empty (no process can join a group that no longer exists), so a reach
// found empty with the leader reaped needs no second look: the common end of a run costs one
// waitpid and one kill.
void ChildLife::stop_leftovers(double grace_s) {
    if (m_stop_sent || m_nothing_left) {
        return;
    }
    if (reap_and_check_left()) {
        stop(SIGTERM, grace_s);
    } else {
        m_nothing_left = m_stage == Stage::reaped;
    }
}

// A process just sent SIGKILL is still exiting for a moment, so the wait goes on after it until
// none is left (a zombie counts: it would hold its CPU time against the next run), for at most
// two seconds for a process stuck in the kernel.
void ChildLife::finish(double grace_s) {
    if (m_stage == Stage::ended) {
        return;
    }
    stop_leftovers(grace_s);
    Clock::time_point give_up = Clock::time_point::max();
    while (!m_nothing_left && reap_and_check_left()) {
        Clock::time_point now = Clock::now();
        kill_if_due(now);
        if (m_killed && give_up == Clock::time_point::max()) {
            give_up = after_seconds(now, 2.0);
        }
        if (now >= give_up) {
            break;
        }
        usleep(2000);
    }
    if (m_stage != Stage::reaped) {
        // Only a leader that SIGKILL has not ended yet: its status is what the owner needs.
        kill(m_leader, SIGKILL);
        pid_t waited = wait4(m_leader, &m_status, 0, &m_usage);
        m_status_known = waited == m_leader;
        m_exited_at = Clock::now();
        release_claim(m_leader);
    }
    m_stage = Stage::ended;
}

} // namespace farm::exec
