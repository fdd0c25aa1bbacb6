#include "farm/pnpm/config_notes.hpp"

#include "farm/pnpm/speed_settings.hpp"

#include <algorithm>
#include <cstdlib>

namespace farm::pnpm {

std::vector<std::string> npmrc_settings_notes(const Npmrc& npmrc,
                                              const std::optional<WorkspaceYaml>& yaml,
                                              const Version& version) {
    std::vector<std::string> notes;
    for (const NpmrcEntry& entry : npmrc.entries()) {
        if (is_protected_key(entry.key)) {
            continue;
        }
        if (ignores_npmrc_settings(version)) {
            notes.push_back(".npmrc line " + std::to_string(entry.line) + ": " + entry.key +
                            " is ignored by pnpm " + version.text +
                            " (settings belong in pnpm-workspace.yaml; --migrate moves them)");
        } else if (yaml && yaml->get(camel_case(entry.key))) {
            notes.push_back(entry.key + " is set in both .npmrc (line " +
                            std::to_string(entry.line) +
                            ") and pnpm-workspace.yaml; the YAML wins (--migrate keeps one)");
        }
    }
    return notes;
}

std::vector<std::string> unset_variable_notes(const std::string& text) {
    std::vector<std::string> unset;
    for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
        std::size_t end = text.find('}', at);
        if (end == std::string::npos) {
            break;
        }
        std::string name = text.substr(at + 2, end - at - 2);
        if (!name.empty() && std::getenv(name.c_str()) == nullptr &&
            std::find(unset.begin(), unset.end(), name) == unset.end()) {
            unset.push_back(name);
        }
    }
    std::vector<std::string> notes;
    for (const std::string& name : unset) {
        notes.push_back(".npmrc refers to ${" + name +
                        "}, which is not set here: pnpm warns about it and `pnpm config get` "
                        "reads nothing from this file until it is set");
    }
    return notes;
}

std::vector<std::string> ignored_yaml_notes(const std::optional<WorkspaceYaml>& yaml,
                                            const Version& version) {
    std::vector<std::string> notes;
    if (!yaml) {
        return notes;
    }
    for (const SpeedSetting& setting : speed_settings_for(version, {}, true)) {
        if (yaml->get(setting.key)) {
            notes.push_back(setting.key + " in pnpm-workspace.yaml is ignored by pnpm " +
                            version.text + " (settings are read from there from pnpm 10.6 on)");
        }
    }
    return notes;
}

} // namespace farm::pnpm
