#include "farm/history/schema.hpp"

#include "farm/core/error.hpp"
#include "farm/history/store.hpp"
#include "farm/history/values_codec.hpp"
#include "farm/measure/stats.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using farm::DatabaseError;
using namespace farm::history;
using farm::test::fresh_db;

namespace {

bool has_column(SQLite::Database& db, const std::string& table, const std::string& column) {
    SQLite::Statement query(db, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?");
    query.bind(1, table);
    query.bind(2, column);
    query.executeStep();
    return query.getColumn(0).getInt() == 1;
}

// Builds a database the way a farm with schema version 1 left it.
void create_version_1(const fs::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Transaction transaction(db);
    migrate(db, 1);
    transaction.commit();
}

std::int64_t insert_v1_run(SQLite::Database& db, const std::string& subject,
                           const std::string& started_at, std::size_t iterations) {
    SQLite::Statement run(db, R"sql(
        INSERT INTO runs (kind, subject, command, folder, started_at, status, git_commit,
                          git_branch, git_dirty, host_name, tool_versions)
        VALUES ('build', ?, 'make -j8', '/src', ?, 'ok', 'abc123', 'main', 1, 'old-host',
                '{"farm":"0.0.9"}'))sql");
    run.bind(1, subject);
    run.bind(2, started_at);
    run.exec();
    std::int64_t id = db.getLastInsertRowid();
    SQLite::Statement iteration(
        db, "INSERT INTO iterations (run_id, idx, exit_code, signal) VALUES (?, ?, 0, 0)");
    for (std::size_t i = 0; i < iterations; ++i) {
        iteration.bind(1, id);
        iteration.bind(2, static_cast<std::int64_t>(i));
        iteration.exec();
        iteration.reset();
    }
    return id;
}

void insert_v1_metric(SQLite::Database& db, std::int64_t run_id, const std::string& name,
                      const std::string& unit, const std::string& vals) {
    SQLite::Statement metric(db,
                             "INSERT INTO metrics (run_id, name, unit, vals) VALUES (?, ?, ?, ?)");
    metric.bind(1, run_id);
    metric.bind(2, name);
    metric.bind(3, unit);
    metric.bind(4, vals);
    metric.exec();
}

void check_summary(const MetricSeries* series, const std::vector<double>& values) {
    REQUIRE(series != nullptr);
    farm::measure::Summary expected = farm::measure::summarize(values);
    const farm::measure::Summary& s = series->summary;
    CHECK(s.count == expected.count);
    CHECK(s.mean == expected.mean);
    CHECK(s.median == expected.median);
    CHECK(s.stddev == expected.stddev);
    CHECK(s.min == expected.min);
    CHECK(s.max == expected.max);
    CHECK(s.p95 == expected.p95);
    CHECK(s.ci95_low == expected.ci95_low);
    CHECK(s.ci95_high == expected.ci95_high);
}

} // namespace

TEST_CASE("history::migrate builds the latest schema on an empty database") {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    CHECK(schema_version(db) == 0);
    SQLite::Transaction transaction(db);
    migrate(db);
    transaction.commit();
    CHECK(schema_version(db) == latest_schema_version);
    CHECK(db.tableExists("farm_meta"));
    CHECK(db.tableExists("runs"));
    CHECK(db.tableExists("iterations"));
    CHECK(db.tableExists("metrics"));
    CHECK(db.execAndGet("SELECT value FROM farm_meta WHERE key = 'application'").getString() ==
          "farm");
    CHECK(has_column(db, "runs", "duration_s"));
    for (const char* column :
         {"count", "mean", "median", "stddev", "min", "max", "p95", "ci95_low", "ci95_high"}) {
        CAPTURE(column);
        CHECK(has_column(db, "metrics", column));
    }
}

TEST_CASE("history::migrate stops at the target version") {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Transaction transaction(db);
    migrate(db, 1);
    transaction.commit();
    CHECK(schema_version(db) == 1);
    CHECK(db.tableExists("runs"));
    CHECK_FALSE(has_column(db, "runs", "duration_s"));
    CHECK_FALSE(has_column(db, "metrics", "median"));

    SUBCASE("and goes on from there later") {
        SQLite::Transaction second(db);
        migrate(db);
        second.commit();
        CHECK(schema_version(db) == latest_schema_version);
        CHECK(has_column(db, "metrics", "median"));
    }
    SUBCASE("migrating to the current version again changes nothing") {
        migrate(db, 1);
        CHECK(schema_version(db) == 1);
        CHECK_FALSE(has_column(db, "metrics", "median"));
    }
}

TEST_CASE("history::migrate refuses a schema newer than this farm") {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db);
    db.exec("PRAGMA user_version = 99");
    CHECK_THROWS_WITH_AS(migrate(db), doctest::Contains("newer"), DatabaseError);
    CHECK(schema_version(db) == 99);
}

