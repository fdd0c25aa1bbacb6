#include "farm/analysis/optimize_advice.hpp"

#include "analysis/optimize_advice_history.hpp"

#include <doctest/doctest.h>

using namespace farm::analysis;
using namespace farm::test;
using farm::core::Config;
using farm::history::Run;
using farm::history::RunStatus;
using farm::history::Store;

namespace {

std::vector<Recommendation> advise(Store& store, const Config& config = {},
                                   const AdviceWindow& window = {}) {
    return advise_builds_from_history(store, config, window);
}

// `runs` runs of `subject`, five builds each, every build taking about `seconds`.
void record_builds(Store& store, const std::string& subject, double seconds, int runs,
                   int first_minute = 0) {
    for (int i = 0; i < runs; ++i) {
        store.record(make_run("build", subject, first_minute + i,
                              {{"wall_s", around(seconds, 5, 0.1)},
                               {"max_rss_bytes", repeat(300e6, 5)},
                               {"tree_peak_rss_bytes", repeat(400e6, 5)}}));
    }
}

} // namespace

TEST_CASE("analysis::advise_builds_from_history slow_build") {
    Store store(fresh_history("slow-build"), Store::Mode::create);
    record_builds(store, "build:@shop/web", 18.2, 2);
    record_builds(store, "build:@shop/api", 35, 1, 10);
    record_builds(store, "build:@shop/ui", 14, 3, 20);

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "build:@shop/ui").empty()); // 14 s is under the 15 s line
    REQUIRE(rules_for(advice, "build:@shop/web") == std::vector<std::string>{"slow_build"});
    REQUIRE(rules_for(advice, "build:@shop/api") == std::vector<std::string>{"slow_build"});
    // Sorted: the 35 s build (over build_slow_s, 30 s) is HIGH and comes first.
    CHECK(advice[0].subject == "build:@shop/api");
    CHECK(advice[0].priority == Priority::high);
    CHECK(has(advice[0].finding, "35.0 s"));
    CHECK(has(advice[0].finding, "over 30 s"));
    CHECK(advice[0].evidence_runs == std::vector<std::int64_t>{3});
    const Recommendation& web = advice[1];
    CHECK(web.priority == Priority::medium);
    CHECK(web.area == "build");
    CHECK(has(web.finding, "median build 18.2 s over the newest 1 run (5 builds), over 15 s"));
    CHECK(web.evidence_runs == std::vector<std::int64_t>{2});
    CHECK_FALSE(web.action.empty());

    SUBCASE("build_slow_s below 15 s lowers the line") {
        Config config;
        config.thresholds.build_slow_s = 12;
        std::vector<Recommendation> strict = advise(store, config);
        CHECK(rules_for(strict, "build:@shop/ui") == std::vector<std::string>{"slow_build"});
        CHECK(find_rule(strict, "slow_build")->priority == Priority::high);
    }
}

TEST_CASE("analysis::advise_builds_from_history reads only the window and successful runs") {
    Store store(fresh_history("window"), Store::Mode::create);
    record_builds(store, "build:@shop/old", 40, 2, 0); // minutes 0 and 1
    Run failed = make_run("build", "build:@shop/broken", 100, {{"wall_s", repeat(50, 5)}});
    failed.status = RunStatus::failed;
    store.record(failed);

    CHECK(rules_for(advise(store), "build:@shop/old") == std::vector<std::string>{"slow_build"});
    CHECK(rules_for(advise(store), "build:@shop/broken").empty());
    AdviceWindow window;
    window.since = minutes_after_start(2);
    CHECK(advise(store, {}, window).empty());
    CHECK(history_has_runs(store, build_advice_kinds(), {}));
    CHECK(history_has_runs(store, build_advice_kinds(), window)); // the failed run is in it
    window.since = minutes_after_start(101);
    CHECK_FALSE(history_has_runs(store, build_advice_kinds(), window));
    CHECK_FALSE(history_has_runs(store, ai_advice_kinds(), {}));
}

