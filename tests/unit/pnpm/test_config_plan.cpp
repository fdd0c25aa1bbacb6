#include "farm/pnpm/config_plan.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/project_settings.hpp"
#include "farm/pnpm/workspace_yaml.hpp"
#include "support/files.hpp"

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

Version version(const std::string& text) {
    std::optional<Version> parsed = parse_version(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

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

bool has_note(const ConfigPlan& plan, const std::string& part) {
    return std::any_of(plan.notes.begin(), plan.notes.end(),
                       [&](const std::string& n) { return n.find(part) != std::string::npos; });
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

TEST_CASE("pnpm::plan_config writes nothing that is already pnpm's default") {
    PlanOptions options;
    options.facts = {16, false};
    ConfigPlan empty = plan_config(project("defaults-empty"), version("9.15.0"), options);
    // sideEffectsCache is pnpm 9's default; concurrency is the machine's, not the project's.
    CHECK(empty.changes.empty());
    CHECK(empty.files.empty());
    CHECK_FALSE(empty.has_changes());
    // preferOffline is advised as a flag for CI, never written.
    CHECK(has_note(empty, "pnpm install --frozen-lockfile --prefer-offline"));
}

TEST_CASE("pnpm::plan_config keeps every value the project set, and reports it") {
    fs::path root = project("explicit");
    std::string before = "prefer-offline=false\nside-effects-cache=false\nchild-concurrency=2\n";
    farm::test::write_file(root / ".npmrc", before);
    PlanOptions options;
    options.facts = {16, false};
    ConfigPlan plan = plan_config(root, version("9.15.0"), options);
    CHECK(plan.changes.empty());
    CHECK(plan.files.empty());
    REQUIRE(plan.kept.size() == 2);
    CHECK(plan.kept[0].find("side-effects-cache false, set by the project") != std::string::npos);
    CHECK(plan.kept[0].find("--force sideEffectsCache") != std::string::npos);
    CHECK(plan.kept[1] == "prefer-offline false, set by the project in .npmrc");
    CHECK_FALSE(has_note(plan, "prefer-offline")); // the project's choice: no advice against it

    SUBCASE("--force KEY replaces it, in either spelling") {
        for (const char* key : {"sideEffectsCache", "side-effects-cache"}) {
            options.force = {key};
            ConfigPlan forced = plan_config(root, version("9.15.0"), options);
            const SettingChange* change = change_of(forced, "side-effects-cache");
            REQUIRE(change != nullptr);
            CHECK(change->old_value == std::optional<std::string>("false"));
            CHECK(change->new_value == "true");
            REQUIRE(forced.files.size() == 1);
            CHECK(forced.files[0].after ==
                  "prefer-offline=false\nside-effects-cache=true\nchild-concurrency=2\n");
        }
    }
}

TEST_CASE("pnpm::plan_config on pnpm 11 and 12 leaves .npmrc settings alone and says why") {
    for (const char* v : {"11.0.0", "12.21.0"}) {
        CAPTURE(v);
        fs::path root = project(std::string("ignored-") + v);
        std::string npmrc = "registry=https://registry.npmjs.org/\nprefer-offline=false\n"
                            "save-exact=true\n";
        farm::test::write_file(root / ".npmrc", npmrc);
        ConfigPlan plan = plan_config(root, version(v), PlanOptions{{4, false}, false, false, {}});
        CHECK(file_of(plan, SettingsFile::npmrc) == nullptr);
        CHECK(has_note(plan, ".npmrc line 2: prefer-offline is ignored by pnpm " + std::string(v)));
        CHECK(has_note(plan, "save-exact is ignored"));
        CHECK_FALSE(has_note(plan, "registry is ignored"));
        // pnpm does not read prefer-offline=false from .npmrc: not the project's choice, so
        // the advice about the flag is given.
        CHECK(has_note(plan, "--prefer-offline"));
        CHECK(plan.kept.empty());
        CHECK(read(root / ".npmrc") == npmrc);
    }
}

TEST_CASE("pnpm::plan_config on pnpm 10.6+ notes a key set in both files") {
    fs::path root = project("both-files");
    farm::test::write_file(root / ".npmrc", "prefer-offline=true\nchild-concurrency=2\n");
    farm::test::write_file(root / "pnpm-workspace.yaml", "packages:\n  - apps/*\n"
                                                         "preferOffline: true\n");
    ConfigPlan plan = plan_config(root, version("10.34.0"), PlanOptions{{4, true}, false, false, {}});
    CHECK(has_note(plan, "prefer-offline is set in both .npmrc (line 1) and pnpm-workspace.yaml"));
    CHECK_FALSE(has_note(plan, "child-concurrency is set in both"));
    // Concurrency is the machine's business: never planned for the project's files.
    CHECK(change_of(plan, "childConcurrency") == nullptr);
    CHECK(file_of(plan, SettingsFile::npmrc) == nullptr);
}

TEST_CASE("pnpm::plan_config --migrate moves settings to the YAML and leaves auth in place") {
    fs::path root = project("migrate");
    std::string npmrc = "; company settings\r\n"
                        "registry=https://registry.npmjs.org/\r\n"
                        "@acme:registry=https://npm.pkg.github.com/\r\n"
                        "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\r\n"
                        "https-proxy=http://proxy.example.com:3128/\r\n"
                        "save-exact=true\r\n"
                        "public-hoist-pattern[]=*eslint*\r\n"
                        "node-options=${NODE_OPTIONS}\r\n"
                        "auto-install-peers=false\r\n"
                        "strict-peer-dependencies=false\r\n";
    farm::test::write_file(root / ".npmrc", npmrc);
    std::string yaml = "packages:\n  - apps/*\nstrictPeerDependencies: true # on purpose\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    PlanOptions options{{8, true}, false, true, {}};
    ConfigPlan plan = plan_config(root, version("12.21.0"), options);

    const PlannedFile* rc = file_of(plan, SettingsFile::npmrc);
    REQUIRE(rc != nullptr);
    CHECK(rc->after == "; company settings\r\n"
                       "registry=https://registry.npmjs.org/\r\n"
                       "@acme:registry=https://npm.pkg.github.com/\r\n"
                       "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\r\n"
                       "https-proxy=http://proxy.example.com:3128/\r\n"
                       "public-hoist-pattern[]=*eslint*\r\n"
                       "node-options=${NODE_OPTIONS}\r\n");
    CHECK(has_note(plan, ".npmrc line 7 (public-hoist-pattern[]) is left in place"));
    CHECK(has_note(plan, ".npmrc line 8 (node-options) is left in place"));

    const PlannedFile* ws = file_of(plan, SettingsFile::workspace_yaml);
    REQUIRE(ws != nullptr);
    WorkspaceYaml parsed = WorkspaceYaml::parse(ws->after, "pnpm-workspace.yaml");
    CHECK(parsed.get("saveExact") == std::optional<std::string>("true"));
    CHECK(parsed.get("autoInstallPeers") == std::optional<std::string>("false"));
    // Already in the YAML: kept there as it is, only removed from .npmrc.
    CHECK(parsed.get("strictPeerDependencies") == std::optional<std::string>("true"));
    CHECK(ws->after.starts_with(yaml));
    CHECK(ws->after.find("registry") == std::string::npos);
    CHECK(ws->after.find("Token") == std::string::npos);
    CHECK(ws->after.find("proxy") == std::string::npos);
    const SettingChange* strict = change_of(plan, "strictPeerDependencies");
    REQUIRE(strict != nullptr);
    CHECK(strict->migrated);
    CHECK(strict->new_value == "true");
    CHECK(strict->why.find("already in pnpm-workspace.yaml") != std::string::npos);
    const SettingChange* exact = change_of(plan, "saveExact");
    REQUIRE(exact != nullptr);
    CHECK(exact->migrated);
    CHECK(exact->file == SettingsFile::workspace_yaml);
}

TEST_CASE("pnpm::plan_config refuses --migrate before pnpm 10.6") {
    fs::path root = project("migrate-old");
    farm::test::write_file(root / ".npmrc", "save-exact=true\n");
    for (const char* v : {"9.15.0", "10.5.0"}) {
        CAPTURE(v);
        std::string message = usage_error([&] {
            plan_config(root, version(v), PlanOptions{{4, false}, false, true, {}});
        });
        CHECK(message.find("--migrate") != std::string::npos);
        CHECK(message.find(v) != std::string::npos);
    }
    CHECK_NOTHROW(plan_config(root, version("10.6.0"), PlanOptions{{4, false}, false, true, {}}));
}

TEST_CASE("pnpm::plan_config refuses an .npmrc it would rewrite and cannot read") {
    fs::path root = project("malformed");
    std::string npmrc = "prefer-offline=false\n# fine\nthis is not a setting\n";
    farm::test::write_file(root / ".npmrc", npmrc);
    std::string message = usage_error([&] {
        plan_config(root, version("9.15.0"), PlanOptions{{4, false}, false, false, {}});
    });
    CHECK(message.find((root / ".npmrc").string() + ":3:1:") != std::string::npos);
    CHECK(read(root / ".npmrc") == npmrc);
    // pnpm 12 does not read it, and farm does not edit it: no reason to refuse.
    CHECK_NOTHROW(plan_config(root, version("12.21.0"), PlanOptions{{4, false}, false, false, {}}));
}

TEST_CASE("pnpm::plan_config refuses a pnpm-workspace.yaml that does not parse") {
    fs::path root = project("bad-yaml");
    std::string yaml = "packages:\n  - apps/*\ncatalog: {react: ^18\npreferOffline: false\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    std::optional<ConfigPlan> plan;
    std::string message = usage_error([&] {
        plan = plan_config(root, version("12.21.0"), PlanOptions{{4, true}, false, false, {}});
    });
    CHECK_FALSE(plan.has_value());
    // FILE:LINE:COLUMN, the line being the one of the unclosed flow mapping or after it.
    std::smatch where;
    REQUIRE_MESSAGE(
        std::regex_search(message, where, std::regex(R"(pnpm-workspace\.yaml:(\d+):(\d+):)")),
        message);
    CHECK(std::stoi(where[1]) >= 3);
    CHECK(std::stoi(where[2]) >= 1);
    CHECK(read(root / "pnpm-workspace.yaml") == yaml);
}

TEST_CASE("pnpm::plan_config creates a settings-only YAML for a single-package project") {
    fs::path root = project("single");
    ConfigPlan plan = plan_config(root, version("10.34.0"), PlanOptions{{8, false}, false, false, {}});
    REQUIRE(plan.files.size() == 1);
    const PlannedFile& created = plan.files.front();
    CHECK(created.which == SettingsFile::workspace_yaml);
    CHECK(created.path == root / "pnpm-workspace.yaml");
    CHECK_FALSE(created.existed);
    CHECK(created.before.empty());
    CHECK(created.after.find("packages") == std::string::npos);
    WorkspaceYaml parsed = WorkspaceYaml::parse(created.after, "pnpm-workspace.yaml");
    CHECK(parsed.get("optimisticRepeatInstall") == std::optional<std::string>("true"));
    CHECK(parsed.get("preferOffline") == std::nullopt);
    CHECK(parsed.get("childConcurrency") == std::nullopt);
    // pnpm's defaults are not repeated.
    CHECK(parsed.get("sideEffectsCache") == std::nullopt);
    CHECK_FALSE(fs::exists(root / "pnpm-workspace.yaml"));
}

TEST_CASE("pnpm::plan_config adds nodeLinker only with layout, with its warning") {
    fs::path root = project("layout");
    ConfigPlan without =
        plan_config(root, version("12.21.0"), PlanOptions{{8, false}, false, false, {}});
    CHECK(change_of(without, "nodeLinker") == nullptr);
    ConfigPlan with = plan_config(root, version("12.21.0"), PlanOptions{{8, false}, true, false, {}});
    const SettingChange* linker = change_of(with, "nodeLinker");
    REQUIRE(linker != nullptr);
    CHECK(linker->new_value == "hoisted");
    CHECK(linker->changes_layout);
    CHECK_FALSE(linker->warning.empty());
    for (const SettingChange& c : with.changes) {
        CHECK(c.changes_layout == (c.key == "nodeLinker"));
    }
    ConfigPlan old = plan_config(root, version("9.15.0"), PlanOptions{{8, false}, true, false, {}});
    REQUIRE(change_of(old, "node-linker") != nullptr);
    CHECK(change_of(old, "node-linker")->changes_layout);
}

TEST_CASE("pnpm::plan_config on pnpm 9 notes the settings its YAML holds in vain") {
    fs::path root = project("yaml-on-9");
    std::string yaml = "packages:\n  - apps/*\nsideEffectsCache: false\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    ConfigPlan plan = plan_config(root, version("9.15.0"), PlanOptions{{8, true}, false, false, {}});
    CHECK(has_note(plan, "sideEffectsCache in pnpm-workspace.yaml is ignored by pnpm 9.15.0"));
    CHECK(file_of(plan, SettingsFile::workspace_yaml) == nullptr);
    // pnpm 9 does not read it: not the project's choice, and pnpm's default is already true.
    CHECK(plan.kept.empty());
}
