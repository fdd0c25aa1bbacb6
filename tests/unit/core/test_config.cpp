#include "farm/core/config.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::core;

namespace {

fs::path fresh(const std::string& name) {
    return farm::test::fresh_folder("config", name);
}

void write(const fs::path& file, const std::string& text) {
    farm::test::write_file(file, text);
}

std::string error_of(const fs::path& root, const std::optional<fs::path>& explicit_path = {}) {
    try {
        load_config(root, explicit_path);
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL_CHECK("load_config did not throw farm::UsageError");
    return {};
}

// Writes farm.config.json with `text` and returns the error loading it gives.
std::string error_for(const std::string& name, const std::string& text) {
    fs::path root = fresh(name);
    write(root / "farm.config.json", text);
    return error_of(root);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

using Bytes = std::optional<std::int64_t>;

} // namespace

TEST_CASE("core::parse_size") {
    SUBCASE("valid sizes") {
        CHECK(parse_size("250 kB") == Bytes(250000));
        CHECK(parse_size("1.5 MB") == Bytes(1500000));
        CHECK(parse_size("300 KiB") == Bytes(307200));
        CHECK(parse_size("512") == Bytes(512));
        CHECK(parse_size("10kB") == Bytes(10000));
        CHECK(parse_size("512 B") == Bytes(512));
        CHECK(parse_size("2 GB") == Bytes(2000000000));
        CHECK(parse_size("1 MiB") == Bytes(1048576));
        CHECK(parse_size("1 GiB") == Bytes(1073741824));
        CHECK(parse_size("4 GiB") == Bytes(4294967296)); // past 32 bits
        CHECK(parse_size("0") == Bytes(0));
        CHECK(parse_size("  7 kB  ") == Bytes(7000));
        CHECK(parse_size("0.5 KiB") == Bytes(512));
        CHECK(parse_size("1.0005 kB") == Bytes(1001)); // rounded to the nearest byte
    }
    SUBCASE("malformed sizes") {
        CHECK_FALSE(parse_size("").has_value());
        CHECK_FALSE(parse_size("   ").has_value());
        CHECK_FALSE(parse_size("kB").has_value());
        CHECK_FALSE(parse_size("10 XB").has_value());
        CHECK_FALSE(parse_size("-5 kB").has_value());
        CHECK_FALSE(parse_size("-5").has_value());
        CHECK_FALSE(parse_size(".").has_value());
        CHECK_FALSE(parse_size("10 kB extra").has_value());
        CHECK_FALSE(parse_size("10 kb").has_value()); // "kb" would be kilobits
        CHECK_FALSE(parse_size("1e3").has_value());
        CHECK_FALSE(parse_size("1.2.3 kB").has_value());
        CHECK_FALSE(parse_size("1..5 MB").has_value());
    }
    SUBCASE("too large for a byte count") {
        CHECK_FALSE(parse_size("99999999999999999999 GB").has_value());
        CHECK_FALSE(parse_size("10000000000 GB").has_value());
        std::string huge(400, '9');
        CHECK_FALSE(parse_size(huge).has_value());
        CHECK(parse_size("9000000000 GB") == Bytes(9000000000000000000));
    }
}

TEST_CASE("core::to_string(Compression)") {
    CHECK(std::string(to_string(Compression::none)) == "none");
    CHECK(std::string(to_string(Compression::gzip)) == "gzip");
    CHECK(std::string(to_string(Compression::brotli)) == "brotli");
}

TEST_CASE("core::load_config defaults") {
    fs::path root = fresh("absent");
    Config config = load_config(root);
    CHECK_FALSE(config.file.has_value());
    CHECK(config.build.output_dirs.empty()); // found per package from its framework
    CHECK(config.build.budgets.empty());
    CHECK(config.thresholds.build_slow_s == 30);
    CHECK(config.thresholds.install_slow_s == 60);
    CHECK(config.thresholds.output_large_bytes == 5000000);
    CHECK(config.thresholds.store_hit_rate_min == doctest::Approx(0.70));
    CHECK(config.thresholds.build_memory_bytes == 2000000000);

    SUBCASE("an empty object is the defaults too") {
        write(root / "farm.config.json", "{}");
        Config empty = load_config(root);
        REQUIRE(empty.file.has_value());
        CHECK(*empty.file == root / "farm.config.json");
        CHECK(empty.build.output_dirs.empty());
        CHECK(empty.thresholds.build_slow_s == 30);
    }
}

TEST_CASE("core::load_config a full file") {
    fs::path root = fresh("full");
    write(root / "farm.config.json", R"({
  "$schema": "https://example.com/farm.schema.json",
  "build": {
    "output_dirs": ["dist", "storybook-static"],
    "budgets": [
      {"path": "packages/web/dist/**/*.js", "limit": "250 kB"},
      {"path": "packages/web/dist/**/*.css", "limit": "30 KiB", "compression": "gzip"},
      {"path": "packages/ui/dist/ui.js", "limit": 4096, "compression": "none"},
      {"path": "apps/*/dist/**", "limit": "1.5 MB", "compression": "brotli"}
    ]
  },
  "thresholds": {
    "build_slow_s": 12.5,
    "install_slow_s": 90,
    "output_large_bytes": "2 MB",
    "store_hit_rate_min": 0.9,
    "build_memory_bytes": "1.5 GiB"
  }
}
)");
    Config config = load_config(root);
    REQUIRE(config.file.has_value());
    CHECK(*config.file == root / "farm.config.json");
    CHECK(config.build.output_dirs == std::vector<std::string>{"dist", "storybook-static"});
    REQUIRE(config.build.budgets.size() == 4);
    const SizeBudget& js = config.build.budgets[0];
    CHECK(js.path == "packages/web/dist/**/*.js");
    CHECK(js.limit_bytes == 250000);
    CHECK(js.limit_text == "250 kB");
    CHECK(js.compression == Compression::brotli); // the default
    CHECK(config.build.budgets[1].limit_bytes == 30720);
    CHECK(config.build.budgets[1].compression == Compression::gzip);
    CHECK(config.build.budgets[2].limit_bytes == 4096);
    CHECK(config.build.budgets[2].limit_text == "4096 B");
    CHECK(config.build.budgets[2].compression == Compression::none);
    CHECK(config.build.budgets[3].limit_bytes == 1500000);
    CHECK(config.build.budgets[3].compression == Compression::brotli);
    CHECK(config.thresholds.build_slow_s == 12.5);
    CHECK(config.thresholds.install_slow_s == 90);
    CHECK(config.thresholds.output_large_bytes == 2000000);
    CHECK(config.thresholds.store_hit_rate_min == doctest::Approx(0.9));
    CHECK(config.thresholds.build_memory_bytes == 1610612736);
}

TEST_CASE("core::load_config an explicit path") {
    fs::path root = fresh("explicit");
    write(root / "farm.config.json", R"({"thresholds": {"build_slow_s": 1}})");
    write(root / "ci" / "farm.ci.json", R"({"thresholds": {"build_slow_s": 99}})");
    Config config = load_config(root, root / "ci" / "farm.ci.json");
    CHECK(config.thresholds.build_slow_s == 99);
    REQUIRE(config.file.has_value());
    CHECK(*config.file == root / "ci" / "farm.ci.json");

    SUBCASE("that does not exist") {
        std::string message = error_of(root, root / "ci" / "missing.json");
        CHECK(contains(message, "missing.json"));
    }
}

TEST_CASE("core::load_config unknown keys") {
    SUBCASE("at the top level") {
        std::string message = error_for("unknown-top", R"({"thresholdz": {}})");
        CHECK_MESSAGE(contains(message, "thresholdz"), message);
        CHECK_MESSAGE(contains(message, "did you mean 'thresholds'"), message);
        CHECK(contains(message, "farm.config.json"));
    }
    SUBCASE("nested") {
        std::string message = error_for("unknown-nested", R"({"thresholds": {"build_slow": 3}})");
        CHECK_MESSAGE(contains(message, "thresholds.build_slow"), message);
        CHECK_MESSAGE(contains(message, "did you mean 'build_slow_s'"), message);
    }
    SUBCASE("in a budget") {
        std::string message = error_for(
            "unknown-budget",
            R"({"build": {"budgets": [{"path": "a", "limit": 1}, {"path": "b", "limt": 1}]}})");
        CHECK_MESSAGE(contains(message, "build.budgets[1].limt"), message);
        CHECK_MESSAGE(contains(message, "did you mean 'limit'"), message);
    }
    SUBCASE("far from every known key: no suggestion") {
        std::string message = error_for("unknown-far", R"({"completely_different": 1})");
        CHECK_MESSAGE(contains(message, "completely_different"), message);
        CHECK_FALSE(contains(message, "did you mean"));
    }
}

TEST_CASE("core::load_config wrong types and ranges") {
    struct Case {
        const char* text;
        const char* where;
    };
    const Case cases[] = {
        {R"([])", "the top level"},
        {R"({"build": []})", "build"},
        {R"({"build": {"output_dirs": "dist"}})", "build.output_dirs"},
        {R"({"build": {"output_dirs": ["dist", 3]}})", "build.output_dirs[1]"},
        {R"({"build": {"output_dirs": [""]}})", "build.output_dirs[0]"},
        {R"({"build": {"budgets": {}}})", "build.budgets"},
        {R"({"build": {"budgets": [{"path": "a"}]}})", "build.budgets[0]"},
        {R"({"build": {"budgets": [{"path": 1, "limit": 1}]}})", "build.budgets[0].path"},
        {R"({"build": {"budgets": [{"path": "a", "limit": "big"}]}})", "build.budgets[0].limit"},
        {R"({"build": {"budgets": [{"path": "a", "limit": true}]}})", "build.budgets[0].limit"},
        {R"({"build": {"budgets": [{"path": "a", "limit": -5}]}})", "build.budgets[0].limit"},
        {R"({"build": {"budgets": [{"path": "a", "limit": 1, "compression": "zstd"}]}})",
         "build.budgets[0].compression"},
        {R"({"thresholds": {"build_slow_s": "30"}})", "thresholds.build_slow_s"},
        {R"({"thresholds": {"build_slow_s": -1}})", "thresholds.build_slow_s"},
        {R"({"thresholds": {"install_slow_s": null}})", "thresholds.install_slow_s"},
        {R"({"thresholds": {"store_hit_rate_min": 70}})", "thresholds.store_hit_rate_min"},
        {R"({"thresholds": {"output_large_bytes": "5 XB"}})", "thresholds.output_large_bytes"},
        {R"({"thresholds": {"output_large_bytes": -1}})", "thresholds.output_large_bytes"},
        {R"({"thresholds": {"build_memory_bytes": "2 gigs"}})", "thresholds.build_memory_bytes"},
        {R"({"thresholds": {"output_large_bytes": 18446744073709551615}})",
         "thresholds.output_large_bytes"},
    };
    int i = 0;
    for (const Case& c : cases) {
        std::string message = error_for("type-" + std::to_string(i++), c.text);
        INFO(std::string(c.text));
        CHECK_MESSAGE(contains(message, std::string(": ") + c.where + ":"), message);
    }
}

TEST_CASE("core::load_config syntax errors") {
    SUBCASE("a missing comma") {
        // Line 3 lacks its comma; the unexpected key starts line 4, column 5.
        std::string message = error_for("syntax-comma", "{\n  \"thresholds\": {\n"
                                                        "    \"build_slow_s\": 10\n"
                                                        "    \"install_slow_s\": 20\n  }\n}\n");
        CHECK_MESSAGE(contains(message, "farm.config.json:4:5:"), message);
    }
    SUBCASE("a stray character") {
        std::string message = error_for("syntax-stray", "{\n  \"build\": {}\n  ;\n}\n");
        CHECK_MESSAGE(contains(message, "farm.config.json:3:3:"), message);
    }
}

TEST_CASE("core::load_config the ai section") {
    fs::path root = fresh("ai-full");
    write(root / "farm.config.json", R"({"ai": {
        "providers": [
            {"name": "local", "type": "ollama", "base_url": "http://127.0.0.1:11434",
             "model": "llama3.1", "timeouts": {"connect_s": 2, "first_byte_s": 30, "total_s": 90}},
            {"name": "cloud", "type": "openai", "base_url": "https://api.example.com/v1",
             "api_key_env": "EXAMPLE_KEY"}
        ],
        "thresholds": {"ollama": {"slow_ms": 3000, "fast_ms": 300}}
    }})");
    Config config = load_config(root);
    REQUIRE(config.ai.providers.size() == 2);
    CHECK(config.ai.providers[0].name == "local");
    CHECK(config.ai.providers[0].type == "ollama");
    CHECK(config.ai.providers[0].connect_timeout_s == 2);
    CHECK(config.ai.providers[0].first_byte_timeout_s == 30);
    CHECK(config.ai.providers[0].total_timeout_s == 90);
    CHECK(config.ai.providers[1].api_key_env == "EXAMPLE_KEY");
    CHECK(config.ai.providers[1].model.empty());
    REQUIRE(config.ai.thresholds.count("ollama") == 1);
    CHECK(config.ai.thresholds["ollama"].slow_ms == 3000);
    CHECK(config.ai.thresholds["ollama"].fast_ms == 300);
}

