#include "farm/analysis/threshold_alerts.hpp"

#include <doctest/doctest.h>

using namespace farm;

namespace {

history::Run run_of(const std::string& kind, const std::string& subject, const std::string& metric,
                    const std::vector<double>& values, std::int64_t id) {
    history::Run run;
    run.id = id;
    run.kind = kind;
    run.subject = subject;
    for (std::size_t i = 0; i < values.size(); ++i) {
        measure::IterationRecord it;
        it.index = int(i);
        it.metrics.push_back({metric, "s", values[i]});
        run.iterations.push_back(it);
    }
    return run;
}

core::TestSuite suite_of(const std::string& name, const std::string& kind) {
    core::TestSuite suite;
    suite.name = name;
    suite.kind = kind;
    return suite;
}

} // namespace

TEST_CASE("analysis::suite_covers") {
    core::TestSuite command = suite_of("cli", "build");
    command.command = {"node", "cli.js"};
    CHECK(analysis::suite_covers(command, run_of("build", "cli", "wall_s", {1}, 1)));
    CHECK_FALSE(analysis::suite_covers(command, run_of("build", "build:web", "wall_s", {1}, 1)));
    CHECK_FALSE(analysis::suite_covers(command, run_of("ai", "cli", "wall_s", {1}, 1)));

    core::TestSuite project = suite_of("web", "build");
    CHECK(analysis::suite_covers(project, run_of("build", "build:web", "wall_s", {1}, 1)));
    CHECK(analysis::suite_covers(project, run_of("build", "install:warm", "wall_s", {1}, 1)));
    CHECK_FALSE(analysis::suite_covers(project, run_of("build", "cli", "wall_s", {1}, 1)));

    core::TestSuite dev = suite_of("servers", "dev");
    dev.dev.services = {"web"};
    CHECK(analysis::suite_covers(dev, run_of("dev", "startup:web", "startup_s", {1}, 1)));
    CHECK(analysis::suite_covers(dev, run_of("dev", "reload:web", "reload_s", {1}, 1)));
    CHECK_FALSE(analysis::suite_covers(dev, run_of("dev", "startup:api", "startup_s", {1}, 1)));

    core::TestSuite ai = suite_of("chat", "ai");
    ai.ai.providers = {"local"};
    CHECK(analysis::suite_covers(ai, run_of("ai", "local/llama3.1/chat_stream", "e2e_ms", {1}, 1)));
    CHECK(analysis::suite_covers(ai, run_of("ai", "local/m/chat_stream@load", "e2e_ms", {1}, 1)));
    CHECK_FALSE(analysis::suite_covers(ai, run_of("ai", "local/m/embed", "e2e_ms", {1}, 1)));
    CHECK_FALSE(analysis::suite_covers(ai, run_of("ai", "cloud/m/chat_stream", "e2e_ms", {1}, 1)));
}

TEST_CASE("analysis::threshold_alerts") {
    core::Config config;
    core::TestSuite cli = suite_of("cli", "build");
    cli.command = {"true"};
    core::SuiteThreshold tight;
    tight.metric = "wall_s";
    tight.max = 0.5;
    core::SuiteThreshold absent;
    absent.metric = "max_rss_bytes"; // not measured: perf:test fails it, the dashboard is silent
    absent.max = 1;
    core::SuiteThreshold elsewhere;
    elsewhere.subject = "nothing*"; // no run: no alert
    elsewhere.metric = "wall_s";
    elsewhere.max = 1;
    cli.thresholds = {tight, absent, elsewhere};
    config.test.suites.push_back(cli);

    history::Run slow_startup = run_of("dev", "startup:web", "startup_s", {2.5, 3.0, 2.8}, 7);
    slow_startup.context.project["service_kind"] = "frontend"; // threshold 2 s
    history::Run fine_startup = run_of("dev", "startup:db", "startup_s", {2.5}, 8);
    fine_startup.context.project["service_kind"] = "database"; // threshold 5 s
    history::Run slow_reload = run_of("dev", "reload:web", "reload_s", {0.9, 0.8}, 9);

    SUBCASE("breaches only") {
        std::vector<analysis::ThresholdAlert> alerts = analysis::threshold_alerts(
            config, {run_of("build", "cli", "wall_s", {0.9, 1.0, 1.1}, 5), slow_startup,
                     fine_startup, slow_reload});
        REQUIRE(alerts.size() == 3);
        CHECK(alerts[0].source == "test suite 'cli'");
        CHECK(alerts[0].subject == "cli");
        CHECK(alerts[0].run_id == 5);
        CHECK(alerts[0].finding.find("wall_s median 1 is not at most 0.5") != std::string::npos);
        CHECK(alerts[1].source == "thresholds.dev");
        CHECK(alerts[1].subject == "startup:web");
        CHECK(alerts[1].run_id == 7);
        CHECK(alerts[1].finding.find("2800 ms") != std::string::npos);
        CHECK_FALSE(alerts[1].action.empty());
        CHECK(alerts[2].subject == "reload:web");
    }
    SUBCASE("nothing breached, nothing to say") {
        CHECK(analysis::threshold_alerts(config, {run_of("build", "cli", "wall_s", {0.1}, 5)})
                  .empty());
        CHECK(analysis::threshold_alerts(config, {}).empty());
    }
}

TEST_CASE("analysis::threshold_metrics names what the alerts read of a run") {
    core::Config config;
    core::TestSuite chat = suite_of("chat", "ai");
    chat.ai.operation = "chat_stream";
    core::SuiteThreshold ttft;
    ttft.metric = "ttft_ms";
    ttft.max = 500;
    core::SuiteThreshold errors;
    errors.metric = "error_rate";
    errors.max = 0.01;
    core::SuiteThreshold again = ttft;
    again.stat = "p95";
    chat.thresholds = {ttft, errors, again};
    config.test.suites.push_back(chat);

    using Names = std::optional<std::vector<std::string>>;
    CHECK(
        analysis::threshold_metrics(config, run_of("ai", "local/m/chat_stream", "e2e_ms", {}, 1)) ==
        Names(std::vector<std::string>{"ttft_ms"}));
    CHECK(analysis::threshold_metrics(config, run_of("ai", "local/m/embed", "e2e_ms", {}, 1)) ==
          std::nullopt);
    CHECK(analysis::threshold_metrics(config, run_of("build", "cli", "wall_s", {}, 1)) ==
          std::nullopt);
    CHECK(analysis::threshold_metrics(config, run_of("dev", "reload:web", "reload_s", {}, 1)) ==
          Names(std::vector<std::string>{"reload_s", "server_log_ms", "hmr_ms", "browser_ms"}));
    CHECK(analysis::threshold_metrics(config, run_of("dev", "startup:web", "startup_s", {}, 1)) ==
          Names(std::vector<std::string>{"startup_s", "first_output_s", "port_open_s",
                                         "first_2xx_s", "page_load_s"}));

    chat.thresholds = {errors};
    config.test.suites = {chat};
    CHECK(analysis::threshold_metrics(config, run_of("ai", "local/m/chat_stream", "e2e_ms", {},
                                                     1)) == Names(std::vector<std::string>{}));
}
