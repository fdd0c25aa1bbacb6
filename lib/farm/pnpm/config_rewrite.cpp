#include "farm/pnpm/config_rewrite.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/process.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

SettingReader pnpm_setting_reader(const Toolchain& toolchain, const fs::path& root) {
    return [toolchain, root](const std::string& key) -> std::optional<std::string> {
        exec::SpawnOptions options;
        options.argv = {toolchain.pnpm, "config", "get", key};
        options.cwd = root;
        options.extra_env = pnpm_environment(toolchain.pnpm);
        options.timeout_s = 60;
        options.sample_hz = 0;
        exec::ProcessResult result = exec::run_process(options);
        if (!result.succeeded()) {
            throw CommandError("`pnpm config get " + key + "` failed (" +
                               result.describe_failure() +
                               "): " + core::redact_secrets(result.stderr_tail));
        }
        std::string answer = result.stdout_tail;
        while (!answer.empty() &&
               (answer.back() == '\n' || answer.back() == '\r' || answer.back() == ' ')) {
            answer.pop_back();
        }
        // Only the last line: pnpm may print a warning before the value.
        std::size_t newline = answer.rfind('\n');
        if (newline != std::string::npos) {
            answer = answer.substr(newline + 1);
        }
        if (answer == "undefined" || answer.empty()) {
            return std::nullopt;
        }
        return answer;
    };
}

namespace {

struct FileState {
    const PlannedFile* file;
    mode_t mode = 0644;
    bool written = false;
    std::optional<fs::path> backup;
};

void check_before_writing(FileState& state) {
    const PlannedFile& file = *state.file;
    bool exists = fs::exists(file.path);
    if (exists != file.existed || (exists && core::read_text_file(file.path) != file.before)) {
        throw UsageError(file.path.string() +
                         " changed while farm was planning its rewrite; nothing was written. "
                         "Run the command again.");
    }
    if (!exists) {
        return;
    }
    struct stat info {};
    if (stat(file.path.c_str(), &info) != 0) {
        throw UsageError("cannot read the permissions of " + file.path.string());
    }
    state.mode = info.st_mode & 07777;
    if ((info.st_mode & S_IWUSR) == 0) {
        throw UsageError(file.path.string() +
                         " is read-only; nothing was written. Make it writable (chmod u+w " +
                         file.path.filename().string() + ") or use --dry-run to see the change.");
    }
}

// NAME.2026-12-06T08-15-00Z (colons are not portable in file names), .1, .2... when taken.
fs::path free_backup_name(const fs::path& folder, const fs::path& path) {
    std::string stamp = core::utc_now_iso8601();
    std::replace(stamp.begin(), stamp.end(), ':', '-');
    fs::path candidate = folder / (path.filename().string() + "." + stamp);
    for (int n = 1; fs::exists(candidate); ++n) {
        candidate = folder / (path.filename().string() + "." + stamp + "." + std::to_string(n));
    }
    return candidate;
}

void make_backup_folder(const fs::path& folder) {
    fs::create_directories(folder);
    fs::path ignore = folder / ".gitignore";
    if (!fs::exists(ignore)) {
        // Backups may hold a token the project's .npmrc held; they must never be committed.
        core::write_file_atomically(ignore, "*\n", 0644);
    }
}

std::optional<std::string> read_back(const PlannedFile& file, const std::string& key) {
    std::string text = core::read_text_file(file.path);
    if (text != file.after) {
        throw Error(file.path.string() + " does not hold what was written");
    }
    if (file.which == SettingsFile::npmrc) {
        return Npmrc::parse(text).get(key);
    }
    return WorkspaceYaml::parse(text, file.path.string()).get(key);
}

void restore(std::vector<FileState>& states, bool remove_backups) {
    for (FileState& state : states) {
        const PlannedFile& file = *state.file;
        if (state.written) {
            if (file.existed) {
                core::write_file_atomically(file.path, file.before, state.mode);
            } else {
                fs::remove(file.path);
            }
        }
        if (remove_backups && state.backup) {
            std::error_code ignored;
            fs::remove(*state.backup, ignored);
        }
    }
}

// The planned file a change is in: the included file it was written to, else the file of its
// kind that no change was included from (the workspace file itself, or .npmrc).
const PlannedFile* planned_file_of(const ConfigPlan& plan, const SettingChange& change) {
    auto included = [&](const fs::path& path) {
        return std::any_of(plan.changes.begin(), plan.changes.end(),
                           [&](const SettingChange& c) { return c.included_file == path; });
    };
    for (const PlannedFile& f : plan.files) {
        if (change.included_file.empty() ? f.which == change.file && !included(f.path)
                                         : f.path == change.included_file) {
            return &f;
        }
    }
    return nullptr;
}

} // namespace

