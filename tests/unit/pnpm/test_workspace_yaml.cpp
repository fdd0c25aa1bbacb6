#include "farm/pnpm/workspace_yaml.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

using farm::pnpm::WorkspaceYaml;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t begin = 0;
    for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', begin)) {
        lines.push_back(text.substr(begin, nl + 1 - begin));
        begin = nl + 1;
    }
    lines.push_back(text.substr(begin));
    return lines;
}

// The lines of `before` and `after` are equal except line `changed` (0-based), which becomes
// `expected`.
void only_line_changed(const std::string& before, const std::string& after, std::size_t changed,
                       const std::string& expected) {
    std::vector<std::string> old_lines = lines_of(before);
    std::vector<std::string> new_lines = lines_of(after);
    REQUIRE(old_lines.size() == new_lines.size());
    for (std::size_t i = 0; i < old_lines.size(); ++i) {
        CHECK(new_lines[i] == (i == changed ? expected : old_lines[i]));
    }
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

std::string scalar(const std::string& text, const std::string& key) {
    return YAML::Load(text)[key].as<std::string>();
}

const std::string catalogs = "# Workspace\n"
                             "packages:\n"
                             "  - 'apps/*'\n"
                             "  - packages/*   # libraries\n"
                             "\n"
                             "catalog:\n"
                             "  react: ^18.3.1\n"
                             "overrides:\n"
                             "  \"foo@<1.2.0\": \">=1.2.0\"\n"
                             "networkConcurrency: 8 # the proxy limits us\n"
                             "storeDir: \"/mnt/store\"\n"
                             "sideEffectsCache: true\n";

} // namespace

TEST_CASE("pnpm::WorkspaceYaml keeps every byte of a file it only reads") {
    std::vector<std::string> corpus = {
        "",
        "# nothing but a comment",
        "---\n",
        catalogs,
        "---\r\npackages:\r\n- a/*\r\nbase: &b\r\n  x: 1\r\nother: *b\r\npreferOffline: true\r\n",
        "packages: [apps/*, 'packages/*']\nlist: [\n  a,\n  b, # c\n]\nflag: true",
        "note: |\n  text: with a colon\n  [not a flow\nkey: 'it''s'\n\"quoted key\": \"v\"\n",
        "  # indented comment\npackages:\n  - a\n...\n",
        "catalogs:\n  default:\n    zod: ^3\n    '@types/node': ^20\n",
    };
    for (const std::string& text : corpus) {
        CAPTURE(text);
        CHECK(WorkspaceYaml::parse(text, "pnpm-workspace.yaml").text() == text);
    }
}

TEST_CASE("pnpm::WorkspaceYaml changes only the value of an existing setting") {
    WorkspaceYaml yaml = WorkspaceYaml::parse(catalogs, "pnpm-workspace.yaml");
    CHECK(yaml.set("networkConcurrency", "16"));
    only_line_changed(catalogs, yaml.text(), 9, "networkConcurrency: 16 # the proxy limits us\n");
    CHECK(yaml.get("networkConcurrency") == "16");

    std::string before = yaml.text();
    CHECK(yaml.set("storeDir", "/data/pnpm store"));
    only_line_changed(before, yaml.text(), 10, "storeDir: '/data/pnpm store'\n");
    CHECK(scalar(yaml.text(), "storeDir") == "/data/pnpm store");

    before = yaml.text();
    CHECK(yaml.set("sideEffectsCache", "false"));
    only_line_changed(before, yaml.text(), 11, "sideEffectsCache: false\n");

    std::string crlf = "a: 1\r\nsideEffectsCache: true   # fast\r\nb: 2\r\n";
    WorkspaceYaml windows = WorkspaceYaml::parse(crlf, "w.yaml");
    CHECK(windows.set("sideEffectsCache", "false"));
    CHECK(windows.text() == "a: 1\r\nsideEffectsCache: false   # fast\r\nb: 2\r\n");

    WorkspaceYaml empty_value = WorkspaceYaml::parse("storeDir:\nx: # later\n", "w.yaml");
    CHECK(empty_value.set("storeDir", "/s"));
    CHECK(empty_value.set("x", "1"));
    CHECK(empty_value.text() == "storeDir: /s\nx: 1 # later\n");
}

