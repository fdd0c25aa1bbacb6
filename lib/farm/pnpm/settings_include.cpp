#include "farm/pnpm/settings_include.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

#include <algorithm>
#include <yaml-cpp/yaml.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

bool is_path_source(const std::string& name) {
    return name.starts_with("./") || name.starts_with("../");
}

IncludeSource path_source(const std::string& name, const fs::path& folder, bool everything) {
    return {name, (folder / name).lexically_normal(), everything, {}};
}

IncludeSource mapped_source(const std::string& name, const YAML::Node& value,
                            const fs::path& folder) {
    IncludeSource source{name, std::nullopt, false, {}};
    if (is_path_source(name)) {
        source.file = (folder / name).lexically_normal();
    }
    if (value.IsScalar()) {
        source.everything = value.as<std::string>() == "*";
    } else if (value.IsSequence()) {
        for (const YAML::Node& item : value) {
            if (item.IsScalar()) {
                source.settings.push_back(item.as<std::string>());
            }
        }
    }
    return source;
}

} // namespace

bool reads_includes(const Version& version) {
    return version.at_least(12, 15);
}

std::vector<IncludeSource> include_sources(const std::string& yaml_text,
                                           const fs::path& yaml_file) {
    std::vector<IncludeSource> sources;
    if (yaml_text.find("include") == std::string::npos) {
        return sources;
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        throw UsageError(yaml_file.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": not valid YAML (" + e.msg + ")");
    }
    if (!root.IsMap() || !root["include"]) {
        return sources;
    }
    YAML::Node include = root["include"];
    fs::path folder = yaml_file.parent_path();
    if (include.IsScalar()) {
        sources.push_back(path_source(include.as<std::string>(), folder, true));
    } else if (include.IsSequence()) {
        for (const YAML::Node& item : include) {
            if (item.IsScalar()) {
                sources.push_back(path_source(item.as<std::string>(), folder, true));
            }
        }
    } else if (include.IsMap()) {
        for (const auto& entry : include) {
            if (entry.first.IsScalar()) {
                sources.push_back(
                    mapped_source(entry.first.as<std::string>(), entry.second, folder));
            }
        }
    }
    return sources;
}

bool yaml_file_sets(const fs::path& file, std::string_view key) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return false;
    }
    try {
        std::string text = core::read_input_file(file, "included pnpm settings file");
        return WorkspaceYaml::parse(text, file.string()).get(key).has_value();
    } catch (const Error&) {
        return false;
    }
}

std::optional<IncludeSource> owner_of(const std::vector<IncludeSource>& sources,
                                      std::string_view camel_key) {
    for (const IncludeSource& source : sources) {
        if (std::find(source.settings.begin(), source.settings.end(), camel_key) !=
            source.settings.end()) {
            return source;
        }
    }
    for (const IncludeSource& source : sources) {
        if (source.everything && source.file && yaml_file_sets(*source.file, camel_key)) {
            return source;
        }
    }
    return std::nullopt;
}

} // namespace farm::pnpm
