// Which dev services `farm perf:dev` runs and how: farm.config.json's `dev.services`, or, without
// them, at the root of a turbo or Nx workspace one service per package with a `dev` script, run
// with `pnpm --filter PACKAGE run dev` (not `turbo watch dev`, whose interface needs a terminal
// and which hides which package is slow), and elsewhere `pnpm run dev` in the project root; each
// ready when the address it prints accepts connections.
//
// A service's kind (database, ollama, backend, frontend, other) picks its start-up threshold; when
// the config does not give it, it is guessed from the name ("postgres" is a database, "web" a
// frontend). A command line given as one string runs without a shell unless it needs one (quotes,
// pipes, variables, redirections...), so that a missing program is reported as such.
#pragma once

#include "farm/core/config.hpp"
#include "farm/exec/spawn.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace farm::dev {

struct ServiceSpec {
    std::string name;
    std::string kind; // never empty
    // "Next.js", "Vite" (pnpm/output_dirs.hpp's names) from the workspace package's dependencies
    // or the command's own words; empty when neither tells. Advice names only its settings.
    std::string framework;
    exec::ChildCommand command;
    std::string command_text; // as written, secrets redacted, for people and the history
    core::DevReady ready;
    std::optional<core::DevReload> reload;
};

// Throws farm::UsageError when `only` names a service that is not configured.
std::vector<ServiceSpec> plan_services(const core::DevConfig& config,
                                       const std::filesystem::path& project_root,
                                       const std::vector<std::string>& only = {});

// database | ollama | backend | frontend | other, from words in the name.
std::string guess_kind(const std::string& name);

// "Next.js" or "Vite" when a word of the command runs one ("next dev", "vite"); else "".
std::string framework_in_command(const std::vector<std::string>& words);

// What the ready check waits for, in words: "GET http://localhost:5173/ answers 2xx".
std::string describe_ready(const core::DevReady& ready);

} // namespace farm::dev
