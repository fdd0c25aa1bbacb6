#include "farm/analysis/dev_advice.hpp"

#include <doctest/doctest.h>

using namespace farm;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const analysis::Advice* rule(const std::vector<analysis::Advice>& advice, const std::string& name) {
    for (const analysis::Advice& a : advice) {
        if (a.rule == name) {
            return &a;
        }
    }
    return nullptr;
}

analysis::DevServiceFindings frontend() {
    analysis::DevServiceFindings f;
    f.name = "web";
    f.kind = "frontend"; // start-up threshold 2 s
    return f;
}

} // namespace

TEST_CASE("analysis::judge_dev_service judges a reload on the clock the developer waits for") {
    core::DevThresholds t; // fast < 100 ms, slow > 500 ms, browser lag 200 ms
    analysis::DevServiceFindings f = frontend();
    f.reload_median_s = 0.05; // the server's log line came first
    f.reloads = 3;
    f.server_log_ms = 50;
    f.hmr_ms = 80;
    f.browser_ms = 700;
    analysis::DevVerdict verdict = analysis::judge_dev_service(f, t);
    CHECK(verdict.reload == "slow");
    CHECK(verdict.reload_clock == "browser_ms");
    std::vector<analysis::Advice> advice = analysis::advise_dev({f}, t);
    REQUIRE(rule(advice, "slow_reload") != nullptr);
    CHECK(has(rule(advice, "slow_reload")->finding, "700 ms until the browser shows it"));
    REQUIRE(rule(advice, "browser_update_lag") != nullptr);
    CHECK(has(rule(advice, "browser_update_lag")->finding, "620 ms after the dev server's HMR"));

    f.browser_ms.reset(); // without a browser: the HMR message
    verdict = analysis::judge_dev_service(f, t);
    CHECK(verdict.reload == "fast");
    CHECK(verdict.reload_clock == "hmr_ms");
    CHECK(analysis::advise_dev({f}, t).empty());

    f.hmr_ms.reset(); // without a socket: the first clock
    CHECK(analysis::judge_dev_service(f, t).reload_clock == "reload_s");

    f.hmr_ms = 80;
    f.browser_ms = 250; // 170 ms behind the message: within the lag
    CHECK(rule(analysis::advise_dev({f}, t), "browser_update_lag") == nullptr);
    t.browser_lag_s = 0.1;
    CHECK(rule(analysis::advise_dev({f}, t), "browser_update_lag") != nullptr);
}

TEST_CASE("analysis::advise_dev names the start-up's longest phase and a slow first page") {
    core::DevThresholds t;
    analysis::DevServiceFindings f = frontend();
    f.startup_median_s = 3.0;
    f.startup_runs = 3;
    f.first_output_s = 0.4;
    f.port_open_s = 2.9;
    f.first_2xx_s = 3.2;
    std::vector<analysis::Advice> advice = analysis::advise_dev({f}, t);
    REQUIRE(rule(advice, "slow_startup") != nullptr);
    CHECK(has(rule(advice, "slow_startup")->finding,
              "the longest phase: first output -> port open, 2500 ms"));

    // Ready in time, but Next.js compiles the page on its first request.
    f.startup_median_s = 1.0;
    f.port_open_s = 0.9;
    f.first_2xx_s = 9.0;
    f.page_load_s = 9.5;
    advice = analysis::advise_dev({f}, t);
    CHECK(rule(advice, "slow_startup") == nullptr);
    REQUIRE(rule(advice, "slow_first_page") != nullptr);
    CHECK(has(rule(advice, "slow_first_page")->finding, "first answers 9000 ms after the start"));
    CHECK(has(rule(advice, "slow_first_page")->finding, "port open -> first 2xx, 8100 ms"));

    f.first_2xx_s = 1.5; // the page answers within the threshold: nothing to say
    CHECK(analysis::advise_dev({f}, t).empty());

    // Ready late and the page much later (next dev: 2.2 s to the port, then a 7 s first
    // compile): each its own finding, each with the phases it covers.
    f.startup_median_s = 2.2;
    f.first_output_s = 0.9;
    f.port_open_s = 2.2;
    f.first_2xx_s = 9.5;
    f.page_load_s.reset();
    advice = analysis::advise_dev({f}, t);
    REQUIRE(rule(advice, "slow_startup") != nullptr);
    CHECK(has(rule(advice, "slow_startup")->finding,
              "the longest phase: first output -> port open, "
              "1300 ms"));
    REQUIRE(rule(advice, "slow_first_page") != nullptr);
    CHECK(has(rule(advice, "slow_first_page")->finding, "port open -> first 2xx, 7300 ms"));
    // Ready late, the page right after: the start-up is the finding.
    f.first_2xx_s = 2.5;
    advice = analysis::advise_dev({f}, t);
    CHECK(rule(advice, "slow_startup") != nullptr);
    CHECK(rule(advice, "slow_first_page") == nullptr);
}