TEST_CASE("analysis::advise_builds_from_history build_memory") {
    Store store(fresh_history("memory"), Store::Mode::create);
    store.record(make_run("build", "build:@shop/web", 0,
                          {{"wall_s", repeat(2, 5)},
                           {"max_rss_bytes", repeat(1e9, 5)},
                           {"tree_peak_rss_bytes", around(2.5e9, 5, 1e6)}}));
    store.record(make_run("build", "build:@shop/api", 1,
                          {{"wall_s", repeat(2, 5)}, {"max_rss_bytes", repeat(4.5e9, 5)}}));
    store.record(make_run("build", "build:@shop/ui", 2,
                          {{"wall_s", repeat(2, 5)},
                           {"max_rss_bytes", repeat(1e9, 5)},
                           {"tree_peak_rss_bytes", repeat(1.9e9, 5)}}));

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "build:@shop/ui").empty()); // 1.9 GB is under 2 GB
    REQUIRE(rules_for(advice, "build:@shop/web") == std::vector<std::string>{"build_memory"});
    REQUIRE(rules_for(advice, "build:@shop/api") == std::vector<std::string>{"build_memory"});
    // Without a tree peak, the largest process counts; 4.5 GB is over twice the budget.
    CHECK(advice[0].subject == "build:@shop/api");
    CHECK(advice[0].priority == Priority::high);
    CHECK(has(advice[0].finding, "4.2 GiB (max RSS, largest process)"));
    CHECK(advice[1].priority == Priority::medium);
    CHECK(has(advice[1].finding, "2.3 GiB (peak RSS, process tree)"));
    CHECK(has(advice[1].finding, "over 1.9 GiB"));

    SUBCASE("the budget comes from the config") {
        Config config;
        config.thresholds.build_memory_bytes = 5'000'000'000;
        CHECK(advise(store, config).empty());
    }
}

TEST_CASE("analysis::advise_builds_from_history build_slower") {
    Store store(fresh_history("slower"), Store::Mode::create);
    // Four runs of about 10 s, then the newest at about 14 s (+40%): significant, past twice
    // the 20% floor.
    record_builds(store, "build:@shop/web", 10, 4);
    record_builds(store, "build:@shop/web", 14, 1, 4);
    // The same spread and no change.
    record_builds(store, "build:@shop/api", 10, 5, 10);

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "build:@shop/api").empty());
    REQUIRE(rules_for(advice, "build:@shop/web") == std::vector<std::string>{"build_slower"});
    const Recommendation& r = advice.front();
    CHECK(r.priority == Priority::high);
    CHECK(has(r.finding, "10.00 s -> 14.00 s (+40%"));
    CHECK(has(r.finding, "newest 1 run against the 4 runs before"));
    CHECK(r.evidence_runs == std::vector<std::int64_t>{1, 2, 3, 4, 5});

    SUBCASE("a higher noise floor from the config hides it") {
        Config config;
        config.compare.threshold_pct["build"] = 50;
        CHECK(rules_for(advise(store, config), "build:@shop/web").empty());
    }
    SUBCASE("too few older samples give no verdict") {
        Store small(fresh_history("slower-small"), Store::Mode::create);
        small.record(make_run("build", "build:@shop/x", 0, {{"wall_s", around(10, 3, 0.1)}}));
        small.record(make_run("build", "build:@shop/x", 1, {{"wall_s", around(14, 5, 0.1)}}));
        CHECK(rules_for(advise(small), "build:@shop/x").empty());
    }
}

TEST_CASE("analysis::advise_builds_from_history output_growing and large_output") {
    Store store(fresh_history("output"), Store::Mode::create);
    for (int i = 0; i < 10; ++i) {
        double web = i < 5 ? 1.0e6 + 1000 * i : 1.3e6 + 1000 * i; // +30% in the newest five
        double api = 1.0e6 + 1000 * (i % 3);
        store.record(make_run("size", "size:@shop/web", i,
                              {{"files", {12}}, {"bytes", {web}}, {"brotli_bytes", {web / 4}}}));
        store.record(make_run("size", "size:@shop/api", i, {{"files", {3}}, {"bytes", {api}}}));
    }
    store.record(make_run("size", "size:@shop/big", 0, {{"bytes", {6e6}}}));
    store.record(make_run("size", "size:@shop/huge", 0, {{"bytes", {12e6}}}));
    store.record(make_run("size", "size:@shop/shrunk", 0, {{"bytes", {9e6}}}));
    store.record(make_run("size", "size:@shop/shrunk", 1, {{"bytes", {4e6}}}));

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "size:@shop/api").empty());
    CHECK(rules_for(advice, "size:@shop/shrunk").empty()); // only the newest size counts
    REQUIRE(rules_for(advice, "size:@shop/web") == std::vector<std::string>{"output_growing"});
    const Recommendation* growing = find_rule(advice, "output_growing");
    CHECK(growing->priority == Priority::medium);
    CHECK(has(growing->finding, "978.5 KiB -> 1.2 MiB (+30%"));
    CHECK(growing->evidence_runs.size() == 10);

    REQUIRE(rules_for(advice, "size:@shop/big") == std::vector<std::string>{"large_output"});
    REQUIRE(rules_for(advice, "size:@shop/huge") == std::vector<std::string>{"large_output"});
    for (const Recommendation& r : advice) {
        if (r.subject == "size:@shop/big") {
            CHECK(r.priority == Priority::low);
            CHECK(has(r.finding, "5.7 MiB (raw) in the newest run, over 4.8 MiB"));
        }
        if (r.subject == "size:@shop/huge") {
            CHECK(r.priority == Priority::medium);
        }
    }
}

