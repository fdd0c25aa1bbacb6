#include "farm/pnpm/config_plan.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/pnpm/config_notes.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/project_settings.hpp"
#include "farm/pnpm/settings_include.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

struct LoadedFile {
    fs::path path; // what is read and written: a symlink's target
    std::optional<fs::path> link;
    bool existed = false;
    std::string text;
};

LoadedFile load(const fs::path& path, std::string_view what) {
    LoadedFile file{path, std::nullopt, fs::exists(path), ""};
    std::error_code ec;
    if (fs::is_symlink(path, ec)) {
        file.link = path;
        file.path = fs::weakly_canonical(path, ec);
    }
    if (file.existed) {
        file.text = core::read_input_file(path, what);
    }
    return file;
}

bool inside(const fs::path& file, const fs::path& root) {
    std::error_code ec;
    fs::path base = fs::weakly_canonical(root, ec);
    fs::path relative = file.lexically_relative(base);
    return !relative.empty() && *relative.begin() != "..";
}

bool same_key(std::string_view a, std::string_view b) {
    return a == b || kebab_case(a) == b || a == kebab_case(b);
}

// An .npmrc that farm is about to rewrite must read cleanly: a line npm cannot read as
// `key=value` means the file is not what it looks like, and guessing around it could change
// what it means.
void require_readable(const Npmrc& npmrc, const fs::path& path) {
    std::vector<std::size_t> bad = npmrc.malformed_lines();
    if (!bad.empty()) {
        throw UsageError(path.string() + ":" + std::to_string(bad.front()) +
                         ":1: this line is not `key=value`, a comment or a [section]; fix or "
                         "remove it (farm does not rewrite a file it cannot read)");
    }
}

bool is_list_key(const std::string& key) {
    return key.size() > 2 && key.ends_with("[]");
}

class Planner {
  public:
    Planner(const fs::path& root, const Version& version, const PlanOptions& options)
        : m_root(root), m_options(options),
          m_npmrc_file(load(root / ".npmrc", "pnpm settings file")),
          m_yaml_file(load(root / "pnpm-workspace.yaml", "pnpm workspace file")),
          m_npmrc(Npmrc::parse(m_npmrc_file.text)) {
        m_plan.version = version;
        m_plan.target = settings_file_for(version);
        if (m_yaml_file.existed) {
            m_yaml.emplace(WorkspaceYaml::parse(m_yaml_file.text, m_yaml_file.path.string()));
            if (reads_includes(version)) {
                m_sources = include_sources(m_yaml_file.text, m_yaml_file.path);
            }
        }
    }

    ConfigPlan run() {
        bool to_yaml = m_plan.target == SettingsFile::workspace_yaml;
        if (to_yaml && !m_yaml) {
            m_yaml.emplace(WorkspaceYaml::parse("", m_yaml_file.path.string()));
        }
        if (!to_yaml) {
            require_readable(m_npmrc, m_npmrc_file.path);
            add_notes(m_plan.notes, ignored_yaml_notes(m_yaml, m_plan.version));
            add_notes(m_plan.notes, unset_variable_notes(m_npmrc_file.text));
        } else if (m_options.migrate) {
            require_readable(m_npmrc, m_npmrc_file.path);
            migrate();
        } else {
            add_notes(m_plan.notes, npmrc_settings_notes(m_npmrc, m_yaml, m_plan.version));
        }
        for (const SpeedSetting& setting :
             speed_settings_for(m_plan.version, m_options.facts, m_options.layout)) {
            apply(setting, to_yaml);
        }
        note_import_method(to_yaml);
        note_prefer_offline();
        note_workspace_settings();
        finish(m_npmrc_file, SettingsFile::npmrc, m_npmrc.text());
        if (m_yaml) {
            finish(m_yaml_file, SettingsFile::workspace_yaml, m_yaml->text());
        }
        for (const auto& [path, included] : m_included) {
            finish(included.first, SettingsFile::workspace_yaml, included.second.text());
        }
        return std::move(m_plan);
    }

  private:
    bool forced(const std::string& key) const {
        return std::any_of(m_options.force.begin(), m_options.force.end(),
                           [&](const std::string& f) { return same_key(f, key); });
    }

