#include "commands/optimize_pnpm_view.hpp"

#include "farm/core/text.hpp"
#include "farm/core/unified_diff.hpp"
#include "farm/report/table.hpp"

namespace farm::commands {

namespace fs = std::filesystem;

std::string display_name(const pnpm::PlannedFile& file) {
    fs::path shown = file.link ? *file.link : file.path;
    std::error_code ignored;
    fs::path relative =
        fs::relative(fs::absolute(shown).parent_path(), fs::current_path(), ignored);
    if (relative.empty() || relative.string().starts_with("..")) {
        return shown.string();
    }
    return (relative / shown.filename()).lexically_normal().string();
}

namespace {

std::string diff_of(const pnpm::PlannedFile& file) {
    std::string name = display_name(file);
    if (file.link) {
        name += " -> " + file.path.string();
    }
    return core::unified_diff(file.before, file.after, file.existed ? "a/" + name : "/dev/null",
                              "b/" + name);
}

std::string change_line(const pnpm::SettingChange& c) {
    bool yaml = c.file == pnpm::SettingsFile::workspace_yaml;
    std::string sep = yaml ? ": " : "=";
    if (c.migrated) {
        return "  > " + c.key + sep + c.new_value + "   " + c.why;
    }
    std::string line = "  " + std::string(c.old_value ? "~ " : "+ ") + c.key + sep +
                       (c.old_value ? *c.old_value + " -> " : "") + c.new_value +
                       (c.included_from.empty() ? "" : " (in " + c.included_from + ")") + "   " +
                       c.why;
    if (c.changes_layout) {
        line += "\n      WARNING: " + c.warning;
    }
    return line;
}

// Each line wrapped to the width, its continuation indented under its text.
void print_plan(std::ostream& out, const pnpm::ConfigPlan& plan, std::size_t width) {
    for (const pnpm::SettingChange& c : plan.changes) {
        out << report::wrap_text(change_line(c), width, 4) << "\n";
    }
    print_kept(out, plan.kept, width);
}

} // namespace

void print_kept(std::ostream& out, const std::vector<std::string>& kept, std::size_t width) {
    for (const std::string& line : kept) {
        out << report::wrap_text("  kept: " + line, width, 4) << "\n";
    }
}

namespace {

nlohmann::json changes_json(const pnpm::ConfigPlan& plan) {
    nlohmann::json changes = nlohmann::json::array();
    for (const pnpm::SettingChange& c : plan.changes) {
        changes.push_back({{"file", pnpm::file_name_of(c.file)},
                           {"key", c.key},
                           {"old", c.old_value ? nlohmann::json(*c.old_value) : nlohmann::json()},
                           {"new", c.new_value},
                           {"why", c.why},
                           {"changes_layout", c.changes_layout},
                           {"warning", c.warning},
                           {"migrated", c.migrated},
                           {"judged_by", pnpm::to_string(c.judged_by)},
                           {"included_from", c.included_from}});
    }
    return changes;
}

nlohmann::json files_json(const pnpm::ConfigPlan& plan) {
    nlohmann::json files = nlohmann::json::array();
    for (const pnpm::PlannedFile& f : plan.files) {
        files.push_back({{"path", f.path.string()},
                         {"symlink", f.link ? nlohmann::json(f.link->string()) : nlohmann::json()},
                         {"created", !f.existed},
                         {"diff", diff_of(f)}});
    }
    return files;
}

std::vector<std::string> paths_of(const std::vector<fs::path>& paths) {
    std::vector<std::string> out;
    for (const fs::path& p : paths) {
        out.push_back(p.string());
    }
    return out;
}

} // namespace

void print_planning(std::ostream& out, const PnpmPlanning& planning, bool user, std::size_t width) {
    const pnpm::ConfigPlan& plan = planning.plan;
    out << report::wrap_text("pnpm " + planning.version.text + " (" + planning.version_source +
                                 ") reads its settings from " + pnpm::file_name_of(plan.target),
                             width, 2)
        << "\n"
        << report::wrap_text("project: " + planning.root.string(), width, 2) << "\n\n";
    if (plan.changes.empty()) {
        out << "nothing to change: the speed settings are already in place\n";
    }
    print_plan(out, plan, width);
    if (planning.user_plan && !planning.user_plan->changes.empty()) {
        out << "\n"
            << report::wrap_text("for your own pnpm config (" + planning.user_file.string() +
                                     "; machine-specific, never the project's files)" +
                                     (user ? ":" : ", written with --user:"),
                                 width, 2)
            << "\n";
        print_plan(out, *planning.user_plan, width);
    } else if (planning.user_plan) {
        print_kept(out, planning.user_plan->kept, width);
    }
    std::vector<std::string> notes = plan.notes;
    if (planning.user_plan) {
        notes.insert(notes.end(), planning.user_plan->notes.begin(),
                     planning.user_plan->notes.end());
    }
    if (!planning.user_note.empty() && user) {
        notes.push_back(planning.user_note);
    }
    if (!notes.empty()) {
        out << "\nnotes:\n";
        for (const std::string& note : notes) {
            out << report::wrap_text("  - " + note, width, 4) << "\n";
        }
    }
    for (const pnpm::PlannedFile& f : plan.files) {
        out << "\n" << diff_of(f);
    }
    if (user && planning.user_plan) {
        for (const pnpm::PlannedFile& f : planning.user_plan->files) {
            out << "\n" << diff_of(f);
        }
    }
}

void print_written(std::ostream& out, const pnpm::ConfigPlan& plan,
                   const pnpm::RewriteResult& rewrite, const std::string& pnpm_version,
                   std::size_t width) {
    auto line = [&](const std::string& text) { out << report::wrap_text(text, width, 2) << "\n"; };
    for (const pnpm::PlannedFile& f : plan.files) {
        line((f.existed ? "wrote " : "created ") + display_name(f) +
             (f.link ? " (the file it links to: " + f.path.string() + ")" : ""));
    }
    for (const fs::path& b : rewrite.backups) {
        line("backup: " + b.string());
    }
    if (!rewrite.verified_by_pnpm.empty()) {
        line("verified: pnpm " + pnpm_version + " reads " +
             core::join(rewrite.verified_by_pnpm, ", ") + " with the new values");
    }
    for (const std::string& note : rewrite.notes) {
        line("note: " + note);
    }
}

nlohmann::json optimize_pnpm_json(const PnpmPlanning& planning, const OptimizeOutcome& outcome) {
    const pnpm::ConfigPlan& plan = planning.plan;
    nlohmann::json doc = {{"schema", "farm.optimize_pnpm/1"},
                          {"project", planning.root.string()},
                          {"pnpm_version", planning.version.text},
                          {"version_source", planning.version_source},
                          {"settings_file", pnpm::file_name_of(plan.target)},
                          {"mode", outcome.mode},
                          {"changes", changes_json(plan)},
                          {"kept", plan.kept},
                          {"files", files_json(plan)},
                          {"notes", plan.notes},
                          {"written", outcome.written},
                          {"not_written_because", outcome.not_written_because},
                          {"backups", paths_of(outcome.rewrite.backups)},
                          {"verified_by_pnpm", outcome.rewrite.verified_by_pnpm},
                          {"verification_notes", outcome.rewrite.notes}};
    nlohmann::json user = nullptr;
    if (planning.user_plan) {
        user = {{"file", planning.user_file.string()},
                {"changes", changes_json(*planning.user_plan)},
                {"kept", planning.user_plan->kept},
                {"notes", planning.user_plan->notes},
                {"files", files_json(*planning.user_plan)},
                {"written", outcome.user_written},
                {"backups", paths_of(outcome.user_rewrite.backups)},
                {"verified_by_pnpm", outcome.user_rewrite.verified_by_pnpm}};
    }
    doc["user_config"] = user;
    doc["measure"] = outcome.measured ? *outcome.measured : nlohmann::json();
    return doc;
}

} // namespace farm::commands
