#include "farm/pnpm/user_config.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/project_settings.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

#include <cstdlib>
#include <optional>

namespace farm::pnpm {

namespace fs = std::filesystem;

fs::path user_backup_folder() {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
        return fs::path(state) / "farm" / "backups";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return fs::path(home) / ".local" / "state" / "farm" / "backups";
    }
    throw UsageError("--user needs HOME (or XDG_STATE_HOME) for the backup of your pnpm config");
}

ConfigPlan plan_user_config(const fs::path& project_root, const Version& version,
                            const MachineFacts& facts, const fs::path& user_file) {
    ConfigPlan plan;
    plan.version = version;
    bool yaml = user_config_is_yaml(version);
    plan.target = yaml ? SettingsFile::workspace_yaml : SettingsFile::npmrc;
    std::error_code ec;
    fs::path path = fs::is_symlink(user_file, ec) ? fs::weakly_canonical(user_file) : user_file;
    bool existed = fs::exists(path, ec);
    std::string before = existed ? core::read_input_file(path, "pnpm user config") : "";
    std::optional<WorkspaceYaml> yaml_file;
    std::optional<Npmrc> rc_file;
    if (yaml) {
        yaml_file.emplace(WorkspaceYaml::parse(before, path.string()));
    } else {
        rc_file.emplace(Npmrc::parse(before));
    }
    for (const SpeedSetting& setting : user_settings_for(version, facts)) {
        std::string key = yaml ? setting.key : kebab_case(setting.key);
        if (std::optional<ExplicitSetting> chosen =
                project_setting(project_root, version, setting.key)) {
            plan.notes.push_back(key + " is " + chosen->value + " in the project's " +
                                 chosen->file.filename().string() +
                                 ", which wins over your own config; it is not proposed there");
            continue;
        }
        std::optional<std::string> own = yaml ? yaml_file->get(key) : rc_file->get(key);
        if (own) {
            if (*own != setting.value) {
                plan.kept.push_back(key + " " + *own + ", set in your " + path.string() +
                                    " (farm would choose " + setting.value + ")");
            }
            continue;
        }
        bool changed = yaml ? yaml_file->set(key, setting.value) : rc_file->set(key, setting.value);
        if (!changed) {
            continue;
        }
        SettingChange change;
        change.file = plan.target;
        change.key = key;
        change.new_value = setting.value;
        change.why = setting.why;
        change.judged_by = setting.judged_by;
        plan.changes.push_back(change);
    }
    std::string after = yaml ? yaml_file->text() : rc_file->text();
    if (after != before) {
        std::optional<fs::path> link;
        if (path != user_file) {
            link = user_file;
        }
        plan.files.push_back({plan.target, path, link, existed, before, after});
    }
    return plan;
}

} // namespace farm::pnpm
