// The history store's files: where it creates one, and what it refuses — damaged, truncated,
// another program's, a newer farm's, folders and paths it cannot create. Nothing is ever rewritten.
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

TEST_CASE("history::Store creates missing folders in create mode") {
    fs::path folder = fs::current_path() / "history-nested";
    fs::remove_all(folder);
    fs::path path = folder / "a" / "b" / "perf.db";
    {
        Store store(path, Store::Mode::create);
        store.record(make_run("build", "app", timestamp(1), {{"wall_s", {1.0}}}));
    }
    CHECK(fs::is_regular_file(path));
    Store reopened(path, Store::Mode::existing);
    CHECK(reopened.recent_runs(everything()).size() == 1);
}

TEST_CASE("history::Store accepts a bare file name in the current folder") {
    fresh_db("history-bare.db");
    fs::path bare("history-bare.db");
    {
        Store store(bare, Store::Mode::create);
        store.record(make_run("build", "app", timestamp(1), {{"wall_s", {1.0}}}));
    }
    CHECK(fs::is_regular_file(fs::current_path() / bare));
    Store reopened(bare, Store::Mode::existing);
    CHECK(reopened.recent_runs(everything()).size() == 1);
}

TEST_CASE("history::Store initialises an empty file") {
    fs::path path = fresh_db("history-empty-file.db");
    farm::test::write_file(path, "");
    Store store(path, Store::Mode::existing);
    CHECK(store.schema_version() == latest_schema_version);
    CHECK(store.recent_runs(everything()).empty());
}

TEST_CASE("history::Store refuses a damaged file and leaves it untouched") {
    auto check_refused = [](const fs::path& path, const std::string& expected_words) {
        std::string before = farm::test::read_file(path);
        REQUIRE_FALSE(before.empty());
        for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
            std::string message = database_error_of([&] { Store store(path, mode); });
            CAPTURE(message);
            CHECK_FALSE(message.empty());
            CHECK(message.find(path.string()) != std::string::npos);
            CHECK(message.find(expected_words) != std::string::npos);
            CHECK(farm::test::read_file(path) == before);
        }
    };

    SUBCASE("4 KB of random bytes") {
        fs::path path = fresh_db("history-random.db");
        std::mt19937 random(12345);
        std::string garbage(4096, '\0');
        for (char& c : garbage) {
            c = static_cast<char>(random() & 0xff);
        }
        farm::test::write_file(path, garbage);
        check_refused(path, "damaged or not a SQLite database");
    }
    SUBCASE("4 KB of text") {
        fs::path path = fresh_db("history-text.db");
        std::string text;
        while (text.size() < 4096) {
            text += "This is a shopping list, not a database: eggs, milk, bread.\n";
        }
        text.resize(4096);
        farm::test::write_file(path, text);
        check_refused(path, "damaged or not a SQLite database");
    }
    SUBCASE("a few bytes of text") {
        fs::path path = fresh_db("history-short.db");
        farm::test::write_file(path, "hello\n");
        check_refused(path, "damaged or not a SQLite database");
    }
    SUBCASE("a SQLite header followed by garbage") {
        fs::path path = fresh_db("history-header.db");
        std::string bytes("SQLite format 3", 16);
        bytes.resize(4096, '\x5a');
        farm::test::write_file(path, bytes);
        check_refused(path, "damaged or not a SQLite database");
    }
}

namespace {

// A real farm database of a few hundred KB, closed, so that its WAL is checkpointed and gone.
void create_large_database(const fs::path& path) {
    Store store(path, Store::Mode::create);
    std::vector<double> values(20);
    for (int i = 0; i < 300; ++i) {
        for (std::size_t v = 0; v < values.size(); ++v) {
            values[v] = i + 0.001 * static_cast<double>(v);
        }
        store.record(make_run("build", "subject-" + std::to_string(i % 7), timestamp(1 + i % 28),
                              {{"wall_s", values}, {"user_s", values}, {"sys_s", values}}));
    }
}

// Opens a damaged database in both modes and reads every run it can find. Either the open or a
// read must fail with a DatabaseError naming the file; nothing may crash, and the file's bytes
// must stay as they were.
void check_damaged_database(const fs::path& path) {
    std::string before = farm::test::read_file(path);
    for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
        bool refused = false;
        std::string message;
        try {
            Store store(path, mode);
            // Opened: then reading what was lost must fail cleanly.
            try {
                std::vector<RunOverview> runs = store.recent_runs(everything());
                for (const RunOverview& run : runs) {
                    store.load_run(run.id);
                }
            } catch (const DatabaseError& e) {
                refused = true;
                message = e.what();
            }
        } catch (const DatabaseError& e) {
            refused = true;
            message = e.what();
        }
        CAPTURE(message);
        CHECK(refused);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(farm::test::read_file(path) == before);
    }
}

} // namespace

TEST_CASE("history::Store refuses a truncated database and never rewrites it") {
    fs::path path = fresh_db("history-truncated.db");
    create_large_database(path);
    REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
    std::uintmax_t full = fs::file_size(path);
    REQUIRE(full > 64 * 1024);
    fs::resize_file(path, full / 2);
    check_damaged_database(path);
    CHECK(fs::file_size(path) == full / 2);
}

