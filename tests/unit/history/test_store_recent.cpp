// The history store's queries: the newest runs of each subject, by kind and subject glob.
#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/history/schema.hpp"
#include "farm/measure/stats.hpp"

#include "support/files.hpp"
#include "support/store_runs.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using farm::DatabaseError;
using namespace farm::history;
using farm::measure::IterationRecord;
using farm::measure::MetricValue;
using farm::test::database_error_of;
using farm::test::everything;
using farm::test::fresh_db;
using farm::test::make_run;
using farm::test::same_bits;
using farm::test::timestamp;

TEST_CASE("history::Store recent_runs summaries match measure::summarize") {
    fs::path path = fresh_db("history-summaries.db");
    Store store(path, Store::Mode::create);
    const std::vector<double> wall{12.1, 11.8, 12.4, 12.0, 13.1, 11.9, 12.2, 12.3, 12.0, 14.5};
    const std::vector<double> user{10.0, 10.2, 9.9, 10.1, 10.0, 10.3, 9.8, 25.0, 10.0, 10.1};
    const std::vector<double> rss{5e8, 5e8, 5e8, 5e8, 5e8, 6e8, 7e8, 5e8, 5e8, 5.5e8};
    std::int64_t id =
        store.record(make_run("build", "app", timestamp(4),
                              {{"wall_s", wall}, {"user_s", user}, {"max_rss_bytes", rss}}));

    std::vector<RunOverview> runs = store.recent_runs(everything());
    REQUIRE(runs.size() == 1);
    const RunOverview& overview = runs[0];
    CHECK(overview.id == id);
    CHECK(overview.kind == "build");
    CHECK(overview.subject == "app");
    CHECK(overview.command == "make -j8 all");
    CHECK(overview.started_at == timestamp(4));
    CHECK(overview.status == RunStatus::ok);
    CHECK(overview.git_commit == "0123456789abcdef0123456789abcdef01234567");
    CHECK(overview.git_branch == "main");
    CHECK_FALSE(overview.git_dirty);
    REQUIRE(overview.metrics.size() == 3);
    CHECK(overview.metrics[0].name == "wall_s");
    CHECK(overview.metrics[1].name == "user_s");
    CHECK(overview.metrics[2].name == "max_rss_bytes");
    CHECK(overview.metrics[2].unit == "bytes");
    CHECK(overview.metric("missing") == nullptr);
    for (const auto& [name, values] : std::vector<std::pair<std::string, std::vector<double>>>{
             {"wall_s", wall}, {"user_s", user}, {"max_rss_bytes", rss}}) {
        CAPTURE(name);
        const MetricSeries* series = overview.metric(name);
        REQUIRE(series != nullptr);
        CHECK(series->values.empty()); // summaries only
        farm::measure::Summary expected = farm::measure::summarize(values);
        const farm::measure::Summary& s = series->summary;
        CHECK(s.count == expected.count);
        CHECK(same_bits(s.mean, expected.mean));
        CHECK(same_bits(s.median, expected.median));
        CHECK(same_bits(s.stddev, expected.stddev));
        CHECK(same_bits(s.min, expected.min));
        CHECK(same_bits(s.max, expected.max));
        CHECK(same_bits(s.p95, expected.p95));
        CHECK(same_bits(s.ci95_low, expected.ci95_low));
        CHECK(same_bits(s.ci95_high, expected.ci95_high));
    }
}