TEST_CASE("history::Store migrates a version 1 database in place") {
    fs::path path = fresh_db("history-schema-v1.db");
    create_version_1(path);

    const std::vector<double> wall{12.5, 11.75, 13.0, 12.25, 40.0};
    const std::vector<double> rss{1.0e9, 1.25e9, 0.9e9, 1.1e9, 1.05e9};
    const std::vector<double> newer_wall{9.0, 9.5, 8.75};
    std::int64_t old_id = 0;
    std::int64_t newer_id = 0;
    std::int64_t empty_id = 0;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        REQUIRE(schema_version(db) == 1);
        old_id = insert_v1_run(db, "app", "2024-01-01T10:00:00.000Z", wall.size());
        insert_v1_metric(db, old_id, "wall_s", "s", encode_values(wall));
        // Written by hand or by another encoder: spaces are valid JSON and must be read.
        insert_v1_metric(db, old_id, "max_rss_bytes", "bytes",
                         "[ 1000000000, 1.25e9, 900000000, 1100000000, 1050000000 ]");
        newer_id = insert_v1_run(db, "app", "2024-01-02T10:00:00.000Z", newer_wall.size());
        insert_v1_metric(db, newer_id, "wall_s", "s", encode_values(newer_wall));
        // An interrupted run kept an empty metric: nothing to summarise.
        empty_id = insert_v1_run(db, "lib", "2024-01-03T10:00:00.000Z", 0);
        insert_v1_metric(db, empty_id, "wall_s", "s", "[]");
    }

    Store store(path, Store::Mode::existing);
    CHECK(store.schema_version() == latest_schema_version);

    RunQuery all;
    all.per_subject = 100;
    std::vector<RunOverview> runs = store.recent_runs(all);
    REQUIRE(runs.size() == 3);
    CHECK(runs[0].subject == "app");
    CHECK(runs[0].id == newer_id);
    CHECK(runs[1].id == old_id);
    CHECK(runs[2].id == empty_id);
    CHECK(runs[1].git_commit == "abc123");
    CHECK(runs[1].git_branch == "main");
    CHECK(runs[1].git_dirty);
    CHECK(runs[1].command == "make -j8");

    REQUIRE(runs[1].metrics.size() == 2);
    CHECK(runs[1].metrics[0].name == "wall_s");
    CHECK(runs[1].metrics[1].name == "max_rss_bytes");
    check_summary(runs[1].metric("wall_s"), wall);
    check_summary(runs[1].metric("max_rss_bytes"), rss);
    CHECK(runs[1].metric("wall_s")->summary.median == 12.5);
    check_summary(runs[0].metric("wall_s"), newer_wall);
    CHECK(runs[0].metric("wall_s")->summary.median == 9.0);
    REQUIRE(runs[2].metrics.size() == 1);
    CHECK(runs[2].metrics[0].summary.count == 0);

    Run old = store.load_run(old_id);
    CHECK(old.kind == "build");
    CHECK(old.subject == "app");
    CHECK(old.duration_s == 0);
    CHECK(old.context.host.name == "old-host");
    CHECK(old.context.tool_versions.at("farm") == "0.0.9");
    REQUIRE(old.iterations.size() == wall.size());
    for (std::size_t i = 0; i < wall.size(); ++i) {
        CAPTURE(i);
        CHECK(old.iterations[i].metric("wall_s") == wall[i]);
        CHECK(old.iterations[i].metric("max_rss_bytes") == rss[i]);
    }

    SUBCASE("the migrated database records new runs") {
        Run run;
        run.kind = "build";
        run.subject = "app";
        run.started_at = "2024-02-01T10:00:00.000Z";
        run.duration_s = 3.5;
        run.iterations.push_back({0, 0, 0, {{"wall_s", "s", 3.0}}});
        std::int64_t id = store.record(run);
        CHECK(store.load_run(id).duration_s == 3.5);
        std::vector<RunOverview> after = store.recent_runs(all);
        REQUIRE(after.size() == 4);
        CHECK(after[0].id == id);
    }
    SUBCASE("opening it again does not migrate again") {
        Store again(path, Store::Mode::existing);
        CHECK(again.schema_version() == latest_schema_version);
        CHECK(again.recent_runs(all).size() == 3);
    }
}