TEST_CASE("core::load_config a malformed ai entry: file, line, column, path") {
    struct Case {
        const char* text;
        const char* where;
        const char* position;
    };
    const Case cases[] = {
        {"{\"ai\": {\"providers\": [\n  {\"name\": \"a\", \"type\": \"olama\", \"base_url\": "
         "\"http://h\"}\n]}}",
         "ai.providers[0].type", ":2:25:"},
        {"{\"ai\": {\n  \"providers\": {}\n}}", "ai.providers", ":2:16:"},
        {"{\"ai\": {\"providers\": [{\"name\": \"a\", \"type\": \"tgi\"}]}}", "ai.providers[0]",
         ":1:23:"},
        {"{\"ai\": {\"providers\": [{\"name\": \"a\", \"type\": \"tgi\", \"base_url\": \"h\"}]}}",
         "ai.providers[0].base_url", ""},
        {"{\"ai\": {\"providers\": [{\"name\": \"a\", \"type\": \"tgi\", \"base_url\": "
         "\"http://h\", \"timeouts\": {\"total\": 3}}]}}",
         "ai.providers[0].timeouts.total", ""},
        {"{\"ai\": {\"thresholds\": {\"hf\": {\"slow_ms\": 1, \"fast_ms\": 1}}}}",
         "ai.thresholds.hf", ""},
        {"{\"ai\": {\"thresholds\": {\"tgi\": {\"slow_ms\": 1, \"fast_ms\": 2}}}}",
         "ai.thresholds.tgi.fast_ms", ""},
        {"{\"ai\": {\"thresholds\": {\"tgi\": {\"slow_ms\": \"1\", \"fast_ms\": 0}}}}",
         "ai.thresholds.tgi.slow_ms", ""},
        {"{\"ai\": {\"providers\": [{\"name\": \"a\", \"type\": \"tgi\", \"base_url\": "
         "\"http://h\"}, {\"name\": \"a\", \"type\": \"tgi\", \"base_url\": \"http://h\"}]}}",
         "ai.providers[1].name", ""},
    };
    int i = 0;
    for (const Case& c : cases) {
        std::string message = error_for("ai-bad-" + std::to_string(i++), c.text);
        INFO(std::string(c.text));
        CHECK_MESSAGE(contains(message, std::string(": ") + c.where + ":"), message);
        CHECK_MESSAGE(contains(message, std::string("farm.config.json") + c.position), message);
    }
}

