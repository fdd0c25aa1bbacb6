// What perf:build, perf:ai and perf:dev put in their timelines (trace_build, trace_ai,
// trace_dev), from results made by hand.
#include "farm/report/trace_ai.hpp"
#include "farm/report/trace_build.hpp"
#include "farm/report/trace_dev.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace farm::report;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::vector<json> events_of(const TraceEvents& trace, const std::string& phase) {
    std::vector<json> found;
    json document = trace.document(); // kept: a range over a temporary's member would dangle
    for (const json& event : document["traceEvents"]) {
        if (event["ph"] == phase) {
            found.push_back(event);
        }
    }
    return found;
}

bool inside(const json& instant, const json& span) {
    double ts = instant["ts"].get<double>();
    return ts >= span["ts"].get<double>() &&
           ts <= span["ts"].get<double>() + span["dur"].get<double>() + 1e-6;
}

farm::pnpm::TaskTiming task(const std::string& package, double start_ms, double end_ms) {
    farm::pnpm::TaskTiming t;
    t.id = package + "#build";
    t.package = package;
    t.task = "build";
    t.start_ms = start_ms;
    t.end_ms = end_ms;
    return t;
}

} // namespace

TEST_CASE("report::add_command_runs") {
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);
    farm::measure::RunResult result;
    for (int i = 0; i < 2; ++i) {
        farm::measure::Iteration it;
        it.index = std::size_t(i);
        it.process.started = zero + milliseconds(1000 * i);
        it.process.wall_s = 0.5;
        it.process.exit_code = 0;
        // 0.5 CPU seconds over 0.25 s: 2 cores; then 0.25 s more, by wait4's total, at 1 core.
        it.process.tree_series = {{0.0, 1 << 20, 0.0}, {0.25, 3 << 20, 0.5}};
        it.process.tree_cpu_s = 0.75;
        result.iterations.push_back(it);
    }
    add_command_runs(trace, {"sleep"}, {result});
    std::vector<json> spans = events_of(trace, "X");
    REQUIRE(spans.size() == 2);
    CHECK(spans[0]["name"] == "sleep #1");
    CHECK(spans[1]["ts"] == doctest::Approx(1e6));
    CHECK(spans[1]["dur"] == doctest::Approx(5e5));
    CHECK(spans[1]["args"]["run"] == 2);
    std::vector<json> counters = events_of(trace, "C");
    std::map<std::string, std::vector<double>> series;
    for (const json& c : counters) {
        for (const auto& [key, value] : c["args"].items()) {
            series[c["name"].get<std::string>() + " " + key].push_back(value.get<double>());
        }
    }
    CHECK(series["tree CPU cores"] == std::vector<double>{2, 1, 0, 2, 1, 0});
    CHECK(series["tree RSS MiB"] == std::vector<double>{1, 3, 0, 1, 3, 0});
}

TEST_CASE("report::add_ai_benchmark") {
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);
    // Two in flight at a time; request 3 failed.
    std::vector<TracedRequest> requests = {
        {0, 0, 100, 20.0, 200, ""},
        {1, 5, 60, 10.0, 200, ""},
        {2, 60, 150, 30.0, 200, ""},
        {3, 100, 120, std::nullopt, 500, "http_status"},
    };
    add_ai_benchmark(trace, 2, "mock/m/chat_stream concurrency 2", zero + milliseconds(10),
                     requests);
    std::vector<json> spans = events_of(trace, "X");
    std::vector<json> instants = events_of(trace, "i");
    REQUIRE(spans.size() == 4);
    REQUIRE(instants.size() == 3);
    std::map<int, std::vector<json>> by_track;
    for (const json& span : spans) {
        by_track[span["tid"]].push_back(span);
        CHECK(span["pid"] == 2);
    }
    CHECK(by_track.size() == 2);
    for (auto& [tid, list] : by_track) {
        for (std::size_t i = 1; i < list.size(); ++i) {
            CHECK(list[i]["ts"].get<double>() >=
                  list[i - 1]["ts"].get<double>() + list[i - 1]["dur"].get<double>() - 1e-6);
        }
    }
    CHECK(spans[0]["ts"] == doctest::Approx(10'000)); // the benchmark's origin is 10 ms in
    for (const json& instant : instants) {
        const json* span = nullptr;
        for (const json& s : spans) {
            if (s["args"]["request"] == instant["args"]["request"]) {
                span = &s;
            }
        }
        REQUIRE(span != nullptr);
        CHECK(instant["tid"] == (*span)["tid"]);
        CHECK(inside(instant, *span));
    }
    json failed = spans[3]["args"]["request"] == 3 ? spans[3] : spans[2];
    CHECK(failed["args"]["error"] == "http_status");
    CHECK(failed["args"]["http_status"] == 500);
}

TEST_CASE("report::add_gpu_counters") {
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);
    farm::sys::GpuSample sample;
    sample.at = zero + milliseconds(200);
    farm::sys::GpuReading gpu;
    gpu.index = 1;
    gpu.utilization_pct = 37;
    gpu.memory_used_bytes = std::int64_t(512) << 20;
    gpu.power_w = 250;
    sample.devices.push_back(gpu);
    add_gpu_counters(trace, 1, {sample});
    std::map<std::string, json> by_name;
    for (const json& c : events_of(trace, "C")) {
        by_name[c["name"]] = c;
        CHECK(c["ts"] == doctest::Approx(2e5));
    }
    CHECK(by_name.size() == 3); // no temperature was read
    CHECK(by_name["GPU 1 utilization"]["args"]["%"] == 37);
    CHECK(by_name["GPU 1 memory used"]["args"]["MiB"] == 512);
    CHECK(by_name["GPU 1 power"]["args"]["W"] == 250);
    add_gpu_counters(trace, 1, {}); // no telemetry: nothing, not even a process name
    CHECK(events_of(trace, "M").size() == 1);
}