TEST_CASE("analysis::advise_builds_from_history low_store_hits") {
    Store store(fresh_history("store"), Store::Mode::create);
    auto install = [&](const std::string& subject, double reused, double downloaded) {
        store.record(make_run("install", subject, 0,
                              {{"wall_s", repeat(8, 5)},
                               {"reused", repeat(reused, 5)},
                               {"downloaded", repeat(downloaded, 5)}}));
    };
    install("install:warm", 50, 50);
    install("install:noop", 10, 90);
    install("install:cold", 0, 100); // a cold install downloads on purpose
    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "install:cold").empty());
    REQUIRE(advice.size() == 2);
    CHECK(advice[0].subject == "install:noop");
    CHECK(advice[0].priority == Priority::high); // 10% is under half of 70%
    CHECK(advice[0].area == "install");
    CHECK(advice[1].subject == "install:warm");
    CHECK(advice[1].priority == Priority::medium);
    CHECK(has(advice[1].finding, "50% of packages (250 reused, 250 downloaded over the "
                                 "newest 1 run), under 70%"));
}

TEST_CASE("analysis::advise_builds_from_history a good hit rate, or nothing fetched, is fine") {
    Store store(fresh_history("store-good"), Store::Mode::create);
    store.record(make_run(
        "install", "install:warm", 0,
        {{"wall_s", repeat(8, 5)}, {"reused", repeat(90, 5)}, {"downloaded", repeat(10, 5)}}));
    store.record(make_run(
        "install", "install:noop", 0,
        {{"wall_s", repeat(1, 5)}, {"reused", repeat(0, 5)}, {"downloaded", repeat(0, 5)}}));
    CHECK(advise(store).empty());
}

TEST_CASE("analysis::advise_builds_from_history slow_install") {
    Store store(fresh_history("install"), Store::Mode::create);
    store.record(make_run("install", "install:warm", 0, {{"wall_s", around(70, 5, 1)}}));
    store.record(make_run("install", "install:noop", 0, {{"wall_s", around(50, 5, 1)}}));
    std::vector<Recommendation> advice = advise(store);
    REQUIRE(advice.size() == 1);
    CHECK(advice[0].rule == "slow_install");
    CHECK(advice[0].subject == "install:warm");
    CHECK(advice[0].priority == Priority::medium);
    CHECK(has(advice[0].finding, "median install 70.0 s over the newest 1 run, over 60 s"));
}

TEST_CASE("analysis::sort_by_priority keeps the order within a priority") {
    std::vector<Recommendation> list = {
        {Priority::low, "build", "a", "r1", "", {}, ""},
        {Priority::high, "build", "b", "r2", "", {}, ""},
        {Priority::medium, "build", "c", "r3", "", {}, ""},
        {Priority::high, "build", "d", "r4", "", {}, ""},
    };
    sort_by_priority(list);
    std::vector<std::string> order;
    for (const Recommendation& r : list) {
        order.push_back(r.subject);
    }
    CHECK(order == std::vector<std::string>{"b", "d", "c", "a"});
    CHECK(std::string(to_string(Priority::high)) == "HIGH");
    CHECK(std::string(to_string(Priority::medium)) == "MEDIUM");
    CHECK(std::string(to_string(Priority::low)) == "LOW");
}