TEST_CASE("pnpm::WorkspaceYaml appends a new setting at the end of the document") {
    struct Case {
        std::string before;
        std::string after;
    };
    std::vector<Case> cases = {
        {"", "preferOffline: true\n"},
        {"# settings\n", "# settings\npreferOffline: true\n"},
        {"---", "---\npreferOffline: true\n"},
        {"packages:\n  - a\n", "packages:\n  - a\npreferOffline: true\n"},
        {"packages:\n  - a", "packages:\n  - a\npreferOffline: true\n"},
        {"packages:\r\n  - a\r\n", "packages:\r\n  - a\r\npreferOffline: true\r\n"},
        {"packages:\r\n  - a", "packages:\r\n  - a\r\npreferOffline: true\r\n"},
        {"packages: [a]\n...\n# end\n", "packages: [a]\npreferOffline: true\n...\n# end\n"},
        {"note: |\n  text\n\n# last\n", "note: |\n  text\n\n# last\npreferOffline: true\n"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.before);
        WorkspaceYaml yaml = WorkspaceYaml::parse(c.before, "pnpm-workspace.yaml");
        CHECK(yaml.set("preferOffline", "true"));
        CHECK(yaml.text() == c.after);
        CHECK(yaml.get("preferOffline") == "true");
        CHECK(scalar(yaml.text(), "preferOffline") == "true");
    }
}

TEST_CASE("pnpm::WorkspaceYaml changes nothing when the value is already there") {
    WorkspaceYaml yaml = WorkspaceYaml::parse(catalogs, "pnpm-workspace.yaml");
    CHECK_FALSE(yaml.set("sideEffectsCache", "true"));
    CHECK(yaml.set("packageImportMethod", "auto"));
    std::string once = yaml.text();
    CHECK_FALSE(yaml.set("packageImportMethod", "auto"));
    CHECK(yaml.text() == once);
    // "/mnt/store" is a string quoted or not; '8' would be a string where 8 is a number.
    CHECK_FALSE(yaml.set("storeDir", "/mnt/store"));
    WorkspaceYaml quoted = WorkspaceYaml::parse("networkConcurrency: '8'\n", "w.yaml");
    CHECK(quoted.set("networkConcurrency", "8"));
    CHECK(quoted.text() == "networkConcurrency: 8\n");
}

TEST_CASE("pnpm::WorkspaceYaml never replaces a list or a mapping") {
    WorkspaceYaml yaml = WorkspaceYaml::parse(catalogs, "pnpm-workspace.yaml");
    std::string message = usage_error([&] { yaml.set("packages", "apps/*"); });
    CHECK(message.find("pnpm-workspace.yaml:2:1:") == 0);
    CHECK(message.find("`packages`") != std::string::npos);
    CHECK(usage_error([&] { yaml.set("catalog", "x"); }).find(":6:1:") != std::string::npos);
    CHECK(usage_error([&] { yaml.erase("overrides"); }).find("`overrides`") != std::string::npos);
    CHECK(yaml.text() == catalogs);

    WorkspaceYaml flow = WorkspaceYaml::parse("packages: [a, b]\nx: {a: 1}\n", "w.yaml");
    CHECK(usage_error([&] { flow.set("packages", "a"); }).find("w.yaml:1:1:") == 0);
    CHECK(usage_error([&] { flow.set("x", "a"); }).find("w.yaml:2:1:") == 0);
    WorkspaceYaml column0 = WorkspaceYaml::parse("packages:\n- a\n- b\n", "w.yaml");
    CHECK(usage_error([&] { column0.set("packages", "a"); }).find("`packages`") !=
          std::string::npos);
    CHECK(column0.text() == "packages:\n- a\n- b\n");
}

