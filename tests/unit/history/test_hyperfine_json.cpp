// history::hyperfine_json writes hyperfine 1.20's schema (keys, order, units, null stddev with
// one run, 128 + signal) with farm's figures beside it, and runs_from_hyperfine reads a file farm
// wrote back into the same runs.
#include "farm/history/hyperfine_json.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/history/import_hyperfine.hpp"

#include "support/files.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace farm::history;
using farm::measure::IterationRecord;
using nlohmann::json;

namespace {

IterationRecord iteration(int index, double wall, double user, double sys, int exit_code = 0,
                          int signal = 0) {
    IterationRecord it;
    it.index = index;
    it.exit_code = exit_code;
    it.signal = signal;
    it.metrics = {{"wall_s", "s", wall},
                  {"user_s", "s", user},
                  {"sys_s", "s", sys},
                  {"max_rss_bytes", "bytes", 1000.0 * (index + 1)},
                  {"tree_peak_rss_bytes", "bytes", 5000.0 * (index + 1)}};
    return it;
}

// Five completed runs of known times: mean 4, median 3, sample stddev sqrt(50 / 4).
Run known_run() {
    Run run;
    run.id = 7;
    run.kind = "build";
    run.subject = "cmd:sleep";
    run.command = "sleep {t}";
    run.started_at = "2026-11-23T12:00:00.000Z";
    run.batch_id = "b-1";
    run.order_seed = 0xFFFF'FFFF'FFFF'FFF0ULL;
    run.parameters = {{"size", "10"}, {"mode", "fast"}};
    run.shell_overhead_s = 0.002;
    const double walls[] = {1, 2, 3, 4, 10};
    const double users[] = {0.5, 0.25, 0.75, 0.5, 0.5};
    for (int i = 0; i < 5; ++i) {
        run.iterations.push_back(iteration(i, walls[i], users[i], 0.125));
    }
    return run;
}

} // namespace