TEST_CASE("history::Store rolls a failed migration back and names the file") {
    fs::path path = fresh_db("history-schema-bad-v1.db");
    create_version_1(path);
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        std::int64_t id = insert_v1_run(db, "app", "2024-01-01T10:00:00.000Z", 2);
        insert_v1_metric(db, id, "wall_s", "s", "[1.5, 2.5]");
        insert_v1_metric(db, id, "user_s", "s", "[1.5, oops]");
    }

    CHECK_THROWS_WITH_AS(Store(path, Store::Mode::existing),
                         doctest::Contains(path.string().c_str()), DatabaseError);
    CHECK_THROWS_WITH_AS(Store(path, Store::Mode::create), doctest::Contains("damaged"),
                         DatabaseError);

    // The migration ran in one transaction: nothing of version 2 is left behind.
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(schema_version(db) == 1);
    CHECK_FALSE(has_column(db, "metrics", "median"));
    CHECK_FALSE(has_column(db, "runs", "duration_s"));
    CHECK(db.execAndGet("SELECT count(*) FROM runs").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM metrics").getInt() == 2);
}

TEST_CASE("history::Store migrates version 3 to 4 and keeps a batch's columns") {
    fs::path path = fresh_db("history-schema-v3.db");
    std::int64_t old_id = 0;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        SQLite::Transaction transaction(db);
        migrate(db, 3);
        transaction.commit();
        old_id = insert_v1_run(db, "app", "2024-01-01T10:00:00.000Z", 1);
    }
    Store store(path, Store::Mode::existing);
    CHECK(store.schema_version() == latest_schema_version);
    Run old = store.load_run(old_id);
    CHECK(old.batch_id.empty());
    CHECK_FALSE(old.order_seed);
    CHECK(old.parameters.empty());
    CHECK_FALSE(old.shell_overhead_s);
    CHECK(old.import_digest.empty());

    Run run;
    run.kind = "build";
    run.subject = "sleep {t}";
    run.started_at = "2024-02-01T10:00:00.000Z";
    run.batch_id = "20240201T100000Z-1";
    run.order_seed = 0xFEDC'BA98'7654'3210ULL; // above INT64_MAX: kept bit for bit
    run.parameters = {{"t", "0.1"}, {"mode", "a b"}};
    run.shell_overhead_s = 0.0021;
    run.import_digest = "0123456789abcdef";
    run.iterations.push_back({0, 0, 0, {{"wall_s", "s", 0.1}}});
    std::int64_t id = store.record(run);
    for (const Run& back : {store.load_run(id), store.load_run_header(id)}) {
        CHECK(back.batch_id == run.batch_id);
        CHECK(back.order_seed == run.order_seed);
        CHECK(back.parameters == run.parameters);
        CHECK(back.shell_overhead_s == run.shell_overhead_s);
        CHECK(back.import_digest == run.import_digest);
    }
    CHECK(store.imported_run("0123456789abcdef") == id);
    CHECK_FALSE(store.imported_run("fedcba9876543210"));
    // A digest is unique: the same result cannot be stored twice, even by a racing import.
    CHECK_THROWS_AS(store.record(run), DatabaseError);
}

TEST_CASE("history::Store migrates version 4 to 5 and keeps a failure's words, secrets masked") {
    fs::path path = fresh_db("history-schema-v4.db");
    std::int64_t old_id = 0;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        SQLite::Transaction transaction(db);
        migrate(db, 4);
        transaction.commit();
        old_id = insert_v1_run(db, "app", "2024-01-01T10:00:00.000Z", 1);
        db.exec("UPDATE runs SET status = 'failed' WHERE id = " + std::to_string(old_id));
    }
    Store store(path, Store::Mode::existing);
    CHECK(store.schema_version() == 5);
    Run old = store.load_run(old_id);
    CHECK(old.status == RunStatus::failed); // the run is kept as it was
    CHECK(old.iterations.size() == 1);
    CHECK(old.failure.empty()); // recorded before failures were kept: explained from exit codes

    Run run;
    run.kind = "build";
    run.subject = "build:@acme/db";
    run.started_at = "2024-02-01T10:00:00.000Z";
    run.status = RunStatus::failed;
    run.failure = "build of @acme/db failed: cannot reach postgres://app:hunter2@db/app\n"
                  "    (run 1 failed (exit code 3))";
    run.iterations.push_back({0, 3, 0, {{"wall_s", "s", 0.1}}});
    std::int64_t id = store.record(run);
    std::string back = store.load_run(id).failure;
    CHECK(back.find("build of @acme/db failed") == 0);
    CHECK(back.find("hunter2") == std::string::npos);
    CHECK(back.find("(run 1 failed (exit code 3))") != std::string::npos);

    SUBCASE("a long failure keeps its first and last lines, whole characters only") {
        run.failure = "build of @acme/db failed: " + std::string(10000, 'x') + "\u00e9" +
                      std::string(5000, 'y') + "\nthe last line";
        std::string kept = store.load_run(store.record(run)).failure;
        CHECK(kept.size() <= max_failure_bytes);
        CHECK(kept.find("build of @acme/db failed") == 0);
        CHECK(kept.find("[...]") != std::string::npos);
        CHECK(kept.ends_with("\nthe last line"));
    }
}