TEST_CASE("pnpm::WorkspaceYaml refuses lines it cannot read with certainty") {
    std::vector<std::string> refused = {
        "storeDir: &dir /store\n",
        "base: &dir /store\nstoreDir: *dir\n",
        "storeDir: !!str /store\n",
        "storeDir: /store\n  /continued\n",
        "storeDir: \"/store\n  continued\"\n",
        "storeDir: |\n  /store\n",
        "storeDir: /a\nstoreDir: /b\n",
    };
    for (const std::string& text : refused) {
        CAPTURE(text);
        WorkspaceYaml yaml = WorkspaceYaml::parse(text, "w.yaml");
        std::string message = usage_error([&] { yaml.set("storeDir", "/elsewhere"); });
        CHECK(message.find("w.yaml:") == 0);
        CHECK(yaml.text() == text);
    }
    // An odd line elsewhere does not block editing a plain one.
    WorkspaceYaml mixed = WorkspaceYaml::parse("note: |\n  a: [b\nk: &x v\nm: 1\n", "w.yaml");
    CHECK(mixed.set("m", "2"));
    CHECK(mixed.text() == "note: |\n  a: [b\nk: &x v\nm: 2\n");
}

TEST_CASE("pnpm::WorkspaceYaml reads quoted keys and values") {
    std::string text = "\"sideEffectsCache\": true\n"
                       "'storeDir': '/it''s here' # note\n"
                       "networkConcurrency: \"16\"\n"
                       "anchored: &v shared\n"
                       "alias: *v\n"
                       "packages: [a]\n"
                       "empty:\n";
    WorkspaceYaml yaml = WorkspaceYaml::parse(text, "w.yaml");
    CHECK(yaml.get("sideEffectsCache") == "true");
    CHECK(yaml.get("storeDir") == "/it's here");
    CHECK(yaml.get("networkConcurrency") == "16");
    CHECK(yaml.get("alias") == "shared");
    CHECK(yaml.get("packages") == std::nullopt);
    CHECK(yaml.get("empty") == std::nullopt);
    CHECK(yaml.get("absent") == std::nullopt);

    CHECK(yaml.set("storeDir", "/b"));
    only_line_changed(text, yaml.text(), 1, "'storeDir': /b # note\n");
    CHECK(yaml.set("sideEffectsCache", "false"));
    CHECK(yaml.text().starts_with("\"sideEffectsCache\": false\n"));
}

TEST_CASE("pnpm::WorkspaceYaml quotes values that need it") {
    WorkspaceYaml yaml = WorkspaceYaml::parse("a: 1\n", "w.yaml");
    std::vector<std::string> values = {"it's", "@scope/pkg", "null", "~",      "",
                                       "a b",  "x:",         "#1",   "- x",    "{a}",
                                       "é",    "~/store",    "-3",   "C:/pnpm"};
    for (const std::string& value : values) {
        CAPTURE(value);
        CHECK(yaml.set("value", value));
        CHECK(yaml.get("value") == value);
        CHECK(scalar(yaml.text(), "value") == value);
    }
    CHECK(yaml.text() == "a: 1\nvalue: C:/pnpm\n");
    CHECK(yaml.set("@scope/key", "x"));
    CHECK(yaml.text().ends_with("'@scope/key': x\n"));
    usage_error([&] { yaml.set("value", "two\nlines"); });
}

