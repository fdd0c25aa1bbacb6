#include "farm/pnpm/install_scenario.hpp"

#include "farm/pnpm/toolchain.hpp"

namespace farm::pnpm {

namespace fs = std::filesystem;

std::optional<InstallScenario> parse_install_scenario(std::string_view text) {
    if (text == "warm") {
        return InstallScenario::warm;
    }
    if (text == "cold") {
        return InstallScenario::cold;
    }
    if (text == "noop") {
        return InstallScenario::noop;
    }
    if (text == "none") {
        return InstallScenario::none;
    }
    return std::nullopt;
}

const char* to_string(InstallScenario scenario) {
    switch (scenario) {
    case InstallScenario::warm:
        return "warm";
    case InstallScenario::cold:
        return "cold";
    case InstallScenario::noop:
        return "noop";
    case InstallScenario::none:
        return "none";
    }
    return "none";
}

InstallStep plan_install(const Project& project, const std::string& pnpm, InstallScenario scenario,
                         const fs::path& scratch) {
    InstallStep step;
    if (scenario == InstallScenario::none) {
        return step;
    }
    step.argv = pnpm_command(pnpm, {"--reporter=ndjson", "install"});
    if (project.lockfile) {
        step.argv.push_back("--frozen-lockfile");
    }
    auto node_modules_folders = [&] {
        std::vector<fs::path> folders = {project.root / "node_modules"};
        for (const Package& p : project.packages) {
            folders.push_back(p.dir / "node_modules");
        }
        return folders;
    };
    switch (scenario) {
    case InstallScenario::warm:
        if (project.lockfile) {
            step.argv.push_back("--prefer-offline");
        }
        step.reset_before_each = node_modules_folders();
        step.needs_priming = true;
        break;
    case InstallScenario::cold:
        step.argv.push_back("--store-dir=" + (scratch / "store").string());
        step.argv.push_back("--cache-dir=" + (scratch / "cache").string());
        step.reset_before_each = node_modules_folders();
        step.reset_before_each.push_back(scratch / "store");
        step.reset_before_each.push_back(scratch / "cache");
        break;
    case InstallScenario::noop:
        if (project.lockfile) {
            step.argv.push_back("--prefer-offline");
        }
        step.needs_priming = true;
        break;
    case InstallScenario::none:
        break;
    }
    return step;
}

} // namespace farm::pnpm
