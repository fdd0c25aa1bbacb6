#include "farm/pnpm/config_plan.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/project_settings.hpp"
#include "farm/pnpm/workspace_yaml.hpp"
#include "support/files.hpp"
#include "support/pnpm_version.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

using namespace farm::pnpm;
namespace fs = std::filesystem;

namespace {

using farm::test::version;

// Lines with their endings: comparing lines also compares line endings.
std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::size_t n = end == std::string_view::npos ? text.size() : end + 1;
        out.emplace_back(text.substr(0, n));
        text.remove_prefix(n);
    }
    return out;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

// The key of an .npmrc line as npm's ini splits it, or "" for comments and blank lines.
std::string npmrc_key(const std::string& line) {
    std::string t = trimmed(line);
    if (t.empty() || t[0] == '#' || t[0] == ';' || t[0] == '[') {
        return "";
    }
    return trimmed(std::string_view(t).substr(0, t.find('=')));
}

// The top-level key of a YAML line (column 0, plain or quoted), or "".
std::string yaml_key(const std::string& line) {
    if (line.empty() || std::isspace(static_cast<unsigned char>(line[0])) || line[0] == '#' ||
        line[0] == '-') {
        return "";
    }
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
        return "";
    }
    std::string key = line.substr(0, colon);
    if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'') && key.back() == key[0]) {
        key = key.substr(1, key.size() - 2);
    }
    return key;
}

// Credentials, registries, proxies and certificates, judged here on their own (not with the
// library's list) so that a narrower list in the library shows up.
bool sensitive_npmrc_line(const std::string& line) {
    std::string key = npmrc_key(line);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (key.empty()) {
        return false;
    }
    for (const char* part : {"//", "registry", "_auth", "token", "password", "proxy", "cafile",
                             "cert", "strict-ssl", "always-auth", "username", "email"}) {
        if (key.find(part) != std::string::npos) {
            return true;
        }
    }
    return key == "ca" || key == "ca[]" || key == "key" || key == "keyfile";
}

std::vector<std::string> sensitive_lines(const std::string& text) {
    std::vector<std::string> out;
    for (const std::string& line : lines_of(text)) {
        if (sensitive_npmrc_line(line)) {
            out.push_back(line);
        }
    }
    return out;
}

// Is `line` one the plan may own in a file of kind `which`?
bool owned_line(const std::string& line, SettingsFile which, const ConfigPlan& plan) {
    std::string key = which == SettingsFile::npmrc ? npmrc_key(line) : yaml_key(line);
    if (key.empty()) {
        return false;
    }
    for (const SettingChange& c : plan.changes) {
        if (c.file == which && c.key == key) {
            return true;
        }
        if (which == SettingsFile::npmrc && c.migrated && camel_case(key) == c.key) {
            return true;
        }
    }
    return false;
}

// (a) Every line of `before` that the plan does not own is in `after`, byte for byte and in
// order. The last line of a file without a final newline may gain one.
void check_unowned_lines_kept(const std::string& before, const std::string& after,
                              SettingsFile which, const ConfigPlan& plan) {
    std::vector<std::string> old_lines = lines_of(before);
    std::vector<std::string> new_lines = lines_of(after);
    std::size_t at = 0;
    for (std::size_t i = 0; i < old_lines.size(); ++i) {
        const std::string& line = old_lines[i];
        if (owned_line(line, which, plan)) {
            continue;
        }
        bool unterminated = !line.ends_with('\n');
        std::size_t found = at;
        while (found < new_lines.size() &&
               !(new_lines[found] == line ||
                 (unterminated &&
                  (new_lines[found] == line + "\n" || new_lines[found] == line + "\r\n")))) {
            ++found;
        }
        CHECK_MESSAGE(found < new_lines.size(),
                      "line " << i + 1 << " of the original is missing or out of order: " << line);
        if (found < new_lines.size()) {
            at = found + 1;
        }
    }
}

bool all_crlf(const std::string& text) {
    std::size_t lf = std::count(text.begin(), text.end(), '\n');
    if (lf == 0) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            return false;
        }
    }
    return true;
}

