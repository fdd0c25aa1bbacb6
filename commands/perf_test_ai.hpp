// The "ai" job of `farm perf:test`: perf:ai's benchmark of the suite's providers (or, with
// --ai-providers, of every configured one), one run per provider, plus a bounded load run per
// provider with --load. It lives with the commands because it resolves servers, keys and
// prompts exactly as perf:ai does (perf_ai_setup.cpp).
#pragma once

#include "farm/report/suite_run.hpp"

namespace farm::commands {

// Runs are kind "ai", subject provider/model/operation, and provider/model/operation@load for
// the load run. A provider whose every request failed fails the suite, naming its URL and why;
// requests that failed among others are recorded (an error_rate threshold judges them).
report::JobResult run_ai_suite(const core::TestSuite& suite,
                               const report::SuiteEnvironment& environment);

} // namespace farm::commands
