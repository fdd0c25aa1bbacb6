// history::record_or_keep: runs are recorded, or, when the database fails them (damaged schema,
// lock held past the busy timeout, read-only file, full disk, read-only folder), kept in a
// hyperfine JSON file that imports back into a history.
//
// Tests run as root in CI containers, and root ignores file modes: chmod 444 does not make a
// database read-only for it. The read-only file is made with `chattr +i` (immutable even for
// root); the full disk and the read-only folder with a small tmpfs in a mount namespace of this
// process alone (so nothing stays mounted if the test dies). Where that is not allowed the case
// says so and is skipped.
#include "farm/history/record_or_keep.hpp"

#include "farm/history/import_hyperfine.hpp"
#include "farm/history/store.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <cstdlib>
#include <sched.h>
#include <string>
#include <sys/mount.h>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::history;

namespace {

std::vector<Run> batch(std::size_t iterations = 3) {
    std::vector<Run> runs;
    for (const char* command : {"sleep 0.05", "sleep 0.1"}) {
        Run run;
        run.kind = "build";
        run.subject = std::string("cmd:") + command;
        run.command = command;
        run.started_at = "2026-11-23T12:00:00.000Z";
        run.batch_id = "batch-1";
        run.order_seed = 42;
        for (std::size_t i = 0; i < iterations; ++i) {
            run.iterations.push_back({int(i), 0, 0, {{"wall_s", "s", 0.05 + 0.001 * double(i)}}});
        }
        runs.push_back(run);
    }
    return runs;
}

// The kept file reads back as the same runs and records into a working history.
void check_kept_and_import(const RecordOutcome& outcome, const std::vector<Run>& runs) {
    CHECK_FALSE(outcome.recorded);
    CHECK(outcome.run_ids.empty());
    CHECK_FALSE(outcome.error.empty());
    REQUIRE(fs::exists(outcome.unsaved_file));
    std::vector<Run> back = runs_from_hyperfine(outcome.unsaved_file, std::nullopt);
    REQUIRE(back.size() == runs.size());
    fs::path good = farm::test::fresh_db("record-or-keep-import.db");
    Store store(good, Store::Mode::create);
    std::vector<std::int64_t> ids = store.record_all(back);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        Run loaded = store.load_run(ids[i]);
        CHECK(loaded.subject == runs[i].subject);
        CHECK(loaded.batch_id == "batch-1");
        CHECK(loaded.order_seed == 42u);
        CHECK(loaded.iterations.size() == runs[i].iterations.size());
    }
}

// A private mount namespace: mounts made here vanish with this process.
bool private_mounts() {
    static const bool ok = ::unshare(CLONE_NEWNS) == 0 &&
                           ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    return ok;
}

bool mount_tmpfs(const fs::path& dir, const char* size) {
    return private_mounts() &&
           ::mount("tmpfs", dir.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) == 0;
}

} // namespace

TEST_CASE("history::record_or_keep records all runs in one transaction") {
    fs::path db = farm::test::fresh_db("record-or-keep-ok.db");
    std::vector<Run> runs = batch();
    RecordOutcome outcome = record_or_keep(db, runs, nullptr);
    REQUIRE(outcome.recorded);
    CHECK(outcome.error.empty());
    CHECK(outcome.unsaved_file.empty());
    REQUIRE(outcome.run_ids.size() == 2);
    CHECK(runs[1].id == outcome.run_ids[1]);
    Store store(db, Store::Mode::existing);
    CHECK(store.load_run(outcome.run_ids[1]).subject == "cmd:sleep 0.1");
    // With the caller's store.
    RecordOutcome again = record_or_keep(db, runs, &store);
    CHECK(again.recorded);
    CHECK(store.size().first == 4);
}

TEST_CASE("history::record_or_keep keeps the runs beside a database with a damaged schema") {
    fs::path db = farm::test::fresh_db("record-or-keep-damaged.db");
    { Store store(db, Store::Mode::create); }
    {
        SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TABLE metrics");
    }
    std::vector<Run> runs = batch();
    RecordOutcome outcome = record_or_keep(db, runs, nullptr);
    CHECK(outcome.error.find(db.string()) != std::string::npos);
    CHECK(outcome.unsaved_file.parent_path() == db.parent_path());
    CHECK(outcome.unsaved_file.filename().string().rfind(db.filename().string() + ".unsaved-", 0) ==
          0);
    check_kept_and_import(outcome, runs);
    // One transaction: the first run's rows did not stay behind.
    SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("SELECT count(*) FROM runs").getInt() == 0);
}