std::string usage_error(const std::function<void()>& action) {
    try {
        action();
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL("no farm::UsageError was thrown");
    return "";
}

fs::path project(const std::string& name) {
    fs::path root = farm::test::fresh_folder("config_plan", name);
    farm::test::write_file(root / "package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
    return root;
}

void write_plan_files(const ConfigPlan& plan) {
    for (const PlannedFile& f : plan.files) {
        farm::test::write_file(f.path, f.after);
    }
}

const PlannedFile* file_of(const ConfigPlan& plan, SettingsFile which) {
    for (const PlannedFile& f : plan.files) {
        if (f.which == which) {
            return &f;
        }
    }
    return nullptr;
}

const SettingChange* change_of(const ConfigPlan& plan, const std::string& key) {
    const SettingChange* last = nullptr;
    for (const SettingChange& c : plan.changes) {
        if (c.key == key) {
            last = &c;
        }
    }
    return last;
}

std::string read(const fs::path& path) {
    return farm::core::read_text_file(path);
}

std::optional<std::string> value_in(const fs::path& root, SettingsFile which,
                                    const std::string& key) {
    if (which == SettingsFile::npmrc) {
        return Npmrc::parse(read(root / ".npmrc")).get(key);
    }
    fs::path yaml = root / "pnpm-workspace.yaml";
    return WorkspaceYaml::parse(read(yaml), yaml.string()).get(key);
}

struct Fixture {
    std::string name;
    SettingsFile kind;
    std::string text;
};

std::vector<Fixture> corpus() {
    std::vector<Fixture> out;
    for (auto [dir, kind] : {std::pair{"npmrc", SettingsFile::npmrc},
                             std::pair{"workspace_yaml", SettingsFile::workspace_yaml}}) {
        for (const fs::directory_entry& e :
             fs::directory_iterator(fs::path(FARM_TEST_FIXTURES) / dir)) {
            if (e.path().filename() == "README.md") {
                continue; // where the fixtures came from, not one of them
            }
            out.push_back(
                {std::string(dir) + "/" + e.path().filename().string(), kind, read(e.path())});
        }
    }
    std::sort(out.begin(), out.end(),
              [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
    return out;
}

struct Run {
    std::string version;
    bool migrate;
};

} // namespace

TEST_CASE("pnpm::plan_config on every fixture keeps the file's other bytes and is idempotent") {
    std::vector<Fixture> fixtures = corpus();
    REQUIRE(fixtures.size() >= 10);
    int planned = 0;
    for (const Fixture& fixture : fixtures) {
        for (Run run : {Run{"9.15.0", false}, Run{"12.21.0", false}, Run{"12.21.0", true}}) {
            CAPTURE(fixture.name);
            CAPTURE(run.version);
            CAPTURE(run.migrate);
            std::string folder = fixture.name + "-" + run.version + (run.migrate ? "-m" : "");
            std::replace(folder.begin(), folder.end(), '/', '_');
            fs::path root = project(folder);
            fs::path original_path =
                root / (fixture.kind == SettingsFile::npmrc ? ".npmrc" : "pnpm-workspace.yaml");
            farm::test::write_file(original_path, fixture.text);
            PlanOptions options;
            options.facts = {8, fixture.kind == SettingsFile::workspace_yaml};
            options.migrate = run.migrate;

            // An .npmrc that farm must rewrite and cannot read is refused, naming the line.
            bool npmrc_edited =
                fixture.kind == SettingsFile::npmrc && (run.version == "9.15.0" || run.migrate);
            std::vector<std::size_t> bad = Npmrc::parse(fixture.text).malformed_lines();
            if (npmrc_edited && !bad.empty()) {
                std::string message =
                    usage_error([&] { plan_config(root, version(run.version), options); });
                CHECK(message.find(".npmrc:" + std::to_string(bad.front()) + ":1:") !=
                      std::string::npos);
                CHECK(read(original_path) == fixture.text);
                continue;
            }

            ConfigPlan plan = plan_config(root, version(run.version), options);
            CHECK(plan.target ==
                  (run.version == "9.15.0" ? SettingsFile::npmrc : SettingsFile::workspace_yaml));
            CHECK(read(original_path) == fixture.text); // planning writes nothing
            for (const PlannedFile& f : plan.files) {
                CAPTURE(f.path);
                CHECK(f.after != f.before);
                CHECK(f.existed == fs::exists(f.path));
                CHECK(f.before == (f.existed ? read(f.path) : ""));
                // pnpm 11+ ignores settings in .npmrc: nothing is written there without --migrate.
                if (run.version == "12.21.0" && !run.migrate) {
                    CHECK(f.which == SettingsFile::workspace_yaml);
                }
                // (a) the lines the plan does not own stay, byte for byte and in order.
                check_unowned_lines_kept(f.before, f.after, f.which, plan);
                // (b) credentials, registries, proxies and certificates are untouched.
                if (f.which == SettingsFile::npmrc) {
                    CHECK(sensitive_lines(f.after) == sensitive_lines(f.before));
                } else {
                    // Nothing about credentials or registries is carried into the YAML.
                    std::vector<std::string> kept = lines_of(f.before);
                    for (const std::string& line : lines_of(f.after)) {
                        if (std::find(kept.begin(), kept.end(), line) == kept.end()) {
                            CAPTURE(line);
                            CHECK_FALSE(sensitive_npmrc_line(yaml_key(line) + "=x"));
                        }
                    }
                }
                // (e) a CRLF file stays CRLF, added lines included.
                if (all_crlf(f.before)) {
                    CHECK_MESSAGE(all_crlf(f.after), "not CRLF throughout:\n" << f.after);
                }
            }
            if (fixture.kind == SettingsFile::npmrc && run.version == "9.15.0") {
                CHECK(file_of(plan, SettingsFile::workspace_yaml) == nullptr);
            }
            write_plan_files(plan);

            // (d) the written files parse and read the planned value of each key (the last
            // change of a key is its final value).
            for (const SettingChange& c : plan.changes) {
                CAPTURE(c.key);
                if (change_of(plan, c.key) != &c || c.new_value.empty()) {
                    continue;
                }
                CHECK(value_in(root, c.file, c.key) == c.new_value);
            }
            if (run.migrate && fs::exists(root / ".npmrc")) {
                // Nothing but what cannot move is left in .npmrc as a setting.
                Npmrc after = Npmrc::parse(read(root / ".npmrc"));
                std::string text = read(root / ".npmrc");
                for (const NpmrcEntry& e : after.entries()) {
                    CAPTURE(e.key);
                    CHECK((is_protected_key(e.key) || e.key.ends_with("[]") ||
                           e.value.find("${") != std::string::npos ||
                           npmrc_line_commented(text, e.key)));
                }
            }

            // (c) planning again on the result changes nothing.
            ConfigPlan again = plan_config(root, version(run.version), options);
            CHECK(again.files.empty());
            CHECK(again.changes.empty());
            CHECK_FALSE(again.has_changes());
            ++planned;
        }
    }
    CHECK(planned >= 25);
}
