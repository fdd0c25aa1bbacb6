#include "farm/core/config.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <string>

namespace fs = std::filesystem;
using namespace farm::core;

namespace {

fs::path with_config(const std::string& name, const std::string& text) {
    fs::path root = farm::test::fresh_folder("config_test", name);
    farm::test::write_file(root / "farm.config.json", text);
    return root;
}

std::string error_for(const std::string& name, const std::string& text) {
    try {
        load_config(with_config(name, text));
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL_CHECK("load_config did not throw farm::UsageError");
    return {};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("core::load_config test.suites") {
    fs::path root = with_config("full", R"({
 "dev": {"services": [{"name": "api", "command": "node api.js", "ready": {"port": 3000}}]},
 "ai": {"providers": [{"name": "local", "type": "ollama", "base_url": "http://127.0.0.1:11434"},
                      {"name": "cloud", "type": "openai", "base_url": "http://127.0.0.1:8000"}]},
 "test": {"suites": [
  {"name": "cli", "kind": "build", "command": ["pnpm", "run", "build"], "runs": 3, "warmup": 1,
   "timeout_s": 60,
   "thresholds": [{"metric": "wall_s", "max": 2.5}, {"subject": "c*", "metric": "x", "min": 1},
                  {"metric": "max_rss_bytes", "max": "512 MiB"}],
   "budgets": [{"path": "dist/*.js", "limit": "10 kB"}]},
  {"name": "sh", "kind": "build", "command": "make -j2 | tee log"},
  {"name": "web", "kind": "build", "dir": "packages/web", "install": "noop", "script": null,
   "output_dirs": ["out"]},
  {"name": "servers", "kind": "dev", "services": ["api"], "runs": 2, "reloads": 0,
   "duration_s": 0.5, "timeout_s": 20},
  {"name": "models", "kind": "ai", "providers": ["cloud", "local"], "model": "m",
   "operation": "chat", "prompt": "hi", "max_tokens": 16, "requests": 4, "concurrency": 2,
   "load": {"requests": 50, "duration_s": 10},
   "thresholds": [{"metric": "ttft_ms", "stat": "p95", "max": 500},
                  {"metric": "error_rate", "max": 0}]}
]}})");
    Config config = load_config(root);
    REQUIRE(config.test.suites.size() == 5);
    const TestSuite& cli = config.test.suites[0];
    CHECK(cli.name == "cli");
    CHECK(cli.kind == "build");
    CHECK(cli.command == std::vector<std::string>{"pnpm", "run", "build"});
    CHECK_FALSE(cli.shell);
    CHECK(cli.runs == std::optional<std::size_t>(3));
    CHECK(cli.warmup == 1);
    CHECK(cli.timeout_s == 60);
    REQUIRE(cli.thresholds.size() == 3);
    CHECK(cli.thresholds[0].subject == "*");
    CHECK(cli.thresholds[0].metric == "wall_s");
    CHECK(cli.thresholds[0].max == std::optional<double>(2.5));
    CHECK_FALSE(cli.thresholds[0].min.has_value());
    CHECK(cli.thresholds[1].subject == "c*");
    CHECK(cli.thresholds[1].min == std::optional<double>(1));
    CHECK(cli.thresholds[2].max == std::optional<double>(512.0 * 1024 * 1024));
    REQUIRE(cli.budgets.size() == 1);
    CHECK(cli.budgets[0].limit_bytes == 10000);

    CHECK(config.test.suites[1].shell);
    CHECK(config.test.suites[1].command == std::vector<std::string>{"make -j2 | tee log"});

    const TestSuite& web = config.test.suites[2];
    CHECK(web.command.empty());
    CHECK(web.dir == "packages/web");
    CHECK(web.install == "noop");
    CHECK(web.no_build);
    CHECK(web.output_dirs == std::vector<std::string>{"out"});

    const TestSuite& servers = config.test.suites[3];
    CHECK(servers.kind == "dev");
    CHECK(servers.dev.services == std::vector<std::string>{"api"});
    CHECK(servers.dev.runs == 2);
    CHECK(servers.dev.reloads == 0);
    CHECK(servers.dev.duration_s == 0.5);
    CHECK(servers.dev.timeout_s == 20);

    const TestSuite& models = config.test.suites[4];
    CHECK(models.ai.providers == std::vector<std::string>{"cloud", "local"});
    CHECK(models.ai.model == "m");
    CHECK(models.ai.operation == "chat");
    CHECK(models.ai.prompt == "hi");
    CHECK(models.ai.max_tokens == 16);
    CHECK(models.ai.check.requests == 4);
    CHECK(models.ai.check.concurrency == 2);
    CHECK(models.ai.load.requests == 50);
    CHECK(models.ai.load.concurrency == 8); // the default of a load run
    CHECK(models.ai.load.duration_s == 10);
    REQUIRE(models.thresholds.size() == 2);
    CHECK(models.thresholds[0].stat == "p95");
    CHECK(models.thresholds[1].stat == "median");
}

TEST_CASE("core::load_config test.suites errors") {
    SUBCASE("an unknown job kind: file, line, column") {
        std::string message = error_for(
            "kind", "{\"test\": {\"suites\": [\n  {\"name\": \"a\", \"kind\": \"bild\"}\n]}}");
        CHECK_MESSAGE(contains(message, "farm.config.json:2:25: test.suites[0].kind"), message);
        CHECK_MESSAGE(contains(message, "unknown job kind 'bild'"), message);
        CHECK_MESSAGE(contains(message, "did you mean 'build'"), message);
    }
    struct Case {
        const char* text;
        const char* where;
    };
    const Case cases[] = {
        {R"({"test": []})", "test"},
        {R"({"test": {"suite": []}})", "test.suite"},
        {R"({"test": {"suites": {}}})", "test.suites"},
        {R"({"test": {"suites": [1]}})", "test.suites[0]"},
        {R"({"test": {"suites": [{"name": "a"}]}})", "test.suites[0]"},
        {R"({"test": {"suites": [{"name": "a", "kind": 3}]}})", "test.suites[0].kind"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "comand": "x"}]}})",
         "test.suites[0].comand"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "command": []}]}})",
         "test.suites[0].command"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "command": "x", "dir": "d"}]}})",
         "test.suites[0].dir"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "runs": 0}]}})",
         "test.suites[0].runs"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "install": "hot"}]}})",
         "test.suites[0].install"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "thresholds": {}}]}})",
         "test.suites[0].thresholds"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build", "thresholds": [{"metric": "m"}]}]}})",
         "test.suites[0].thresholds[0]"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build",
            "thresholds": [{"metric": "m", "max": 1, "min": 2}]}]}})",
         "test.suites[0].thresholds[0]"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build",
            "thresholds": [{"metric": "m", "max": "lots"}]}]}})",
         "test.suites[0].thresholds[0].max"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build"}, {"name": "a", "kind": "dev"}]}})",
         "test.suites[1].name"},
        {R"({"test": {"suites": [{"name": "a", "kind": "dev", "budgets": [{"path": "x"}]}]}})",
         "test.suites[0].budgets[0]"},
        {R"({"test": {"suites": [{"name": "a", "kind": "build",
            "thresholds": [{"metric": "m", "stat": "p50", "max": 1}]}]}})",
         "test.suites[0].thresholds[0].stat"},
        {R"({"test": {"suites": [{"name": "a", "kind": "dev", "runs": 0}]}})",
         "test.suites[0].runs"},
        {R"({"test": {"suites": [{"name": "a", "kind": "dev", "reloads": 1.5}]}})",
         "test.suites[0].reloads"},
        {R"({"test": {"suites": [{"name": "a", "kind": "dev", "requests": 3}]}})",
         "test.suites[0].requests"},
        {R"({"test": {"suites": [{"name": "a", "kind": "dev", "services": ["web"]}]}})",
         "test.suites[0].services[0]"},
        {R"({"test": {"suites": [{"name": "a", "kind": "ai", "operation": "chatstream"}]}})",
         "test.suites[0].operation"},
        {R"({"test": {"suites": [{"name": "a", "kind": "ai", "concurrency": 0}]}})",
         "test.suites[0].concurrency"},
        {R"({"test": {"suites": [{"name": "a", "kind": "ai", "load": {"rate": 3}}]}})",
         "test.suites[0].load.rate"},
        {R"({"test": {"suites": [{"name": "a", "kind": "ai", "providers": ["x"]}]}})",
         "test.suites[0].providers[0]"},
    };
    int i = 0;
    for (const Case& c : cases) {
        std::string message = error_for("case-" + std::to_string(i++), c.text);
        INFO(std::string(c.text));
        CHECK_MESSAGE(contains(message, std::string(": ") + c.where + ":"), message);
        CHECK_MESSAGE(contains(message, "farm.config.json:"), message);
    }
}