TEST_CASE("history::record_or_keep keeps the runs when a lock is held past the busy timeout") {
    fs::path db = farm::test::fresh_db("record-or-keep-locked.db");
    { Store store(db, Store::Mode::create); }
    SQLite::Database holder(db.string(), SQLite::OPEN_READWRITE);
    holder.exec("BEGIN EXCLUSIVE");
    ::setenv("FARM_DB_BUSY_TIMEOUT_MS", "100", 1);
    std::vector<Run> runs = batch();
    RecordOutcome outcome = record_or_keep(db, runs, nullptr);
    ::unsetenv("FARM_DB_BUSY_TIMEOUT_MS");
    holder.exec("ROLLBACK");
    CHECK(outcome.error.find("locked") != std::string::npos);
    check_kept_and_import(outcome, runs);
}

TEST_CASE("history::record_or_keep keeps the runs beside a read-only (immutable) database") {
    fs::path dir = farm::test::fresh_folder("record_or_keep", "immutable");
    fs::path db = dir / "perf.db";
    { Store store(db, Store::Mode::create); }
    std::string file = db.string();
    if (std::system(("chattr +i '" + file + "' 2>/dev/null").c_str()) != 0) {
        MESSAGE("skipped: chattr +i is not available here (root ignores chmod 444)");
        return;
    }
    std::vector<Run> runs = batch();
    RecordOutcome outcome = record_or_keep(db, runs, nullptr);
    std::system(("chattr -i '" + file + "'").c_str());
    CHECK(outcome.error.find(file) != std::string::npos);
    CHECK(outcome.unsaved_file.parent_path() == dir);
    check_kept_and_import(outcome, runs);
}

TEST_CASE("history::record_or_keep keeps the runs in TMPDIR when the disk is full") {
    fs::path dir = farm::test::fresh_folder("record_or_keep", "full");
    fs::path tmp = farm::test::fresh_folder("record_or_keep", "tmpdir-full");
    if (!mount_tmpfs(dir, "64k")) {
        MESSAGE("skipped: cannot mount a small tmpfs here (needs root and mount namespaces)");
        return;
    }
    // Far more than 64 KiB of values: the database fills the disk, so does the file beside it.
    std::vector<Run> runs = batch(20000);
    ::setenv("TMPDIR", tmp.c_str(), 1);
    RecordOutcome outcome = record_or_keep(dir / "perf.db", runs, nullptr);
    ::unsetenv("TMPDIR");
    ::umount(dir.c_str());
    CHECK(outcome.error.find((dir / "perf.db").string()) != std::string::npos);
    CHECK(outcome.unsaved_file.parent_path() == tmp);
    check_kept_and_import(outcome, runs);
}

TEST_CASE("history::record_or_keep keeps the runs in TMPDIR when the folder is read-only") {
    fs::path dir = farm::test::fresh_folder("record_or_keep", "read-only");
    fs::path tmp = farm::test::fresh_folder("record_or_keep", "tmpdir-ro");
    if (!mount_tmpfs(dir, "1m")) {
        MESSAGE("skipped: cannot mount a tmpfs here (needs root and mount namespaces)");
        return;
    }
    { Store store(dir / "perf.db", Store::Mode::create); }
    REQUIRE(::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0);
    std::vector<Run> runs = batch();
    ::setenv("TMPDIR", tmp.c_str(), 1);
    RecordOutcome outcome = record_or_keep(dir / "perf.db", runs, nullptr);
    ::unsetenv("TMPDIR");
    ::umount(dir.c_str());
    CHECK(outcome.unsaved_file.parent_path() == tmp);
    check_kept_and_import(outcome, runs);
}

TEST_CASE("history::keep_unsaved_runs names both places when neither can be written") {
    fs::path dir = farm::test::fresh_folder("record_or_keep", "nowhere");
    farm::test::write_file(dir / "a-file", "x");
    ::setenv("TMPDIR", (dir / "a-file").c_str(), 1);
    std::vector<Run> runs = batch();
    RecordOutcome outcome = record_or_keep(dir / "a-file" / "perf.db", runs, nullptr);
    ::unsetenv("TMPDIR");
    CHECK_FALSE(outcome.recorded);
    CHECK(outcome.unsaved_file.empty());
    CHECK(outcome.error.find("could not keep the unsaved runs anywhere") != std::string::npos);
}
