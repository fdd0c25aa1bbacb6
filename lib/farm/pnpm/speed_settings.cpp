#include "farm/pnpm/speed_settings.hpp"

#include <algorithm>
#include <cctype>

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

std::vector<SpeedSetting> speed_settings_for(const Version& v, const MachineFacts& facts,
                                             bool layout) {
    std::vector<SpeedSetting> settings;
    settings.push_back({"preferOffline", "true",
                        "packages already in the store are used without asking the registry "
                        "whether they changed",
                        "false", false, false, ""});
    settings.push_back({"sideEffectsCache", "true",
                        "packages with install scripts are built once and their results reused "
                        "from the store",
                        "true", false, false, ""});
    if (v.at_least(10, 1)) {
        settings.push_back({"optimisticRepeatInstall", "true",
                            "a repeated install whose lockfile and manifests did not change "
                            "returns at once",
                            v.at_least(11) ? "true" : "false", false, false, ""});
    }
    if (!v.at_least(10, 24)) {
        int value = network_concurrency_for(facts.cores);
        settings.push_back({"networkConcurrency", std::to_string(value),
                            "downloads in parallel: 3 per core (" + std::to_string(facts.cores) +
                                " cores), within pnpm's own 16..64",
                            "16", true, false, ""});
    }
    settings.push_back({"childConcurrency", std::to_string(std::max(facts.cores, 1)),
                        "runs install scripts of dependencies one per core (" +
                            std::to_string(facts.cores) + " on this machine) instead of 5",
                        "5", true, false, ""});
    if (facts.workspace) {
        settings.push_back({"linkWorkspacePackages", "true",
                            "workspace packages are linked instead of downloaded from the "
                            "registry",
                            "false", false, false, ""});
        settings.push_back({"preferWorkspacePackages", "true",
                            "a workspace package wins over a registry version, so it is not "
                            "fetched",
                            "false", false, false, ""});
        settings.push_back({"sharedWorkspaceLockfile", "true",
                            "one lockfile and one resolution for the whole workspace", "true",
                            false, false, ""});
    }
    if (layout) {
        settings.push_back(
            {"nodeLinker", "hoisted",
             "a flat node_modules (as npm makes) has no symlinks to create and follow", "isolated",
             false, true,
             "changes the node_modules layout: every package is at the top level, so code can "
             "import dependencies it does not declare, and pnpm's strictness is gone "
             "(shamefullyHoist and hoistPattern are not set: they only shape the isolated "
             "layout)"});
    }
    return settings;
}

} // namespace farm::pnpm
