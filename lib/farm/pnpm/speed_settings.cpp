#include "farm/pnpm/speed_settings.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace farm::pnpm {

const char* file_name_of(SettingsFile file) {
    return file == SettingsFile::npmrc ? ".npmrc" : "pnpm-workspace.yaml";
}

bool is_known_version(const Version& version) {
    return version.major >= 7 && version.major <= 12;
}

SettingsFile settings_file_for(const Version& version) {
    return version.at_least(10, 6) ? SettingsFile::workspace_yaml : SettingsFile::npmrc;
}

bool ignores_npmrc_settings(const Version& version) {
    return version.at_least(11);
}

std::string kebab_case(std::string_view camel) {
    std::string out;
    for (char c : camel) {
        if (std::isupper(static_cast<unsigned char>(c))) {
            out += '-';
            out += char(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

std::string camel_case(std::string_view kebab) {
    std::string out;
    bool upper = false;
    for (char c : kebab) {
        if (c == '-' && !out.empty()) {
            upper = true;
            continue;
        }
        out += upper ? char(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

int network_concurrency_for(int cores) {
    return std::clamp(3 * std::max(cores, 1), 16, 64);
}

int child_concurrency_default(const Version&) {
    return 5;
}

const char* to_string(JudgedBy kind) {
    switch (kind) {
    case JudgedBy::cold:
        return "cold";
    case JudgedBy::repeat:
        return "repeat";
    case JudgedBy::warm:
        break;
    }
    return "warm";
}

std::vector<SpeedSetting> speed_settings_for(const Version& v, const MachineFacts& facts,
                                             bool layout) {
    std::vector<SpeedSetting> settings;
    SpeedSetting side_effects;
    side_effects.key = "sideEffectsCache";
    side_effects.value = "true";
    side_effects.why = "packages with install scripts are built once and their results reused "
                       "from the store";
    side_effects.pnpm_default = "true";
    settings.push_back(side_effects);
    if (v.at_least(10, 1)) {
        SpeedSetting repeat;
        repeat.key = "optimisticRepeatInstall";
        repeat.value = "true";
        repeat.why = "a repeated install whose lockfile and manifests did not change returns at "
                     "once";
        repeat.pnpm_default = v.at_least(11) ? "true" : "false";
        repeat.judged_by = JudgedBy::repeat;
        settings.push_back(repeat);
    }
    if (facts.workspace && facts.workspace_settings && facts.workspace_links_matter) {
        std::string warning = "changes resolution: a dependency on a workspace package's name "
                              "without `workspace:` now resolves to the local package instead of "
                              "the registry version, and the lockfile changes with it";
        SpeedSetting link;
        link.key = "linkWorkspacePackages";
        link.value = "true";
        link.why = "workspace packages are linked instead of downloaded from the registry";
        link.pnpm_default = "false";
        link.changes_resolution = true;
        link.warning = warning;
        link.judged_by = JudgedBy::cold;
        settings.push_back(link);
        SpeedSetting prefer = link;
        prefer.key = "preferWorkspacePackages";
        prefer.why = "a workspace package wins over a registry version, so it is not fetched";
        settings.push_back(prefer);
    }
    if (layout) {
        SpeedSetting linker;
        linker.key = "nodeLinker";
        linker.value = "hoisted";
        linker.why = "a flat node_modules (as npm makes) has no symlinks to create and follow";
        linker.pnpm_default = "isolated";
        linker.changes_layout = true;
        linker.warning = "changes the node_modules layout: every package is at the top level, so "
                         "code can import dependencies it does not declare, and pnpm's "
                         "strictness is gone (shamefullyHoist and hoistPattern are not set: they "
                         "only shape the isolated layout)";
        settings.push_back(linker);
    }
    return settings;
}

std::vector<SpeedSetting> user_settings_for(const Version& v, const MachineFacts& facts) {
    std::vector<SpeedSetting> settings;
    int cores = std::max(facts.cores, 1);
    if (!v.at_least(10, 24) && network_concurrency_for(cores) > 16) {
        SpeedSetting network;
        network.key = "networkConcurrency";
        network.value = std::to_string(network_concurrency_for(cores));
        network.why = "downloads in parallel: 3 per core (" + std::to_string(cores) +
                      " cores on this machine), within pnpm's own 16..64";
        network.pnpm_default = "16";
        network.judged_by = JudgedBy::cold;
        settings.push_back(network);
    }
    int child_default = child_concurrency_default(v);
    if (cores > child_default) {
        SpeedSetting child;
        child.key = "childConcurrency";
        child.value = std::to_string(cores);
        child.why = "runs install scripts of dependencies one per core (" + std::to_string(cores) +
                    " on this machine) instead of " + std::to_string(child_default);
        child.pnpm_default = std::to_string(child_default);
        settings.push_back(child);
    }
    return settings;
}

bool user_config_is_yaml(const Version& version) {
    return version.at_least(12);
}

std::filesystem::path user_config_file(const Version& version) {
    std::filesystem::path folder;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        folder = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        folder = std::filesystem::path(home) / ".config";
    } else {
        throw UsageError("--user needs HOME (or XDG_CONFIG_HOME) to find your pnpm config file");
    }
    return folder / "pnpm" / (user_config_is_yaml(version) ? "config.yaml" : "rc");
}

} // namespace farm::pnpm
