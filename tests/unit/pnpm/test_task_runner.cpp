#include "farm/pnpm/task_runner.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace farm::pnpm;

namespace {

std::string turbo_json_error(const std::string& text) {
    fs::path dir = farm::test::fresh_folder("task_runner", "turbo_json");
    farm::test::write_file(dir / "turbo.json", text);
    try {
        check_turbo_json(dir / "turbo.json");
    } catch (const farm::UsageError& e) {
        return std::string(e.what()).substr((dir / "turbo.json").string().size());
    }
    return "(accepted)";
}

} // namespace

TEST_CASE("pnpm::detect_runner: turbo.json, else nx.json, else pnpm") {
    fs::path dir = farm::test::fresh_folder("task_runner", "detect");
    CHECK(detect_runner(dir) == BuildRunner::pnpm);
    farm::test::write_file(dir / "nx.json", "{}");
    CHECK(detect_runner(dir) == BuildRunner::nx);
    farm::test::write_file(dir / "turbo.json", "{}");
    CHECK(detect_runner(dir) == BuildRunner::turbo);
}

TEST_CASE("pnpm::check_turbo_json: line and column of the error, comments allowed") {
    CHECK(turbo_json_error("{\n  \"tasks\": {\n    \"build\": {,}\n  }\n}").find(":3:15:") == 0);
    CHECK(turbo_json_error("// turbo reads JSONC\n{\"tasks\": {} /* here */}") == "(accepted)");
    // A comment before the error does not move its line and column.
    CHECK(turbo_json_error("/* a\n comment */ {\"tasks\": x}").find(":2:23:") == 0);
    CHECK(turbo_json_error("{\"url\": \"http://x\" // a comment\n}") == "(accepted)");
    CHECK(turbo_json_error("[]").find("must hold an object") != std::string::npos);
}

TEST_CASE("pnpm::blank_jsonc_comments: strings are left alone") {
    CHECK(blank_jsonc_comments(R"({"a": "// not /* a comment"})") ==
          R"({"a": "// not /* a comment"})");
    CHECK(blank_jsonc_comments("{} // end") == "{}       ");
    CHECK(blank_jsonc_comments("{\"a\\\"//\": 1}") == "{\"a\\\"//\": 1}");
    CHECK(blank_jsonc_comments("/* open") == "       ");
}

TEST_CASE("pnpm::find_runner_binary: a runner that is not installed says what to do") {
    fs::path dir = farm::test::fresh_folder("task_runner", "binary");
    try {
        find_runner_binary(dir, BuildRunner::turbo);
        FAIL("accepted a missing turbo");
    } catch (const farm::UsageError& e) {
        std::string message = e.what();
        CHECK(message.find("turbo.json") != std::string::npos);
        CHECK(message.find("pnpm install") != std::string::npos);
        CHECK(message.find("--runner pnpm") != std::string::npos);
    }
    farm::test::write_file(dir / "node_modules" / ".bin" / "turbo", "#!/bin/sh\n");
    CHECK(find_runner_binary(dir, BuildRunner::turbo) == dir / "node_modules" / ".bin" / "turbo");
}

TEST_CASE("pnpm::runner_argv: the runner's cache is bypassed unless the state is cached") {
    using V = std::vector<std::string>;
    CHECK(runner_argv("/r/turbo", BuildRunner::turbo, "build", BuildState::clean, false) ==
          V{"/r/turbo", "run", "build", "--summarize", "--force"});
    CHECK(runner_argv("/r/turbo", BuildRunner::turbo, "build", BuildState::cached, false) ==
          V{"/r/turbo", "run", "build", "--summarize"});
    CHECK(runner_argv("/r/nx", BuildRunner::nx, "build", BuildState::incremental, true) ==
          V{"/r/nx", "run-many", "-t", "build", "--skip-nx-cache"});
}

TEST_CASE("pnpm::runner_argv: after a failure the runner goes on as far as --keep-going says") {
    using V = std::vector<std::string>;
    // turbo's plain --continue means `always`: it would build the failed task's dependents too.
    CHECK(runner_argv("/r/turbo", BuildRunner::turbo, "build", BuildState::cached, true) ==
          V{"/r/turbo", "run", "build", "--summarize", "--continue=dependencies-successful"});
    // Nx goes on with independent tasks by default; without --keep-going it stops at once.
    CHECK(runner_argv("/r/nx", BuildRunner::nx, "build", BuildState::cached, false) ==
          V{"/r/nx", "run-many", "-t", "build", "--nx-bail"});
}

TEST_CASE("pnpm::runner_environment: no telemetry, and PATH left to pnpm_environment") {
    bool telemetry_off = false;
    for (const auto& [key, value] : runner_environment()) {
        CHECK(key != "PATH"); // one PATH entry only: pnpm_environment's
        telemetry_off = telemetry_off || (key == "TURBO_TELEMETRY_DISABLED" && value == "1");
    }
    CHECK(telemetry_off);
}

TEST_CASE("pnpm::parse_runner and parse_build_state") {
    CHECK(parse_runner("turbo") == BuildRunner::turbo);
    CHECK(parse_runner("pnpm") == BuildRunner::pnpm);
    CHECK_FALSE(parse_runner("auto"));
    CHECK(parse_build_state("cached") == BuildState::cached);
    CHECK_FALSE(parse_build_state("warm"));
}
