#include "farm/net/open_files.hpp"

#include "farm/core/error.hpp"

#include <sys/resource.h>

#include <string>

namespace farm::net {

void ensure_open_files(std::size_t connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return; // nothing known to check against; the load reports what fails
    }
    rlim_t needed = rlim_t(connections) + rlim_t(spare_descriptors);
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) {
        return;
    }
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
        throw UsageError(std::to_string(connections) + " connections at once need about " +
                         std::to_string(needed) +
                         " open files, and this process may open at most " +
                         std::to_string(limit.rlim_max) +
                         " (the hard limit, ulimit -Hn): lower --concurrency / --max-concurrency "
                         "or raise the limit");
    }
    rlimit raised = limit;
    raised.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
        throw UsageError(std::to_string(connections) + " connections at once need about " +
                         std::to_string(needed) + " open files, the limit is " +
                         std::to_string(limit.rlim_cur) +
                         " and it could not be raised: lower the concurrency or raise the limit "
                         "(ulimit -n)");
    }
}

} // namespace farm::net