TEST_CASE("core::load_config counts are whole numbers in range, located") {
    std::string message = error_for("runs_fraction", R"({"test": {"suites": [
  {"name": "cli", "kind": "build", "command": ["true"], "runs": 2.5}]}})");
    CHECK_MESSAGE(contains(message, "farm.config.json:2:65: test.suites[0].runs: must be a whole "
                                    "number between 1 and 1000000, not 2.5"),
                  message);
    // A whole number written with a fraction or an exponent is still one.
    Config config = load_config(with_config("runs_written_out", R"({"test": {"suites": [
  {"name": "cli", "kind": "build", "command": ["true"], "runs": 5.0, "warmup": 1e1}]}})"));
    CHECK(config.test.suites[0].runs == std::optional<std::size_t>(5));
    CHECK(config.test.suites[0].warmup == 10);
    for (const char* bad : {"-1", "1e30", "18446744073709551615", "0.5", "\"3\""}) {
        std::string text = std::string(R"({"test": {"suites": [{"name": "a", "kind": "dev", )") +
                           R"("reloads": )" + bad + "}]}}";
        INFO(bad);
        CHECK(contains(error_for("reloads", text), ": test.suites[0].reloads: must be a whole "
                                                   "number between 0 and 1000"));
    }
    CHECK(contains(error_for("max_tokens", R"({"test": {"suites": [{"name": "a", "kind": "ai",
 "max_tokens": 16.5}]}})"),
                   "test.suites[0].max_tokens: must be a whole number between 1 and 1000000"));
}

TEST_CASE("core::load_config durations are bounded by 30 days") {
    std::string message = error_for("timeout_huge", R"({"test": {"suites": [
  {"name": "cli", "kind": "build", "command": ["true"], "timeout_s": 1e300}]}})");
    CHECK_MESSAGE(contains(message, "farm.config.json:2:70: test.suites[0].timeout_s: must be "
                                    "between 0 and 2592000 seconds (30 days)"),
                  message);
    Config config = load_config(with_config("timeout_month", R"({"test": {"suites": [
  {"name": "cli", "kind": "build", "command": ["true"], "timeout_s": 2592000}]}})"));
    CHECK(config.test.suites[0].timeout_s == 2592000);
    CHECK(contains(error_for("build_slow", R"({"thresholds": {"build_slow_s": 1e12}})"),
                   "thresholds.build_slow_s: must be between 0 and 2592000 seconds"));
}
