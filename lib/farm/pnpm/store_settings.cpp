#include "farm/pnpm/store_settings.hpp"

#include "farm/core/input_file.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/project_settings.hpp"
#include "farm/pnpm/settings_include.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

// pnpm-workspace.yaml's storeDir, or the one of the file `include:` hands it to; nullopt when
// neither sets it, "" when farm cannot read it (a config dependency owns it, a file is broken).
std::optional<std::string> workspace_store_dir(const fs::path& root) {
    fs::path yaml = root / "pnpm-workspace.yaml";
    std::error_code ec;
    if (!fs::exists(yaml, ec)) {
        return std::nullopt;
    }
    try {
        std::string text = core::read_input_file(yaml, "pnpm workspace file");
        if (std::optional<std::string> value =
                WorkspaceYaml::parse(text, yaml.string()).get("storeDir")) {
            return value;
        }
        std::optional<IncludeSource> owner = owner_of(include_sources(text, yaml), "storeDir");
        if (!owner) {
            return std::nullopt;
        }
        if (!owner->file) {
            return ""; // a config dependency's settings: only pnpm reads them
        }
        std::optional<ExplicitSetting> included = setting_in_yaml_file(*owner->file, "storeDir");
        return included ? std::optional(included->value) : std::nullopt;
    } catch (const std::exception&) {
        return "";
    }
}

// .npmrc's store-dir; nullopt when it sets none, "" when it cannot be read.
std::optional<std::string> npmrc_store_dir(const fs::path& root) {
    fs::path npmrc = root / ".npmrc";
    std::error_code ec;
    if (!fs::exists(npmrc, ec)) {
        return std::nullopt;
    }
    try {
        return Npmrc::parse(core::read_input_file(npmrc, "pnpm settings file")).get("store-dir");
    } catch (const std::exception&) {
        return "";
    }
}

} // namespace

std::vector<std::string> named_stores(const fs::path& root, const EnvironmentReader& get) {
    std::vector<std::string> named;
    for (const char* name :
         {"pnpm_config_store_dir", "npm_config_store_dir", "NPM_CONFIG_STORE_DIR"}) {
        if (const char* value = get(name); value && *value) {
            named.emplace_back(value);
        }
    }
    // pnpm reads the workspace's settings in a sub-package too, and both folders' .npmrc.
    fs::path workspace = workspace_root_of(root).value_or(root);
    std::vector<std::optional<std::string>> files = {workspace_store_dir(workspace),
                                                     npmrc_store_dir(root)};
    if (workspace != root) {
        files.push_back(npmrc_store_dir(workspace));
    }
    // The user's own ~/.npmrc: a store-dir set there since the last install changes the store too.
    if (const char* home = get("HOME");
        home && *home && fs::path(home) != workspace && fs::path(home) != root) {
        files.push_back(npmrc_store_dir(home));
    }
    for (const std::optional<std::string>& value : files) {
        if (value) {
            named.push_back(*value);
        }
    }
    return named;
}

std::optional<fs::path> resolve_store_setting(const std::string& value, const fs::path& root,
                                              const EnvironmentReader& get) {
    if (value.empty() || value.find("${") != std::string::npos) {
        return std::nullopt;
    }
    if (value == "~" || value.starts_with("~/")) {
        const char* home = get("HOME");
        if (!home || *home != '/') {
            return std::nullopt;
        }
        return (fs::path(home) / value.substr(value.size() > 1 ? 2 : 1)).lexically_normal();
    }
    fs::path path(value);
    return (path.is_absolute() ? path : root / path).lexically_normal();
}

} // namespace farm::pnpm
