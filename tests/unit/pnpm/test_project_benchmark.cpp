// pnpm::build_failure_message: a failed build is explained by the package's own words first.
#include "farm/pnpm/project_benchmark.hpp"

#include <doctest/doctest.h>

using namespace farm;

TEST_CASE("pnpm::build_failure_message puts the package's own message first") {
    pnpm::Package lib;
    lib.name = "@acme/lib";
    measure::RunResult run;
    run.outcome = measure::Outcome::failed;
    // What measure::run_plan writes for a `pnpm --filter @acme/lib run build` that exited 3
    // (pnpm 9's lines around the script's own).
    run.failure = "run 1 failed (exit code 3); its last output:\n"
                  "\n> @acme/lib@1.0.0 build /ws/packages/lib\n> node build.mjs\n\n"
                  "Error: DATABASE_URL is not set\n"
                  "/ws/packages/lib:\n"
                  " ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  @acme/lib@1.0.0 build: `node build.mjs`\n"
                  "Exit status 3\n"
                  " ELIFECYCLE  Command failed with exit code 3.";
    std::string message = pnpm::build_failure_message(lib, run);
    CHECK(message == "build of @acme/lib failed: Error: DATABASE_URL is not set\n"
                     "    (run 1 failed (exit code 3))");

    SUBCASE("nothing but pnpm's lines: the whole failure is kept") {
        run.failure = "run 1 failed (exit code 1); its last output:\nExit status 1";
        CHECK(pnpm::build_failure_message(lib, run) ==
              "build of @acme/lib failed: run 1 failed (exit code 1); its last output:\n"
              "Exit status 1");
    }
    SUBCASE("interrupted") {
        run.outcome = measure::Outcome::interrupted;
        run.failure.clear();
        CHECK(pnpm::build_failure_message(lib, run) == "build of @acme/lib interrupted");
    }
}