TEST_CASE("core::load_config refuses reload settings that could only time out") {
    // A touch leaves the content alone, so the page at the URL never changes.
    std::string message = error_for("reload-touch-url",
                                    R"({"dev": {"services": [{"name": "web", "command": "vite",
            "reload": {"file": "src/App.tsx", "url": "http://localhost:5173/"}}]}})");
    CHECK_MESSAGE(contains(message, ": dev.services[0].reload.url:"), message);
    CHECK_MESSAGE(contains(message, "could only time out"), message);
    // An insert edit needs the text it goes after.
    message = error_for("reload-insert", R"({"dev": {"services": [{"name": "web", "command": "vite",
            "reload": {"file": "src/App.tsx", "edit": "insert"}}]}})");
    CHECK_MESSAGE(contains(message, "\"after\""), message);
    // Allowed: an append with a URL, and no signal at all (the HMR message tells).
    fs::path root = fresh("reload-ok");
    write(root / "farm.config.json",
          R"({"dev": {"services": [{"name": "web", "command": "vite",
              "reload": {"file": "a.ts", "edit": "append", "url": "http://localhost:1/"}},
              {"name": "site", "command": "vite", "reload": {"file": "b.tsx", "edit": "insert",
              "after": "Hello", "page": "http://localhost:2/"}}]}})");
    Config config = load_config(root);
    REQUIRE(config.dev.services.size() == 2);
    CHECK(config.dev.services[1].reload->edit == DevReloadEdit::insert);
    CHECK(config.dev.services[1].reload->after == "Hello");
    CHECK(config.dev.services[1].reload->page == "http://localhost:2/");
    CHECK(config.dev.services[1].reload->pattern.empty());
}

