// pnpm::TaskOutput and own_last_lines: a failed task's own lines out of Nx's stdout.
#include "farm/pnpm/task_output.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace farm::pnpm;

namespace {

// What `nx run-many -t build` (Nx 24.0.6, pnpm 10) printed on stdout for
// tests/fixtures/nx-workspace when @acme-nx/lib's build failed: the task runs in a
// pseudo-terminal, so pnpm's lines are coloured and framed by thin spaces.
const std::string nx_stdout =
    "\n NX   Running target build for 3 projects:\n\n- @acme-nx/tool\n- @acme-nx/app\n"
    "- @acme-nx/lib\n\n\n"
    "\xe2\x9c\x94  nx run @acme-nx/tool:build\n\n"
    "> nx run @acme-nx/lib:build\n\n\n"
    "> @acme-nx/lib@1.0.0 build /ws/packages/lib\n> node build.mjs\n\n"
    "lib: step 1 fine\n"
    "\x1b[41m\x1b[30m\xe2\x80\x89"
    "ELIFECYCLE\xe2\x80\x89\x1b[39m\x1b[49m \x1b[31mCommand failed "
    "with exit code 3.\x1b[39m\n"
    "\x1b[43m\x1b[30m\xe2\x80\x89WARN\xe2\x80\x89\x1b[39m\x1b[49m  Local package.json exists, "
    "but node_modules missing, did you mean to install?\n"
    "lib: DATABASE_URL is not set\n\n\n"
    "Performance Profile: /ws/node_modules/.cache/farm-nx-profile.json\n"
    "  Run duration:      1.6s\n  Cache:             Skipped (--skip-nx-cache)\n";

} // namespace

// Nx's stdout fed whole, or in pieces of `piece` bytes that end inside lines.
static TaskOutput fed(std::size_t piece) {
    TaskOutput output(TaskOutput::Format::nx);
    for (std::size_t at = 0; at < nx_stdout.size(); at += piece) {
        output.feed(std::string_view(nx_stdout).substr(at, piece));
    }
    return output;
}

TEST_CASE("pnpm::TaskOutput keeps each task's own lines, without pnpm's or Nx's") {
    for (std::size_t piece : {nx_stdout.size(), std::size_t(7), std::size_t(1)}) {
        CAPTURE(piece);
        TaskOutput output = fed(piece);
        CHECK(output.own_lines("@acme-nx/lib:build", 5) ==
              std::vector<std::string>{"lib: step 1 fine", "lib: DATABASE_URL is not set"});
        CHECK(output.own_lines("@acme-nx/lib:build", 1) ==
              std::vector<std::string>{"lib: DATABASE_URL is not set"});
        CHECK(output.own_lines("@acme-nx/tool:build", 5).empty()); // its output hidden by Nx
        CHECK(output.own_lines("@acme-nx/app:build", 5).empty());  // never run
    }
    TaskOutput output = fed(nx_stdout.size());
    SUBCASE("a later task's block does not run into the failed one's") {
        output.feed("> nx run @acme-nx/other:build\n\nother: built\n");
        CHECK(output.own_lines("@acme-nx/lib:build", 5).size() == 2);
        CHECK(output.own_lines("@acme-nx/other:build", 5) ==
              std::vector<std::string>{"other: built"});
    }
    SUBCASE("cleared for the next run") {
        output.clear();
        CHECK(output.own_lines("@acme-nx/lib:build", 5).empty());
    }
}

TEST_CASE("pnpm::own_last_lines leaves out pnpm's banner, ELIFECYCLE, warnings and blanks") {
    CHECK(own_last_lines("> a@1.0.0 build /ws\n> tsc\n\nsrc/a.ts(1,1): error TS2304\n"
                         "\xe2\x80\x89"
                         "ELIFECYCLE\xe2\x80\x89 Command failed.\n",
                         5) == std::vector<std::string>{"src/a.ts(1,1): error TS2304"});
    CHECK(own_last_lines("1\n2\n3\n4\n5\n6\n7\n", 3) == std::vector<std::string>{"5", "6", "7"});
    CHECK(is_pnpm_line("   "));
    CHECK(is_pnpm_line("/ws/packages/lib:"));
    CHECK_FALSE(is_pnpm_line("Error: boom"));
}

TEST_CASE("pnpm::TaskOutput reads turbo's prefixed lines, turbo's own cache lines left out") {
    // What `turbo run build` (turbo 2.11.13, pnpm 10) printed on stdout for
    // tests/fixtures/monorepo when @acme/site's build failed.
    const std::string turbo_stdout =
        "   \xe2\x80\xa2 turbo 2.11.13\n   \xe2\x80\xa2 Running build in 2 packages\n\n"
        "@acme/lib:build: cache miss, executing 7d45e7fe98d532cd\n@acme/lib:build: \n"
        "@acme/lib:build: > @acme/lib@1.0.0 build /ws/packages/lib\n"
        "@acme/lib:build: > tsc -p tsconfig.json\n"
        "@acme/site:build: cache miss, executing ba4e21a90299d57a\n@acme/site:build: \n"
        "@acme/site:build: > @acme/site@1.0.0 build /ws/apps/site\n"
        "@acme/site:build: > node build.mjs\n@acme/site:build: \n@acme/site:build: site: step\n"
        "@acme/lib:build: lib: done\n"
        "@acme/site:build: site: VITE_API_URL is not set\n"
        "@acme/site:build: \xe2\x80\x89"
        "ELIFECYCLE\xe2\x80\x89 Command failed with exit code 4.\n"
        "\n  Tasks:    1 successful, 2 total\n Failed:    @acme/site#build\n";
    TaskOutput output(TaskOutput::Format::turbo);
    for (std::size_t at = 0; at < turbo_stdout.size(); at += 5) {
        output.feed(std::string_view(turbo_stdout).substr(at, 5));
    }
    CHECK(output.own_lines("@acme/site:build", 5) ==
          std::vector<std::string>{"site: step", "site: VITE_API_URL is not set"});
    CHECK(output.own_lines("@acme/lib:build", 5) == std::vector<std::string>{"lib: done"});
    CHECK(output.own_lines("@acme/web:build", 5).empty());
}

TEST_CASE("pnpm::TaskOutput keeps a megabyte line in pieces, its task's prefix with the first") {
    // A tool that prints a minified bundle on one line: kept up to max_task_line_bytes.
    TaskOutput output(TaskOutput::Format::turbo);
    std::string line = "@acme/web:build: " + std::string(1 << 20, 'x') + "\n";
    for (std::size_t at = 0; at < line.size(); at += 65536) {
        output.feed(std::string_view(line).substr(at, 65536));
    }
    output.feed("@acme/web:build: Error: the end\n");
    std::vector<std::string> lines = output.own_lines("@acme/web:build", 5);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == std::string(max_task_line_bytes - 17, 'x'));
    CHECK(lines[1] == "Error: the end");
}