TEST_CASE("report::add_dev_session") {
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);
    farm::dev::DevResult result;
    result.started = zero;
    farm::dev::ServiceMeasurement web;
    web.name = "web";
    farm::dev::StartupTimeline startup;
    startup.spawned_s = 1;
    startup.first_output_s = 1.1;
    startup.port_open_s = 1.3;
    startup.ready_s = 1.3;
    startup.first_2xx_s = 1.6;
    web.startups.push_back(startup);
    web.reloads.push_back({3.0, 0.05, 0.04, "vite:update", std::nullopt});
    result.services.push_back(web);
    add_dev_session(trace, result);

    std::vector<json> spans = events_of(trace, "X");
    REQUIRE(spans.size() == 6); // the start-up, 4 phases, the reload
    CHECK(spans[0]["name"] == "start-up #1");
    CHECK(spans[0]["ts"] == doctest::Approx(1e6));
    CHECK(spans[0]["dur"] == doctest::Approx(6e5));
    std::vector<std::string> phases;
    for (std::size_t i = 1; i < 5; ++i) {
        phases.push_back(spans[i]["name"]);
        CHECK(inside(spans[i], spans[0]));
    }
    CHECK(phases == std::vector<std::string>{"spawn -> first output", "first output -> port open",
                                             "port open -> ready", "ready -> first 2xx"});
    CHECK(spans[5]["name"] == "reload #1");
    CHECK(spans[5]["dur"] == doctest::Approx(5e4));
    CHECK(spans[5]["args"]["hmr_message"] == "vite:update");
    std::vector<json> instants = events_of(trace, "i");
    REQUIRE(instants.size() == 2);
    CHECK(instants[0]["name"] == "hmr");
    CHECK(instants[1]["name"] == "server_log");
}

TEST_CASE("report::add_dev_session: a phase ends exactly where the next one starts") {
    // Times (nanosecond steps, as a steady clock gives them) where the start of a phase plus its
    // duration, both in floating point, rounds 0.1 µs away from the next phase's start: such
    // spans overlapped without nesting, which a trace viewer draws as a broken stack. One
    // service each, so that each start-up has a track of its own.
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);
    farm::dev::DevResult result;
    result.started = zero;
    const double times[][3] = {{0.551863374, 0.721830612, 0.78173865},
                               {0.318370025, 0.399537528, 0.70824125},
                               {0.578775555, 0.59689125, 0.60187065},
                               {0.557277143, 0.791801501, 0.98645985}};
    for (const auto& [spawned, first_output, port_open] : times) {
        farm::dev::ServiceMeasurement service;
        service.name = "web" + std::to_string(result.services.size());
        farm::dev::StartupTimeline startup;
        startup.spawned_s = spawned;
        startup.first_output_s = first_output;
        startup.port_open_s = port_open;
        startup.ready_s = port_open + 0.000000150;
        service.startups.push_back(startup);
        result.services.push_back(service);
    }
    add_dev_session(trace, result);

    std::map<int, std::vector<json>> by_track; // in the document's order: by start time
    for (const json& span : events_of(trace, "X")) {
        by_track[span["tid"].get<int>()].push_back(span);
    }
    REQUIRE(by_track.size() == 4);
    auto end_of = [](const json& span) {
        return span["ts"].get<double>() + span["dur"].get<double>();
    };
    for (const auto& [tid, spans] : by_track) {
        CAPTURE(tid);
        REQUIRE(spans.size() == 4); // the start-up and 3 phases
        REQUIRE(spans[0]["name"] == "start-up #1");
        CHECK(spans[1]["ts"].get<double>() == spans[0]["ts"].get<double>());
        for (std::size_t phase = 2; phase <= 3; ++phase) {
            CHECK(spans[phase]["ts"].get<double>() ==
                  doctest::Approx(end_of(spans[phase - 1])).epsilon(1e-12));
        }
        CHECK(end_of(spans[3]) == doctest::Approx(end_of(spans[0])).epsilon(1e-12));
    }
}

