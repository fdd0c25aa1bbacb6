// The open-file limit a load of many connections needs.
//
// Every connection is a file descriptor, and a process's soft limit is often 1024 while its hard
// limit is much higher: a load of 2,000 streams would fail mid-run with "too many open files"
// though the system allows them. ensure_open_files() raises the soft limit (setrlimit, up to the
// hard limit) before anything is sent, or says plainly that the hard limit is too low.
#pragma once

#include <cstddef>

namespace farm::net {

// Descriptors kept free beside the connections: standard streams, the history database, the
// interrupt pipe, curl's own wake-up pipes and resolver, GPU libraries.
inline constexpr std::size_t spare_descriptors = 64;

// Makes room for `connections` at once plus spare_descriptors. Throws farm::UsageError naming the
// limit and what to do when the hard limit is below that.
void ensure_open_files(std::size_t connections);

} // namespace farm::net