TEST_CASE("pnpm::WorkspaceYaml erases a setting's line") {
    WorkspaceYaml yaml = WorkspaceYaml::parse(catalogs, "w.yaml");
    CHECK(yaml.erase("networkConcurrency"));
    CHECK(yaml.get("networkConcurrency") == std::nullopt);
    std::string expected = catalogs;
    std::size_t line = expected.find("networkConcurrency");
    expected.erase(line, expected.find('\n', line) + 1 - line);
    CHECK(yaml.text() == expected);
    CHECK_FALSE(yaml.erase("networkConcurrency"));

    WorkspaceYaml last = WorkspaceYaml::parse("a: 1\r\nb: 2", "w.yaml");
    CHECK(last.erase("b"));
    CHECK(last.text() == "a: 1\r\n");
    CHECK(last.erase("a"));
    CHECK(last.text() == "");
}

TEST_CASE("pnpm::WorkspaceYaml reports invalid YAML with its line and column") {
    CHECK(usage_error([] {
              WorkspaceYaml::parse("a: 1\nb: c: d\n", "ws.yaml");
          }).find("ws.yaml:2:5: not valid YAML (") == 0);
    CHECK(usage_error([] {
              WorkspaceYaml::parse("a: 1\nb: [x, y\nc: 2\n", "ws.yaml");
          }).find("ws.yaml:3:2: not valid YAML (") == 0);
    // yaml-cpp refuses tab indentation itself, before the editor would.
    CHECK(usage_error([] {
              WorkspaceYaml::parse("a: 1\nstoreDir: /a\n\tb: 2\n", "ws.yaml");
          }).find("ws.yaml:3:1: not valid YAML (") == 0);
    CHECK(usage_error([] {
              WorkspaceYaml::parse("- a\n- b\n", "ws.yaml");
          }).find("ws.yaml:1:1: ") == 0);
    CHECK(usage_error([] {
              WorkspaceYaml::parse("just text\n", "ws.yaml");
          }).find("must be a mapping") != std::string::npos);
}

TEST_CASE("pnpm::WorkspaceYaml leaves the text alone when an edit would not read back") {
    // A kept block scalar at the very end would gain the newline the appended line needs.
    std::string text = "note: |+\n  text";
    WorkspaceYaml yaml = WorkspaceYaml::parse(text, "w.yaml");
    CHECK_THROWS_AS(yaml.set("preferOffline", "true"), farm::Error);
    CHECK(yaml.text() == text);
}

TEST_CASE("pnpm::WorkspaceYaml edits the fixture files in place") {
    struct Fixture {
        std::string name;
        std::string key;
        std::string value;
        std::size_t line; // 0-based line of `key`
        std::string edited;
        std::string newline;
    };
    std::vector<Fixture> fixtures = {
        {"catalogs-overrides.yaml", "sideEffectsCache", "true", 24,
         "sideEffectsCache: true # turned off while debugging the cache\n", "\n"},
        {"crlf-anchors.yaml", "packageImportMethod", "auto", 22,
         "packageImportMethod: auto   # the store is on another disk\r\n", "\r\n"},
        {"flow-no-newline.yaml", "preferOffline", "false", 11, "preferOffline: false", "\n"},
    };
    for (const Fixture& f : fixtures) {
        CAPTURE(f.name);
        std::string text = farm::core::read_text_file(std::string(FARM_TEST_FIXTURES) +
                                                      "/workspace_yaml/" + f.name);
        WorkspaceYaml yaml = WorkspaceYaml::parse(text, f.name);
        CHECK(yaml.text() == text);
        CHECK_THROWS_AS(yaml.set("packages", "x"), farm::UsageError);

        CHECK(yaml.set(f.key, f.value));
        only_line_changed(text, yaml.text(), f.line, f.edited);

        std::string edited = yaml.text();
        CHECK(yaml.set("childConcurrency", "2"));
        std::string appended = yaml.text();
        std::string tail = "childConcurrency: 2" + f.newline;
        CHECK(appended.ends_with(tail));
        std::string head = appended.substr(0, appended.size() - tail.size());
        CHECK(head == (edited.ends_with("\n") ? edited : edited + f.newline));
        CHECK(scalar(appended, "childConcurrency") == "2");
        CHECK_FALSE(yaml.set("childConcurrency", "2"));
    }
}