TEST_CASE("report::add_project_runs") {
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);
    farm::pnpm::ProjectBenchmarkResult result;
    // One install run of 2 s starting 1 s in; pnpm's clock put at the same wall time.
    farm::pnpm::InstallOutcome install;
    farm::measure::Iteration run;
    run.process.started = zero + milliseconds(1000);
    run.process.wall_s = 2;
    run.process.exit_code = 0;
    install.run.iterations.push_back(run);
    double start_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() -
                      std::chrono::duration<double, std::milli>(TraceClock::now() - zero).count() +
                      1000;
    farm::pnpm::InstallStats stats;
    stats.resolution_started_ms = std::int64_t(start_ms) + 100;
    stats.resolution_s = 0.5;
    stats.importing_started_ms = std::int64_t(start_ms) + 700;
    stats.importing_s = 9; // longer than the run: cut at its end
    stats.lifecycle_scripts = {{"esbuild@0.25.0", "postinstall", 0.3, 0, std::int64_t(start_ms)},
                               {"sharp@0.33.0", "install", 0.3, 0, std::int64_t(start_ms) + 100}};
    install.stats.push_back(stats);
    result.install = install;
    // A turbo run of 1 s at 4 s with two tasks at once, then one after.
    farm::pnpm::RunnerBuild runner;
    farm::measure::Iteration turbo;
    turbo.process.started = zero + milliseconds(4000);
    turbo.process.wall_s = 1;
    turbo.process.exit_code = 0;
    runner.run.iterations.push_back(turbo);
    farm::pnpm::RunSummary summary;
    summary.start_ms = 5000;
    summary.end_ms = 6000;
    summary.tasks = {task("a", 5000, 5400), task("b", 5100, 5300), task("c", 5400, 5900)};
    runner.summaries.push_back(summary);
    result.runner_build = runner;
    add_project_runs(trace, result);

    std::map<std::string, json> by_name;
    for (const json& span : events_of(trace, "X")) {
        by_name[span["name"]] = span;
    }
    REQUIRE(by_name.count("install #1"));
    REQUIRE(by_name.count("resolution"));
    REQUIRE(by_name.count("link (importing)"));
    const json& install_span = by_name["install #1"];
    double run_end = install_span["ts"].get<double>() + install_span["dur"].get<double>();
    for (const char* name : {"resolution", "link (importing)", "esbuild@0.25.0 postinstall"}) {
        CHECK(inside(by_name[name], install_span));
        CHECK(by_name[name]["ts"].get<double>() + by_name[name]["dur"].get<double>() <=
              run_end + 1e-6);
    }
    CHECK(by_name["resolution"]["dur"] == doctest::Approx(5e5));
    // The two scripts overlap: two lanes.
    CHECK(by_name["esbuild@0.25.0 postinstall"]["tid"] != by_name["sharp@0.33.0 install"]["tid"]);
    // Tasks placed from the run's start; a and b at once on two lanes, c after a on a's.
    CHECK(by_name["a#build"]["ts"] == doctest::Approx(4e6));
    CHECK(by_name["b#build"]["ts"] == doctest::Approx(4.1e6));
    CHECK(by_name["a#build"]["tid"] != by_name["b#build"]["tid"]);
    CHECK(by_name["c#build"]["tid"] == by_name["a#build"]["tid"]);
    CHECK(by_name["a#build"]["args"]["package"] == "a");
}
