#include "farm/pnpm/project_settings.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/json_file.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/settings_include.hpp"
#include "farm/pnpm/speed_settings.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

#include <set>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return lines;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_comment_line(std::string_view line, bool npmrc) {
    std::string_view t = trim(line);
    return !t.empty() && (t.front() == '#' || (npmrc && t.front() == ';'));
}

// The text after the first unescaped, unquoted comment sign, if any.
bool has_inline_comment(std::string_view value, bool npmrc) {
    char quote = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (npmrc && c == '\\') {
            ++i;
        } else if (npmrc && (c == '#' || c == ';')) {
            return true;
        } else if (!npmrc && c == '#' && (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t')) {
            return true;
        }
    }
    return false;
}

bool commented_at(const std::vector<std::string_view>& lines, std::size_t at,
                  std::string_view value, bool npmrc) {
    if (has_inline_comment(value, npmrc)) {
        return true;
    }
    return at > 0 && is_comment_line(lines[at - 1], npmrc);
}

std::string unquoted(std::string_view key) {
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') &&
        key.back() == key.front()) {
        return std::string(key.substr(1, key.size() - 2));
    }
    return std::string(key);
}

} // namespace

bool npmrc_line_commented(std::string_view text, std::string_view key) {
    std::vector<std::string_view> lines = split_lines(text);
    std::optional<bool> found;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view t = trim(lines[i]);
        if (!t.empty() && t.front() == '[') {
            break; // sections hold no settings pnpm reads
        }
        std::size_t eq = t.find('=');
        if (eq == std::string_view::npos || is_comment_line(t, true) ||
            trim(t.substr(0, eq)) != key) {
            continue;
        }
        found = commented_at(lines, i, t.substr(eq + 1), true);
    }
    return found.value_or(false);
}

bool yaml_line_commented(std::string_view text, std::string_view key) {
    std::vector<std::string_view> lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (line.empty() || line.front() == ' ' || line.front() == '\t' || line.front() == '#') {
            continue;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || unquoted(trim(line.substr(0, colon))) != key) {
            continue;
        }
        return commented_at(lines, i, line.substr(colon + 1), false);
    }
    return false;
}

std::optional<ExplicitSetting> setting_in_yaml_file(const fs::path& file, std::string_view key) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return std::nullopt;
    }
    try {
        std::string text = core::read_input_file(file, "included pnpm settings file");
        std::optional<std::string> value = WorkspaceYaml::parse(text, file.string()).get(key);
        if (!value) {
            return std::nullopt;
        }
        return ExplicitSetting{*value, file, yaml_line_commented(text, key)};
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::optional<ExplicitSetting> project_setting(const fs::path& root, const Version& version,
                                               std::string_view camel_key) {
    std::error_code ec;
    if (settings_file_for(version) == SettingsFile::workspace_yaml) {
        fs::path yaml = root / "pnpm-workspace.yaml";
        if (fs::exists(yaml, ec)) {
            std::string text = core::read_input_file(yaml, "pnpm workspace file");
            if (std::optional<std::string> value =
                    WorkspaceYaml::parse(text, yaml.string()).get(camel_key)) {
                return ExplicitSetting{*value, yaml, yaml_line_commented(text, camel_key)};
            }
            std::optional<IncludeSource> owner =
                reads_includes(version) ? owner_of(include_sources(text, yaml), camel_key)
                                        : std::nullopt;
            if (owner && owner->file) {
                return setting_in_yaml_file(*owner->file, camel_key);
            }
        }
        if (ignores_npmrc_settings(version)) {
            return std::nullopt;
        }
    }
    fs::path npmrc = root / ".npmrc";
    if (!fs::exists(npmrc, ec)) {
        return std::nullopt;
    }
    std::string text = core::read_input_file(npmrc, "pnpm settings file");
    std::string key = kebab_case(camel_key);
    if (std::optional<std::string> value = Npmrc::parse(text).get(key)) {
        return ExplicitSetting{*value, npmrc, npmrc_line_commented(text, key)};
    }
    return std::nullopt;
}

std::optional<fs::path> workspace_root_of(const fs::path& dir) {
    std::error_code ec;
    for (fs::path at = fs::absolute(dir).lexically_normal(); !at.empty(); at = at.parent_path()) {
        if (fs::exists(at / "pnpm-workspace.yaml", ec)) {
            return at;
        }
        if (at == at.parent_path()) {
            break;
        }
    }
    return std::nullopt;
}

std::string dev_engines_pnpm(const fs::path& root) {
    nlohmann::json manifest = core::read_json_file(root / "package.json", "package manifest");
    if (!manifest.is_object() || !manifest.contains("devEngines") ||
        !manifest["devEngines"].is_object()) {
        return "";
    }
    const nlohmann::json& pm = manifest["devEngines"].value("packageManager", nlohmann::json());
    std::vector<nlohmann::json> entries;
    if (pm.is_array()) {
        entries.assign(pm.begin(), pm.end());
    } else if (pm.is_object()) {
        entries.push_back(pm);
    }
    for (const nlohmann::json& entry : entries) {
        if (entry.is_object() && entry.value("name", "") == "pnpm" && entry.contains("version") &&
            entry["version"].is_string()) {
            return entry["version"].get<std::string>();
        }
    }
    return "";
}

bool workspace_links_matter(const Project& project) {
    std::set<std::string> names;
    for (const Package& package : project.packages) {
        if (package.has_name) {
            names.insert(package.name);
        }
    }
    std::vector<fs::path> dirs = {project.root};
    for (const Package& package : project.packages) {
        dirs.push_back(package.dir);
    }
    for (const fs::path& dir : dirs) {
        nlohmann::json manifest = core::read_json_file(dir / "package.json", "package manifest");
        for (const char* field : {"dependencies", "devDependencies", "optionalDependencies"}) {
            if (!manifest.is_object() || !manifest.contains(field) ||
                !manifest[field].is_object()) {
                continue;
            }
            for (const auto& [name, spec] : manifest[field].items()) {
                if (names.count(name) && spec.is_string() &&
                    !spec.get<std::string>().starts_with("workspace:")) {
                    return true;
                }
            }
        }
    }
    return false;
}

} // namespace farm::pnpm
