#include "farm/pnpm/install_scenario.hpp"

#include <array>
#include <utility>

#include "farm/pnpm/toolchain.hpp"

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::pair<InstallScenario, const char*>, 6> k_names = {{
    {InstallScenario::warm, "warm"},
    {InstallScenario::cold, "cold"},
    {InstallScenario::prod, "prod"},
    {InstallScenario::offline, "offline"},
    {InstallScenario::noop, "noop"},
    {InstallScenario::none, "none"},
}};

// pnpm with its log as ndjson, then `install` and the lockfile's flag.
std::vector<std::string> install_argv(const Project& project, const std::string& pnpm) {
    std::vector<std::string> argv = pnpm_command(pnpm, {"--reporter=ndjson", "install"});
    if (project.lockfile) {
        argv.push_back("--frozen-lockfile");
    }
    return argv;
}

} // namespace

std::optional<InstallScenario> parse_install_scenario(std::string_view text) {
    for (const auto& [scenario, name] : k_names) {
        if (text == name) {
            return scenario;
        }
    }
    return std::nullopt;
}

const char* to_string(InstallScenario scenario) {
    for (const auto& [s, name] : k_names) {
        if (s == scenario) {
            return name;
        }
    }
    return "none";
}

const std::vector<std::string>& install_scenario_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (const auto& entry : k_names) {
            all.emplace_back(entry.second);
        }
        return all;
    }();
    return names;
}

std::vector<fs::path> node_modules_folders(const Project& project) {
    std::vector<fs::path> folders = {project.root / "node_modules"};
    for (const Package& p : project.packages) {
        folders.push_back(p.dir / "node_modules");
    }
    return folders;
}

std::vector<std::string> plain_install_argv(const Project& project, const std::string& pnpm) {
    std::vector<std::string> argv = install_argv(project, pnpm);
    argv.push_back("--prefer-offline");
    return argv;
}

InstallStep plan_install(const Project& project, const std::string& pnpm, InstallScenario scenario,
                         const fs::path& scratch) {
    InstallStep step;
    if (scenario == InstallScenario::none) {
        return step;
    }
    step.argv = install_argv(project, pnpm);
    bool from_store = scenario == InstallScenario::warm || scenario == InstallScenario::prod ||
                      scenario == InstallScenario::offline;
    if (from_store) {
        if (project.lockfile) {
            step.argv.push_back("--prefer-offline");
        }
        if (scenario == InstallScenario::prod) {
            step.argv.push_back("--prod");
        }
        // --offline cannot fill a store: the priming install is the same install without it.
        step.priming_argv = step.argv;
        if (scenario == InstallScenario::offline) {
            std::erase(step.argv, std::string("--prefer-offline"));
            step.argv.push_back("--offline");
        }
        step.reset_before_each = node_modules_folders(project);
        step.needs_priming = true;
    } else if (scenario == InstallScenario::cold) {
        step.argv.push_back("--store-dir=" + (scratch / "store").string());
        step.argv.push_back("--cache-dir=" + (scratch / "cache").string());
        step.reset_before_each = node_modules_folders(project);
        step.reset_before_each.push_back(scratch / "store");
        step.reset_before_each.push_back(scratch / "cache");
    } else if (scenario == InstallScenario::noop) {
        if (project.lockfile) {
            step.argv.push_back("--prefer-offline");
        }
        step.needs_priming = true;
        step.priming_argv = step.argv;
    }
    if (!project.lockfile && scenario != InstallScenario::noop) {
        step.reset_before_each.push_back(project.root / "pnpm-lock.yaml");
        step.resolves_each_run = true;
    }
    step.reinstall_after = scenario == InstallScenario::cold || scenario == InstallScenario::prod;
    return step;
}

} // namespace farm::pnpm