    void apply(const SpeedSetting& setting, bool to_yaml) {
        std::string key = to_yaml ? setting.key : kebab_case(setting.key);
        std::optional<ExplicitSetting> chosen =
            project_setting(m_root, m_plan.version, setting.key);
        if (chosen && !forced(setting.key)) {
            if (chosen->value != setting.value) {
                m_plan.kept.push_back(key + " " + chosen->value + ", set by the project in " +
                                      chosen->file.filename().string() + " (farm would choose " +
                                      setting.value + "; --force " + setting.key + " replaces it)");
            }
            return;
        }
        if (chosen && chosen->value != setting.value && !refuse_forced(*chosen, key)) {
            return;
        }
        std::optional<std::string> effective =
            chosen ? std::optional(chosen->value) : setting.pnpm_default;
        if (effective == setting.value) {
            return;
        }
        std::optional<IncludeSource> owner = to_yaml ? owner_of(m_sources, key) : std::nullopt;
        WorkspaceYaml* yaml = to_yaml ? &*m_yaml : nullptr;
        if (owner && (yaml = included_editor(*owner, key)) == nullptr) {
            return;
        }
        bool yaml_had_key = yaml && yaml->get(setting.key).has_value();
        bool changed = yaml ? yaml->set(key, setting.value) : m_npmrc.set(key, setting.value);
        if (!changed) {
            return;
        }
        SettingChange change;
        if (owner) {
            change.included_from = owner->name;
            change.included_file = m_included.at(*owner->file).first.path;
        }
        change.file = to_yaml ? SettingsFile::workspace_yaml : SettingsFile::npmrc;
        change.key = key;
        change.old_value = chosen ? std::optional(chosen->value) : std::nullopt;
        change.new_value = setting.value;
        change.why = setting.why;
        change.changes_layout = setting.changes_layout || setting.changes_resolution;
        change.warning = setting.warning;
        change.judged_by = setting.judged_by;
        m_plan.changes.push_back(change);
        if (to_yaml && !yaml_had_key && !ignores_npmrc_settings(m_plan.version)) {
            if (std::optional<std::string> old = m_npmrc.get(kebab_case(setting.key))) {
                m_plan.notes.push_back(kebab_case(setting.key) + "=" + *old +
                                       " is also in .npmrc; pnpm-workspace.yaml wins "
                                       "(--migrate moves .npmrc settings into it)");
            }
        }
    }

    // A forced key may still not be rewritten: its line explains the choice in a comment.
    // True when the rewrite may go ahead.
    bool refuse_forced(const ExplicitSetting& chosen, const std::string& key) {
        if (chosen.commented) {
            m_plan.notes.push_back(key + " is not rewritten although forced: its line in " +
                                   chosen.file.filename().string() +
                                   " carries the project's comment; change it by hand");
            return false;
        }
        return true;
    }

    // The editor of the file that owns `key` through `include:`, loaded once; nullptr (with a
    // note) when farm may not edit it: a config dependency's, a missing file, one outside the
    // project.
    WorkspaceYaml* included_editor(const IncludeSource& owner, const std::string& key) {
        std::string leaves = "; farm leaves it there (change it there by hand)";
        if (!owner.file) {
            m_plan.notes.push_back(key + " belongs to the config dependency " + owner.name +
                                   " (pnpm-workspace.yaml's include:)" + leaves);
            return nullptr;
        }
        auto found = m_included.find(*owner.file);
        if (found == m_included.end()) {
            LoadedFile file = load(*owner.file, "included pnpm settings file");
            std::error_code ec;
            if (!file.existed || !inside(fs::weakly_canonical(file.path, ec), m_root)) {
                m_plan.notes.push_back(key + " belongs to " + owner.name +
                                       " (pnpm-workspace.yaml's include:), which is " +
                                       (file.existed ? "outside the project" : "missing") + leaves);
                return nullptr;
            }
            WorkspaceYaml yaml = WorkspaceYaml::parse(file.text, file.path.string());
            found =
                m_included.emplace(*owner.file, std::pair(std::move(file), std::move(yaml))).first;
        }
        return &found->second.second;
    }

    // pnpm's value for a setting farm only reports on (not plans).
    std::optional<std::string> current(const std::string& camel_key) const {
        std::optional<ExplicitSetting> chosen = project_setting(m_root, m_plan.version, camel_key);
        return chosen ? std::optional(chosen->value) : std::nullopt;
    }

    void note_prefer_offline() {
        std::optional<ExplicitSetting> chosen =
            project_setting(m_root, m_plan.version, "preferOffline");
        if (chosen) {
            if (chosen->value != "true") {
                bool yaml = chosen->file.filename() != ".npmrc";
                m_plan.kept.push_back(std::string(yaml ? "preferOffline" : "prefer-offline") + " " +
                                      chosen->value + ", set by the project in " +
                                      chosen->file.filename().string());
            }
            return;
        }
        m_plan.notes.push_back(
            "preferOffline is not written to the project: it also changes `pnpm add`, `update` "
            "and `dlx`. Give CI installs the flag instead: pnpm install --frozen-lockfile "
            "--prefer-offline");
    }

