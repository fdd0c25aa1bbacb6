// How many CPUs this process can keep busy at once, for work that sizes its threads by it (the
// AI load's event loops, output hashing).
//
// Guarantees: usable_cpus() is at least 1 and at most the CPUs the process's affinity allows;
// where the process's cgroup (v2) or one above it sets a CPU quota (cpu.max), it is held to that
// quota rounded up -- in a container limited to 2 CPUs on a 64-core host, 2, not 64. Nothing here
// throws; what cannot be read counts as no limit.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace farm::exec {

std::size_t usable_cpus();

// The CPUs a cgroup v2 `cpu.max` text allows: "200000 100000" -> 2.0, "150000 100000" -> 1.5;
// none for "max 100000" (no quota) or anything unreadable.
std::optional<double> cpu_quota_of(std::string_view cpu_max);

} // namespace farm::exec