fs::path backup_folder_of(const fs::path& project_root) {
    return project_root / ".farm" / "backups";
}

RewriteResult write_plan(const ConfigPlan& plan, const fs::path& backup_folder,
                         const SettingReader& reader) {
    std::vector<FileState> states;
    for (const PlannedFile& file : plan.files) {
        FileState state;
        state.file = &file;
        check_before_writing(state);
        states.push_back(state);
    }
    RewriteResult result;
    std::vector<fs::path> new_backups;
    try {
        for (FileState& state : states) {
            const PlannedFile& file = *state.file;
            if (!backup_folder.empty() && file.existed) {
                make_backup_folder(backup_folder);
                fs::path name = free_backup_name(backup_folder, file.path);
                core::write_file_atomically(name, file.before, state.mode);
                state.backup = name;
                result.backups.push_back(name);
            }
            state.written = true;
            if (!file.existed) {
                fs::create_directories(file.path.parent_path()); // ~/.config/pnpm for --user
            }
            core::write_file_atomically(file.path, file.after, state.mode);
        }
        std::vector<std::string> unanswered;
        for (std::size_t i = 0; i < plan.changes.size(); ++i) {
            const SettingChange& change = plan.changes[i];
            // --migrate may move a key and a speed setting then change it: only its last change
            // says what the file holds.
            bool superseded =
                std::any_of(plan.changes.begin() + std::ptrdiff_t(i) + 1, plan.changes.end(),
                            [&](const SettingChange& later) {
                                return later.file == change.file && later.key == change.key;
                            });
            if (superseded) {
                continue;
            }
            const PlannedFile* file = planned_file_of(plan, change);
            if (file == nullptr || change.new_value.empty()) {
                continue;
            }
            std::optional<std::string> parsed = read_back(*file, change.key);
            if (parsed != change.new_value) {
                throw Error(file->path.string() + " reads " + change.key + " as " +
                            parsed.value_or("nothing") + " after the rewrite, not " +
                            change.new_value);
            }
            if (!reader || change.migrated) {
                continue;
            }
            std::optional<std::string> answer = reader(change.key);
            if (!answer) {
                unanswered.push_back(change.key);
            } else if (*answer != change.new_value) {
                throw Error("pnpm reads " + change.key + " as " + *answer +
                            " after the rewrite, not " + change.new_value);
            } else {
                result.verified_by_pnpm.push_back(change.key);
            }
        }
        if (!reader) {
            result.notes.push_back("checked by parsing the files back only: no pnpm that reads " +
                                   std::string(file_name_of(plan.target)) + " was at hand");
        } else if (!unanswered.empty()) {
            result.notes.push_back("pnpm answers `undefined` for " + core::join(unanswered, ", ") +
                                   " (it does not report these from the project's file), so "
                                   "they were checked by parsing the file back");
        }
    } catch (const Error& e) {
        restore(states, true);
        throw Error(std::string(e.what()) + "; every file was restored as it was", e.code());
    } catch (const std::exception& e) {
        restore(states, true);
        throw Error(std::string(e.what()) + "; every file was restored as it was");
    }
    return result;
}

} // namespace farm::pnpm