    void note_workspace_settings() {
        const MachineFacts& facts = m_options.facts;
        if (!facts.workspace) {
            return;
        }
        if (!facts.workspace_links_matter) {
            if (facts.workspace_settings) {
                m_plan.notes.push_back(
                    "linkWorkspacePackages and preferWorkspacePackages are not proposed: every "
                    "dependency on a workspace package already uses `workspace:`, so they would "
                    "change nothing");
            }
        } else if (!facts.workspace_settings) {
            m_plan.notes.push_back(
                "some dependencies name a workspace package without `workspace:`; "
                "linkWorkspacePackages and preferWorkspacePackages would link them instead of "
                "downloading them, which changes resolution and the lockfile "
                "(--workspace-settings proposes them)");
        }
    }

    // pnpm >= 10.6: every setting of .npmrc that is not about auth or registries goes to the
    // YAML, unless the YAML already sets it (then it wins already, and the .npmrc line goes).
    void migrate() {
        for (const NpmrcEntry& entry : m_npmrc.entries()) {
            if (is_protected_key(entry.key)) {
                continue;
            }
            if (is_list_key(entry.key) || entry.value.find("${") != std::string::npos) {
                m_plan.notes.push_back(".npmrc line " + std::to_string(entry.line) + " (" +
                                       entry.key +
                                       ") is left in place: a list or an environment "
                                       "reference has no one-line YAML form farm writes");
                continue;
            }
            if (!m_npmrc.get(entry.key)) {
                continue; // an earlier assignment of a key already moved
            }
            if (std::optional<IncludeSource> owner = owner_of(m_sources, camel_case(entry.key))) {
                m_plan.notes.push_back(".npmrc line " + std::to_string(entry.line) + " (" +
                                       entry.key +
                                       ") is left in place: pnpm-workspace.yaml's "
                                       "include: gives it to " +
                                       owner->name + "; move it there");
                continue;
            }
            if (npmrc_line_commented(m_npmrc_file.text, entry.key)) {
                m_plan.notes.push_back(".npmrc line " + std::to_string(entry.line) + " (" +
                                       entry.key +
                                       ") is left in place: it carries the project's comment, "
                                       "which a move would lose; move it by hand");
                continue;
            }
            std::string key = camel_case(entry.key);
            std::string value = *m_npmrc.get(entry.key);
            SettingChange change;
            change.file = SettingsFile::workspace_yaml;
            change.key = key;
            change.migrated = true;
            change.why = "moved from .npmrc (" + entry.key + ")";
            if (std::optional<std::string> there = m_yaml->get(key)) {
                change.old_value = there;
                change.new_value = *there;
                change.why = "already in pnpm-workspace.yaml; the .npmrc line (" + entry.key + "=" +
                             value + ") is removed";
            } else {
                m_yaml->set(key, value);
                change.new_value = value;
            }
            m_npmrc.erase(entry.key);
            m_plan.changes.push_back(change);
        }
    }

    // pnpm's `auto` hard-links when it can and copies when it must; a fixed method is left as
    // the project chose it (perhaps after measuring), but said.
    void note_import_method(bool to_yaml) {
        std::optional<std::string> method = current("packageImportMethod");
        if (method && *method != "auto") {
            m_plan.notes.push_back(
                std::string(to_yaml ? "packageImportMethod" : "package-import-method") + " is " +
                *method +
                " and is left so; pnpm's default `auto` hard-links from the store when it is "
                "on the project's filesystem (try it with --measure)");
        }
    }

    void finish(const LoadedFile& file, SettingsFile which, const std::string& after) {
        if (after == file.text && (file.existed || after.empty())) {
            return;
        }
        if (file.link && !inside(file.path, m_root)) {
            throw UsageError(file.link->string() + " is a symlink to " + file.path.string() +
                             ", outside the project; farm does not edit files outside the "
                             "project (nothing was written). Change it there by hand, or run "
                             "with --dry-run to see the change");
        }
        m_plan.files.push_back({which, file.path, file.link, file.existed, file.text, after});
    }

    fs::path m_root;
    PlanOptions m_options;
    LoadedFile m_npmrc_file;
    LoadedFile m_yaml_file;
    Npmrc m_npmrc;
    std::optional<WorkspaceYaml> m_yaml;
    std::vector<IncludeSource> m_sources; // pnpm-workspace.yaml's include:
    std::map<fs::path, std::pair<LoadedFile, WorkspaceYaml>> m_included;
    ConfigPlan m_plan;
};

} // namespace

ConfigPlan plan_config(const fs::path& root, const Version& version, const PlanOptions& options) {
    if (options.migrate && !version.at_least(10, 6)) {
        throw UsageError("--migrate moves .npmrc settings into pnpm-workspace.yaml, which pnpm " +
                         version.text + " does not read (10.6 and later do)");
    }
    return Planner(root, version, options).run();
}

} // namespace farm::pnpm
