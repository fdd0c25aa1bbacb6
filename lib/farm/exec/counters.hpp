// Hardware performance counters of a measured process tree (`perf:build --counters`):
// instructions, cycles, branch misses and cache misses, through perf_event_open.
//
// How the tree is counted: the counters are opened on farm's own thread with `inherit`, so every
// process that farm starts afterwards, and every descendant of those, counts into them; a child's
// counts are folded in when it exits. A second set, opened on farm alone (no `inherit`), counts
// farm's own work over the same interval (its wait loop) and is subtracted, so the figure is the
// tree's alone. Both sets are one perf event group each, scheduled together; when the kernel had
// to multiplex them (more events than the CPU has counters), the value is scaled by
// enabled/running time, as `perf stat` does, and the result says so.
//
// Guarantees: nothing here throws for a kernel, container or VM that refuses counters; open()
// returns the reason instead ("this machine's CPU exposes no hardware counters", "the kernel's
// perf_event_paranoid is 3", ...), so the caller can say exactly why they are missing. Counts of
// descendants that are still running when the tree is read (daemons that left it) are not in the
// figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace farm::exec {

struct CounterSpec {
    std::string metric; // the metric name it is stored under: "instructions"
    std::uint32_t type = 0;
    std::uint64_t config = 0;
};

// instructions, cycles, branch_misses, cache_misses (user and kernel space of the tree).
const std::vector<CounterSpec>& hardware_counters();

struct CounterReading {
    std::string metric;
    double value = 0;
    bool scaled = false; // multiplexed: estimated from the time the counter actually ran
};

// A counter as the kernel reports it: the count, and how long it was enabled and running.
struct RawCount {
    std::uint64_t value = 0;
    std::uint64_t enabled = 0;
    std::uint64_t running = 0;
};

class TreeCounters {
  public:
    TreeCounters() = default;
    TreeCounters(const TreeCounters&) = delete;
    TreeCounters& operator=(const TreeCounters&) = delete;
    ~TreeCounters();

    // Opens the counters, disabled. On failure returns why ("counters not available: " is for
    // the caller to add) and leaves nothing open.
    std::optional<std::string> open(const std::vector<CounterSpec>& specs = hardware_counters());
    bool is_open() const { return !m_tree.empty(); }
    // True where the kernel lets farm count user space only (perf_event_paranoid 2, not root).
    bool user_space_only() const { return m_user_space_only; }

    // Takes the counters' reading at the start of a run; call just before starting the child.
    void start();
    // The tree's counts since start(); call after the child and its group were reaped. Empty
    // when the counters could not be read.
    std::vector<CounterReading> stop();

  private:
    std::vector<CounterSpec> m_specs;
    std::vector<int> m_tree; // inherit: farm and everything it starts
    std::vector<int> m_self; // farm's own thread alone
    bool m_started = false;
    bool m_user_space_only = false;
    // Every counter's reading when the run started (tree's, then farm's own).
    std::vector<RawCount> m_at_start;
    void close_all();
};

} // namespace farm::exec
