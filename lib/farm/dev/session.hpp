// One measurement of a project's dev services, as `farm perf:dev` runs it.
//
// Each run starts every service at once (each in its own process group), waits until each is
// ready (start-up time: from its spawn to the moment its ready check first succeeds), samples the
// CPU and RSS of each service's process tree for `duration_s`, and, in the last run only, causes
// `reloads` hot reloads of each service that has a reload setting (reload time: from the file edit
// to the reload signal). Then every service is stopped. docs/metrics.md defines each number.
//
// Guarantees: whatever happens (a service that cannot start, never gets ready, dies, an
// interrupt, an exception) every service's whole process tree is stopped before measure_dev
// returns or throws, and a file edited for a reload gets its original content back. Failures are
// reported in the result, never printed.
#pragma once

#include "farm/dev/service_plan.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace farm::dev {

struct DevPlan {
    std::vector<ServiceSpec> services;
    std::size_t runs = 3;
    std::size_t reloads = 3;
    double duration_s = 2;   // sampling window after every service is ready
    double timeout_s = 30;   // per service, from its spawn, for readiness and for each reload
    double sample_hz = 10;   // process-tree samples a second in the window
    double settle_s = 0.3;   // quiet time after a reload before the next edit
    double kill_grace_s = 3; // SIGTERM to SIGKILL when stopping
};

struct ServiceMeasurement {
    std::string name;
    std::string kind;
    std::string command;
    std::vector<double> startup_s;      // one per completed run
    std::vector<double> cpu_cores_mean; // one per completed run (window CPU s / window s)
    std::vector<double> rss_peak_bytes; // one per completed run (peak of the tree's RSS sum)
    std::vector<double> reload_s;       // the last run's reloads
};

enum class DevOutcome { completed, failed, interrupted };

struct DevResult {
    DevOutcome outcome = DevOutcome::completed;
    std::string failure; // what went wrong, naming the service, with its last output lines
    std::vector<ServiceMeasurement> services;
    double total_s = 0;
    std::vector<std::int64_t> service_pids; // every service's pid (= process group) ever started
};

// Before anything starts: throws farm::UsageError when the port of a service's ready check
// already accepts connections (another process holds it, and the check would pass at once).
void check_ports_free(const std::vector<ServiceSpec>& services);

// Progress is told in short sentences ("run 1/3: web ready in 412 ms").
DevResult measure_dev(const DevPlan& plan,
                      const std::function<void(const std::string&)>& progress = {});

} // namespace farm::dev