TEST_CASE("history::Store recent_runs keeps the newest runs of each subject, newest first") {
    fs::path path = fresh_db("history-recent.db");
    Store store(path, Store::Mode::create);
    // Recorded out of time order: the order comes from started_at, not from the ids.
    std::vector<int> days{5, 1, 9, 3, 7, 2, 8, 4, 6};
    for (int day : days) {
        store.record(make_run("build", "app", timestamp(day), {{"wall_s", {double(day)}}}));
        store.record(make_run("build", "lib", timestamp(day), {{"wall_s", {100.0 + day}}}));
    }
    // Two runs started in the same millisecond: the later recorded one counts as newer.
    std::int64_t tie_first =
        store.record(make_run("build", "tie", timestamp(1), {{"wall_s", {1.0}}}));
    std::int64_t tie_second =
        store.record(make_run("build", "tie", timestamp(1), {{"wall_s", {2.0}}}));

    RunQuery query;
    query.per_subject = 3;
    std::vector<RunOverview> runs = store.recent_runs(query);
    REQUIRE(runs.size() == 8);
    const char* subjects[] = {"app", "app", "app", "lib", "lib", "lib", "tie", "tie"};
    const int expected_days[] = {9, 8, 7, 9, 8, 7, 1, 1};
    for (std::size_t i = 0; i < runs.size(); ++i) {
        CAPTURE(i);
        CHECK(runs[i].subject == subjects[i]);
        CHECK(runs[i].started_at == timestamp(expected_days[i]));
        REQUIRE(runs[i].metrics.size() == 1);
        double expected = (runs[i].subject == "lib" ? 100.0 : 0.0) + expected_days[i];
        if (runs[i].subject != "tie") {
            CHECK(runs[i].metrics[0].summary.median == expected);
        }
    }
    CHECK(runs[6].id == tie_second);
    CHECK(runs[7].id == tie_first);
    CHECK(runs[6].metrics[0].summary.median == 2.0);

    SUBCASE("the default keeps 10") {
        for (int day = 10; day < 20; ++day) {
            store.record(make_run("build", "app", timestamp(day), {{"wall_s", {1.0}}}));
        }
        std::vector<RunOverview> defaults = store.recent_runs(RunQuery{});
        std::size_t app = 0;
        for (const RunOverview& r : defaults) {
            app += r.subject == "app" ? 1 : 0;
        }
        CHECK(app == 10);
        CHECK(defaults.size() == 10 + 9 + 2);
        CHECK(defaults.front().started_at == timestamp(19));
    }
    SUBCASE("per_subject 1 keeps only the newest") {
        query.per_subject = 1;
        std::vector<RunOverview> newest = store.recent_runs(query);
        REQUIRE(newest.size() == 3);
        CHECK(newest[0].started_at == timestamp(9));
        CHECK(newest[1].started_at == timestamp(9));
        CHECK(newest[2].id == tie_second);
    }
    SUBCASE("per_subject 0 keeps nothing") {
        query.per_subject = 0;
        CHECK(store.recent_runs(query).empty());
    }
    SUBCASE("the largest per_subject keeps everything") {
        query.per_subject = std::numeric_limits<std::size_t>::max();
        CHECK(store.recent_runs(query).size() == 2 * days.size() + 2);
    }
}

TEST_CASE("history::Store recent_runs filters by kind and subject glob") {
    fs::path path = fresh_db("history-filters.db");
    Store store(path, Store::Mode::create);
    store.record(make_run("build", "web-app", timestamp(1), {{"wall_s", {1}}}));
    store.record(make_run("build", "web-admin", timestamp(2), {{"wall_s", {2}}}));
    store.record(make_run("build", "api", timestamp(3), {{"wall_s", {3}}}));
    store.record(make_run("install", "web-app", timestamp(4), {{"wall_s", {4}}}));
    store.record(make_run("ai", "Web-App", timestamp(5), {{"tokens_per_s", {5}}}));

    auto subjects_of = [&](const RunQuery& query) {
        std::vector<std::string> found;
        for (const RunOverview& run : store.recent_runs(query)) {
            found.push_back(run.kind + ":" + run.subject);
        }
        return found;
    };
    using List = std::vector<std::string>;

    // Groups come in (kind, subject) order.
    CHECK(subjects_of(RunQuery{}) ==
          List{"ai:Web-App", "build:api", "build:web-admin", "build:web-app", "install:web-app"});

    RunQuery build;
    build.kind = "build";
    CHECK(subjects_of(build) == List{"build:api", "build:web-admin", "build:web-app"});

    RunQuery unknown_kind;
    unknown_kind.kind = "bench";
    CHECK(subjects_of(unknown_kind).empty());

    RunQuery web;
    web.subject_glob = "web-*";
    CHECK(subjects_of(web) == List{"build:web-admin", "build:web-app", "install:web-app"});

    RunQuery web_build = web;
    web_build.kind = "build";
    CHECK(subjects_of(web_build) == List{"build:web-admin", "build:web-app"});

    RunQuery exact;
    exact.subject_glob = "web-app";
    CHECK(subjects_of(exact) == List{"build:web-app", "install:web-app"});

    // GLOB is case-sensitive, unlike LIKE.
    RunQuery upper;
    upper.subject_glob = "Web-*";
    CHECK(subjects_of(upper) == List{"ai:Web-App"});

    RunQuery single;
    single.subject_glob = "ap?";
    CHECK(subjects_of(single) == List{"build:api"});

    RunQuery none;
    none.subject_glob = "nothing*";
    CHECK(subjects_of(none).empty());

    RunQuery class_glob;
    class_glob.subject_glob = "[aw]*";
    CHECK(subjects_of(class_glob).size() == 4);
}