TEST_CASE("history::Store fails cleanly on a database damaged in place") {
    // The file keeps its size, so nothing is noticed at open; the damage shows when read.
    fs::path path = fresh_db("history-zeroed.db");
    create_large_database(path);
    REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
    std::string bytes = farm::test::read_file(path);
    REQUIRE(bytes.size() > 64 * 1024);
    std::size_t from = bytes.size() / 2;
    SUBCASE("pages zeroed") {
        std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.end(), '\0');
    }
    SUBCASE("pages overwritten with random bytes") {
        std::mt19937 random(777);
        for (std::size_t i = from; i < bytes.size(); ++i) {
            bytes[i] = static_cast<char>(random() & 0xff);
        }
    }
    farm::test::write_file(path, bytes);
    check_damaged_database(path);
}

TEST_CASE("history::Store refuses a database of another program") {
    SUBCASE("tables but no farm schema") {
        fs::path path = fresh_db("history-foreign.db");
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
            db.exec("INSERT INTO notes (text) VALUES ('keep me')");
        }
        std::string before = farm::test::read_file(path);
        for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
            std::string message = database_error_of([&] { Store store(path, mode); });
            CAPTURE(message);
            CHECK(message.find(path.string()) != std::string::npos);
            CHECK(message.find("another program") != std::string::npos);
            CHECK(farm::test::read_file(path) == before);
        }
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA user_version").getInt() == 0);
        CHECK_FALSE(db.tableExists("runs"));
        CHECK(db.execAndGet("SELECT text FROM notes").getString() == "keep me");
    }
    SUBCASE("a user_version but no farm_meta") {
        fs::path path = fresh_db("history-foreign-versioned.db");
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE settings (key TEXT, value TEXT)");
            db.exec("PRAGMA user_version = 1");
        }
        std::string before = farm::test::read_file(path);
        std::string message = database_error_of([&] { Store store(path, Store::Mode::create); });
        CHECK(message.find("another program") != std::string::npos);
        CHECK(farm::test::read_file(path) == before);
    }
    SUBCASE("a farm_meta of another application") {
        fs::path path = fresh_db("history-foreign-meta.db");
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE farm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            db.exec("INSERT INTO farm_meta VALUES ('application', 'barn')");
            db.exec("PRAGMA user_version = 2");
        }
        std::string before = farm::test::read_file(path);
        std::string message = database_error_of([&] { Store store(path, Store::Mode::create); });
        CHECK(message.find("another program") != std::string::npos);
        CHECK(farm::test::read_file(path) == before);
    }
}

TEST_CASE("history::Store refuses a database of a newer farm") {
    fs::path path = fresh_db("history-newer.db");
    {
        Store store(path, Store::Mode::create);
        store.record(make_run("build", "app", timestamp(1), {{"wall_s", {1.0}}}));
    }
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = 99");
    }
    REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
    std::string before = farm::test::read_file(path);
    for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
        std::string message = database_error_of([&] { Store store(path, mode); });
        CAPTURE(message);
        CHECK(message.find("newer") != std::string::npos);
        CHECK(message.find("99") != std::string::npos);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(farm::test::read_file(path) == before);
    }
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 99);
}

TEST_CASE("history::Store in existing mode neither finds nor creates a missing file") {
    fs::path folder = fs::current_path() / "history-missing";
    fs::remove_all(folder);
    fs::path path = folder / "perf.db";
    std::string message = database_error_of([&] { Store store(path, Store::Mode::existing); });
    CHECK(message.find(path.string()) != std::string::npos);
    CHECK_FALSE(fs::exists(path));
    CHECK_FALSE(fs::exists(folder));

    fs::path here = fresh_db("history-missing.db");
    CHECK_THROWS_AS(Store(here, Store::Mode::existing), DatabaseError);
    CHECK_FALSE(fs::exists(here));
}

TEST_CASE("history::Store refuses a path it cannot create") {
    fs::path file = fs::current_path() / "history-somefile";
    fs::remove_all(file);
    farm::test::write_file(file, "a regular file\n");
    fs::path path = file / "sub" / "perf.db";
    for (Store::Mode mode : {Store::Mode::create, Store::Mode::existing}) {
        std::string message = database_error_of([&] { Store store(path, mode); });
        CAPTURE(message);
        CHECK_FALSE(message.empty());
        CHECK(message.find((file / "sub").string()) != std::string::npos);
    }
    CHECK(fs::is_regular_file(file));
    CHECK(farm::test::read_file(file) == "a regular file\n");
}

TEST_CASE("history::Store refuses a folder") {
    fs::path folder = fs::current_path() / "history-folder.db";
    fs::remove_all(folder);
    fs::create_directory(folder);
    for (Store::Mode mode : {Store::Mode::create, Store::Mode::existing}) {
        std::string message = database_error_of([&] { Store store(folder, mode); });
        CAPTURE(message);
        CHECK(message.find("folder") != std::string::npos);
        CHECK(message.find(folder.string()) != std::string::npos);
    }
    CHECK(fs::is_directory(folder));
    CHECK(fs::is_empty(folder));
}