TEST_CASE("history::hyperfine_json: hyperfine's figures of known times") {
    json doc = json::parse(hyperfine_json({known_run()}));
    REQUIRE(doc["results"].size() == 1);
    const json& r = doc["results"][0];
    CHECK(r["command"] == "sleep {t}");
    CHECK(r["mean"].get<double>() == doctest::Approx(4.0));
    CHECK(r["median"].get<double>() == doctest::Approx(3.0));
    // Sample (n - 1), as hyperfine's statistical::standard_deviation; population would be 3.16.
    CHECK(r["stddev"].get<double>() == doctest::Approx(3.5355339059327378));
    CHECK(r["min"].get<double>() == 1.0);
    CHECK(r["max"].get<double>() == 10.0);
    CHECK(r["user"].get<double>() == doctest::Approx(0.5));
    CHECK(r["system"].get<double>() == doctest::Approx(0.125));
    CHECK(r["times"] == json::array({1.0, 2.0, 3.0, 4.0, 10.0}));
    CHECK(r["exit_codes"] == json::array({0, 0, 0, 0, 0}));
    CHECK(r["memory_usage_byte"] == json::array({1000, 2000, 3000, 4000, 5000}));
    CHECK(r["parameters"] == json({{"mode", "fast"}, {"size", "10"}}));
    const json& farm = r["farm"];
    CHECK(farm["run_id"] == 7);
    CHECK(farm["subject"] == "cmd:sleep");
    CHECK(farm["status"] == "ok");
    CHECK(farm["batch_id"] == "b-1");
    CHECK(farm["order_seed"].get<std::uint64_t>() == 0xFFFF'FFFF'FFFF'FFF0ULL);
    CHECK(farm["shell_overhead_s"].get<double>() == 0.002);
    CHECK(farm["parameters"] == json::array({{"size", "10"}, {"mode", "fast"}}));
    CHECK(farm["statistics_over"] == 5);
    CHECK(farm["ci95"].size() == 2);
    CHECK(farm["metrics"]["tree_peak_rss_bytes"]["values"] ==
          json::array({5000.0, 10000.0, 15000.0, 20000.0, 25000.0}));
    CHECK_FALSE(farm["metrics"].contains("wall_s"));
}

TEST_CASE("history::hyperfine_json: keys in hyperfine's order, parameters by name") {
    std::string text = hyperfine_json({known_run()});
    std::size_t last = 0;
    for (const char* key :
         {"\"command\"", "\"mean\"", "\"stddev\"", "\"median\"", "\"user\"", "\"system\"",
          "\"min\"", "\"max\"", "\"times\"", "\"memory_usage_byte\"", "\"exit_codes\"",
          "\"parameters\"", "\"farm\""}) {
        std::size_t at = text.find(key);
        CAPTURE(key);
        REQUIRE(at != std::string::npos);
        CHECK(at > last);
        last = at;
    }
    // hyperfine's parameters are a BTreeMap: "mode" before "size" whatever the given order.
    CHECK(text.find("\"mode\": \"fast\"") < text.find("\"size\": \"10\""));
    CHECK(text.substr(0, 16) == "{\n  \"results\": [");
    CHECK(text.back() == '\n');
}

TEST_CASE("history::hyperfine_json: failed iterations are in times, not in the statistics") {
    Run run = known_run();
    run.status = RunStatus::failed;
    run.iterations[2].exit_code = 2;                                // a failure
    run.iterations[3].exit_code = -1, run.iterations[3].signal = 9; // killed
    run.iterations[4].exit_code = -1, run.iterations[4].signal = 0; // no exit status at all
    json r = json::parse(hyperfine_json({run}))["results"][0];
    CHECK(r["times"].size() == 5);
    CHECK(r["exit_codes"] == json::parse("[0, 0, 2, 137, null]"));
    CHECK(r["farm"]["signals"] == json::array({0, 0, 0, 9, 0}));
    CHECK(r["farm"]["statistics_over"] == 2);
    CHECK(r["mean"].get<double>() == doctest::Approx(1.5));
    CHECK(r["max"].get<double>() == 2.0);
    CHECK(r["user"].get<double>() == doctest::Approx(0.375));

    // Accepted with --ignore-failure, the run is ok and every iteration counts, as hyperfine -i.
    run.status = RunStatus::ok;
    CHECK(hyperfine_figures(run).statistics_over == 5);
}

TEST_CASE("history::hyperfine_json: one run has a null stddev; none has null figures") {
    Run run = known_run();
    run.iterations.resize(1);
    run.parameters.clear();
    json r = json::parse(hyperfine_json({run}))["results"][0];
    CHECK(r["stddev"].is_null());
    CHECK(r["mean"] == 1.0);
    CHECK_FALSE(r.contains("parameters")); // hyperfine leaves an empty map out
    run.status = RunStatus::failed;
    run.iterations[0].exit_code = 1;
    r = json::parse(hyperfine_json({run}))["results"][0];
    CHECK(r["mean"].is_null());
    CHECK(r["median"].is_null());
    CHECK(r["times"] == json::array({1.0}));
}

TEST_CASE("history::runs_from_hyperfine: a file farm wrote comes back whole") {
    std::filesystem::path dir = farm::test::fresh_folder("hyperfine_json", "round_trip");
    Run original = known_run();
    original.status = RunStatus::failed;
    original.iterations[4].exit_code = -1;
    original.iterations[4].signal = 15;
    original.context.git.commit = "abc123";
    original.context.host.name = "builder";
    original.context.tool_versions["farm"] = "1.0";
    farm::core::write_file_atomically(dir / "kept.json", hyperfine_json({original}));

    std::vector<Run> runs = runs_from_hyperfine(dir / "kept.json", std::nullopt);
    REQUIRE(runs.size() == 1);
    const Run& back = runs[0];
    CHECK(back.kind == "build");
    CHECK(back.subject == "cmd:sleep");
    CHECK(back.command == "sleep {t}");
    CHECK(back.status == RunStatus::failed);
    CHECK(back.started_at == original.started_at);
    CHECK(back.batch_id == "b-1");
    CHECK(back.order_seed == original.order_seed);
    CHECK(back.shell_overhead_s == original.shell_overhead_s);
    CHECK(back.parameters == original.parameters); // the given order, not hyperfine's
    CHECK(back.context.git.commit == "abc123");
    CHECK(back.context.host.name == "builder");
    CHECK(back.context.tool_versions.at("farm") == "1.0");
    REQUIRE(back.iterations.size() == 5);
    CHECK(back.iterations[4].signal == 15);
    CHECK(back.iterations[4].exit_code == -1);
    for (std::size_t i = 0; i < 5; ++i) {
        for (const char* metric : {"wall_s", "user_s", "sys_s", "tree_peak_rss_bytes"}) {
            CAPTURE(metric);
            CHECK(back.iterations[i].metric(metric) == original.iterations[i].metric(metric));
        }
    }
    CHECK_FALSE(back.import_digest.empty());
    // The same content gives the same digest; another content another one.
    CHECK(runs_from_hyperfine(dir / "kept.json", std::nullopt)[0].import_digest ==
          back.import_digest);
    original.iterations[0].metrics[0].value = 1.5;
    farm::core::write_file_atomically(dir / "other.json", hyperfine_json({original}));
    CHECK(runs_from_hyperfine(dir / "other.json", std::nullopt)[0].import_digest !=
          back.import_digest);
}

TEST_CASE("history::runs_from_hyperfine: a null exit code is a run ended by a signal") {
    std::filesystem::path dir = farm::test::fresh_folder("hyperfine_json", "null_exit");
    farm::test::write_file(dir / "h.json", R"({"results": [{"command": "crash", "mean": 0.2,
        "times": [0.1, 0.2, 0.3], "exit_codes": [0, null, 0], "parameters": {"n": "3"}}]})");
    std::vector<Run> runs = runs_from_hyperfine(dir / "h.json", std::nullopt);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].status == RunStatus::failed);
    CHECK(runs[0].iterations[1].exit_code == -1);
    CHECK(runs[0].iterations[0].exit_code == 0);
    CHECK(runs[0].parameters == std::vector<std::pair<std::string, std::string>>{{"n", "3"}});

    farm::test::write_file(dir / "bad.json", R"({"results": [{"command": "x", "times": [0.1],
        "exit_codes": ["zero"]}]})");
    CHECK_THROWS_WITH_AS(runs_from_hyperfine(dir / "bad.json", std::nullopt),
                         doctest::Contains("/results/0/exit_codes/0"), farm::UsageError);
}