TEST_CASE("core::load_config holds output patterns to sizes std::regex compiles safely") {
    // 50,000 nested groups overflowed std::regex's stack while the config was read.
    auto config_with = [](const std::string& pattern) {
        return R"({"dev": {"services": [{"name": "web", "command": "vite", "ready": {"output": )" +
               nlohmann::json(pattern).dump() + "}}]}}";
    };
    std::string deep = std::string(50000, '(') + "a" + std::string(50000, ')');
    std::string message = error_for("pattern-deep", config_with(deep));
    CHECK_MESSAGE(contains(message, ": dev.services[0].ready.output: is longer than 1000"),
                  message.substr(0, 300));
    message = error_for("pattern-nested", config_with(std::string(40, '(') + std::string(40, ')')));
    CHECK_MESSAGE(contains(message, "nests groups more than 32 deep"), message);
    message = error_for("pattern-class", config_with("[]" + std::string(40, '(')));
    CHECK_MESSAGE(contains(message, "nests groups more than 32 deep"), message); // [] ends at once
    message = error_for("pattern-repeat", config_with("(ab{2,5000}c)"));
    CHECK_MESSAGE(contains(message, "repeats more than 1000 times"), message);
    // Within the limits, as real ready lines are matched: escaped and bracketed parentheses.
    fs::path root = fresh("pattern-ok");
    write(root / "farm.config.json",
          config_with(R"(^\s*(VITE|ready) v?[0-9.]{1,12} [(]\(x\)[)] (in|after) \d+ ms$)"));
    Config config = load_config(root);
    REQUIRE(config.dev.services.size() == 1);
    CHECK(config.dev.services[0].ready.pattern.substr(0, 4) == "^\\s*");
}
