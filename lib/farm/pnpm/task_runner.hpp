// The task runner of a workspace and how farm runs it: turbo when the root has turbo.json, Nx when
// it has nx.json, else pnpm itself (farm builds one package at a time). A runner is run from the
// binary the workspace installed (node_modules/.bin/turbo, node_modules/.bin/nx of the root), so
// the measured version is the project's own.
//
// Bad input: a turbo.json that does not parse is refused with its file, line and column (turbo
// reads JSONC, so comments are allowed, as turbo allows them); a runner the workspace configures
// but did not install is refused with what to do (install it, or `--runner pnpm`).
#pragma once

#include "farm/pnpm/project_benchmark.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

// "auto" (nullopt), "turbo", "nx", "pnpm"; nullopt for anything else too, so callers check
// the word first (the option's own check does).
std::optional<BuildRunner> parse_runner(std::string_view word);
std::optional<BuildState> parse_build_state(std::string_view word);

// turbo.json, else nx.json, in the project root; pnpm when neither is there.
BuildRunner detect_runner(const std::filesystem::path& root);

// Reads turbo.json (comments allowed) and throws farm::UsageError "FILE:LINE:COLUMN: ..." when
// it does not parse or its top level is not an object.
void check_turbo_json(const std::filesystem::path& file);

// The text of a JSONC file with its // and /* */ comments blanked out (newlines kept), so that a
// JSON parser reports the line and column of the file as written.
std::string blank_jsonc_comments(std::string_view text);

// node_modules/.bin/<runner> of the root; throws farm::UsageError naming the config file and the
// way out when it is missing. Not for BuildRunner::pnpm.
std::filesystem::path find_runner_binary(const std::filesystem::path& root, BuildRunner runner);

// The runner's command for `script` in `state`: `turbo run SCRIPT --summarize` (with --force
// unless the state is cached, so that turbo runs every task instead of replaying its cache),
// `nx run-many -t SCRIPT` (with --skip-nx-cache unless cached). After a failed task both go on
// exactly as far as farm's own --keep-going would: with `keep_going`, turbo gets
// --continue=dependencies-successful (tasks whose dependencies succeeded still run, the failed
// task's dependents do not; plain --continue would mean `always` and build them too), Nx its
// default (it skips only the dependents); without it, turbo its default (`never`: it stops
// everything) and Nx --nx-bail.
std::vector<std::string> runner_argv(const std::filesystem::path& binary, BuildRunner runner,
                                     const std::string& script, BuildState state, bool keep_going);

// What the runner needs beyond pnpm_environment (which already puts pnpm's folder first on
// PATH: turbo runs each task through the package manager and fails with "Unable to find package
// manager binary" without it): no telemetry, update checks, daemon or cloud.
std::vector<std::pair<std::string, std::string>> runner_environment();

} // namespace farm::pnpm
