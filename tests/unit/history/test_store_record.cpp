// Store::record of spooled iterations stores exactly what recording the same iterations from
// memory stores: the rows, each metric's values by iteration and its summary.
#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/record_spool.hpp"

#include "support/files.hpp"
#include "support/store_runs.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::history;
using farm::measure::IterationRecord;
using farm::measure::RecordSpool;
using farm::test::fresh_db;
using farm::test::same_bits;

namespace {

Run header(const std::string& subject) {
    Run run;
    run.kind = "ai";
    run.subject = subject;
    run.command = "farm perf:ai";
    run.started_at = "2026-11-23T12:00:00.000Z";
    run.context.project = {{"operation", "chat_stream"}};
    return run;
}

// Requests as a benchmark ends them: out of index order, some failed (with fewer metrics), a
// metric only some requests have, a value that was not measured.
std::vector<IterationRecord> requests(std::size_t count) {
    std::mt19937 random(11);
    std::vector<IterationRecord> all;
    for (std::size_t i = 0; i < count; ++i) {
        IterationRecord r;
        r.index = int(i);
        r.exit_code = random() % 7 == 0 ? 1 : 0;
        if (r.exit_code == 0) {
            r.metrics.push_back({"ttft_ms", "ms", double(random() % 10000) / 7});
            r.metrics.push_back({"e2e_ms", "ms", double(random() % 100000) / 3});
            if (i % 5 == 0) {
                r.metrics.push_back({"tpot_ms", "ms", std::numeric_limits<double>::quiet_NaN()});
            }
        } else {
            r.metrics.push_back({"failed", "count", 1});
        }
        r.metrics.push_back({"prompt_index", "count", double(i % 3)});
        all.push_back(r);
    }
    // Concurrent requests end in another order than they started.
    for (std::size_t i = 0; i + 1 < all.size(); i += 3) {
        std::swap(all[i], all[i + 1 + random() % std::min<std::size_t>(30, all.size() - i - 1)]);
    }
    return all;
}

} // namespace

TEST_CASE("history::Store records spooled iterations as it records them from memory") {
    for (std::size_t count : {std::size_t(1), std::size_t(7), std::size_t(3000)}) {
        CAPTURE(count);
        fs::path path = fresh_db("history-spooled.db");
        Store store(path, Store::Mode::create);
        std::vector<IterationRecord> all = requests(count);
        RecordSpool spool;
        for (const IterationRecord& r : all) {
            spool.append(r);
        }
        Run from_memory = header("memory");
        from_memory.iterations = all;
        std::int64_t memory_id = store.record(from_memory);
        std::int64_t spool_id = store.record(header("spooled"), spool);

        Run a = store.load_run(memory_id);
        Run b = store.load_run(spool_id);
        REQUIRE(a.iterations.size() == count);
        REQUIRE(b.iterations.size() == count);
        bool same = true;
        for (std::size_t i = 0; i < count; ++i) {
            const IterationRecord& x = a.iterations[i];
            const IterationRecord& y = b.iterations[i];
            same = same && x.index == int(i) && y.index == int(i) && x.exit_code == y.exit_code &&
                   x.metrics.size() == y.metrics.size();
            for (std::size_t m = 0; same && m < x.metrics.size(); ++m) {
                same = x.metrics[m].name == y.metrics[m].name &&
                       x.metrics[m].unit == y.metrics[m].unit &&
                       same_bits(x.metrics[m].value, y.metrics[m].value);
            }
        }
        CHECK(same);
        // Each request's values found their own request again.
        for (const IterationRecord& want : all) {
            const IterationRecord& got = b.iterations[std::size_t(want.index)];
            CHECK(got.exit_code == want.exit_code);
            CHECK(got.metric("prompt_index") == want.metric("prompt_index"));
            CHECK(got.metric("e2e_ms") == want.metric("e2e_ms"));
            if (got.index > 20) {
                break;
            }
        }

        RunQuery query;
        query.kind = "ai";
        std::vector<RunOverview> runs = store.recent_runs(query);
        REQUIRE(runs.size() == 2);
        const RunOverview& memory = runs[0].subject == "memory" ? runs[0] : runs[1];
        const RunOverview& spooled = runs[0].subject == "memory" ? runs[1] : runs[0];
        REQUIRE(memory.metrics.size() == spooled.metrics.size());
        for (std::size_t m = 0; m < memory.metrics.size(); ++m) {
            const MetricSeries& x = memory.metrics[m];
            const MetricSeries& y = spooled.metrics[m];
            CHECK(x.name == y.name);
            CHECK(x.unit == y.unit);
            CHECK(x.summary.count == y.summary.count);
            CHECK(same_bits(x.summary.median, y.summary.median));
            CHECK(same_bits(x.summary.mean, y.summary.mean));
            CHECK(same_bits(x.summary.p95, y.summary.p95));
            CHECK(same_bits(x.summary.ci95_low, y.summary.ci95_low));
        }
        // A metric never measured (tpot_ms is NaN wherever it appears) is not stored.
        CHECK(spooled.metric("tpot_ms") == nullptr);
        CHECK(spooled.metric("ttft_ms") != nullptr);
    }
}

TEST_CASE("history::Store reads a run's header alone, or a few of its metrics by iteration") {
    fs::path path = fresh_db("history-columns.db");
    Store store(path, Store::Mode::create);
    RecordSpool spool;
    for (const IterationRecord& r : requests(40)) {
        spool.append(r);
    }
    Run run = header("columns");
    run.context.project["base_url"] = "http://127.0.0.1:8000";
    std::int64_t id = store.record(run, spool);

    Run head = store.load_run_header(id);
    CHECK(head.iterations.empty());
    CHECK(head.subject == "columns");
    CHECK(head.context.project == run.context.project);
    CHECK_THROWS_AS(store.load_run_header(id + 1), farm::DatabaseError);

    Run whole = store.load_run(id);
    Run some = store.load_run(id, std::vector<std::string>{"ttft_ms"});
    REQUIRE(some.iterations.size() == 40);
    for (std::size_t i = 0; i < 40; ++i) {
        CHECK(some.iterations[i].exit_code == whole.iterations[i].exit_code);
        CHECK(some.iterations[i].metrics.size() == (whole.iterations[i].exit_code == 0 ? 1 : 0));
        CHECK(some.iterations[i].metric("ttft_ms") == whole.iterations[i].metric("ttft_ms"));
    }
    CHECK(store.load_run(id, std::vector<std::string>{}).iterations.at(3).metrics.empty());
    RunColumns columns = store.load_columns(id, {"e2e_ms", "failed", "never_measured"});
    REQUIRE(columns.size() == 40);
    CHECK(columns.values.count("never_measured") == 0);
    CHECK(std::isnan(columns.at("never_measured", 0)));
    CHECK(std::isnan(columns.at("e2e_ms", 40)));
    for (std::size_t i = 0; i < 40; ++i) {
        const IterationRecord& it = whole.iterations[i];
        CHECK(columns.exit_codes[i] == it.exit_code);
        std::optional<double> e2e = it.metric("e2e_ms");
        CHECK(std::isnan(columns.at("e2e_ms", i)) == !e2e.has_value());
        if (e2e) {
            CHECK(columns.at("e2e_ms", i) == *e2e);
        }
        CHECK(std::isnan(columns.at("failed", i)) == (it.exit_code == 0));
    }
}