TEST_CASE("analysis::dev_findings_from_runs joins a service's start-up and reload runs") {
    auto run = [](const std::string& subject, std::int64_t id,
                  const std::vector<std::pair<std::string, std::vector<double>>>& metrics) {
        history::Run r;
        r.id = id;
        r.kind = "dev";
        r.subject = subject;
        r.context.project["service_kind"] = "frontend";
        for (std::size_t i = 0; i < metrics.front().second.size(); ++i) {
            measure::IterationRecord it;
            it.index = int(i);
            for (const auto& [name, values] : metrics) {
                it.metrics.push_back({name, "s", values[i]});
            }
            r.iterations.push_back(it);
        }
        return r;
    };
    std::vector<analysis::DevServiceFindings> found = analysis::dev_findings_from_runs(
        {run("startup:web", 1, {{"startup_s", {1, 3, 2}}, {"first_2xx_s", {4, 6, 5}}}),
         run("reload:web", 2,
             {{"reload_s", {0.1, 0.2}}, {"hmr_ms", {100, 200}}, {"browser_ms", {300, 500}}}),
         run("reload:web", 3, {{"reload_s", {9}}}), // an older run of the same subject
         run("startup:db", 4, {{"startup_s", {1}}})});
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "web");
    CHECK(found[0].kind == "frontend");
    CHECK(found[0].startup_median_s == 2);
    CHECK(found[0].startup_runs == 3);
    CHECK(found[0].first_2xx_s == 5);
    CHECK_FALSE(found[0].page_load_s);
    CHECK(found[0].reload_median_s == doctest::Approx(0.15));
    CHECK(found[0].hmr_ms == 150);
    CHECK(found[0].browser_ms == 400);
    CHECK_FALSE(found[0].server_log_ms);
    CHECK(found[1].name == "db");
}

TEST_CASE("analysis::advise_dev names the service's own framework's settings only") {
    core::DevThresholds t;
    analysis::DevServiceFindings f = frontend();
    f.startup_median_s = 3.0;
    f.startup_runs = 2;
    f.port_open_s = 3.0;
    f.first_2xx_s = 9.0;
    auto text_of = [&](const std::string& framework) {
        f.framework = framework;
        std::string all;
        for (const analysis::Advice& a : analysis::advise_dev({f}, t)) {
            for (const std::string& line : a.suggestions) {
                all += line + "\n";
            }
        }
        return all;
    };
    std::string next = text_of("Next.js");
    CHECK(has(next, "--turbopack"));
    CHECK(has(next, "optimizePackageImports"));
    CHECK_FALSE(has(next, "Vite"));
    CHECK_FALSE(has(next, "node_modules/.vite"));
    std::string vite = text_of("Vite");
    CHECK(has(vite, "node_modules/.vite"));
    CHECK(has(vite, "server.warmup"));
    CHECK_FALSE(has(vite, "Next.js"));
    CHECK_FALSE(has(vite, "turbopack"));
    std::string unknown = text_of("");
    CHECK(has(unknown, "Vite:")); // each named where the framework is not known
    CHECK(has(unknown, "Next.js"));
}
