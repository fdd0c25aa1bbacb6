#include "farm/history/schema.hpp"

#include "farm/core/error.hpp"
#include "farm/history/values_codec.hpp"
#include "farm/measure/stats.hpp"

#include <SQLiteCpp/Statement.h>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

namespace farm::history {

namespace {

void migrate_to_1(SQLite::Database& db) {
    db.exec(R"sql(
        CREATE TABLE farm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO farm_meta (key, value) VALUES ('application', 'farm');
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            command TEXT NOT NULL DEFAULT '',
            folder TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'interrupted')),
            git_commit TEXT NOT NULL DEFAULT '',
            git_branch TEXT NOT NULL DEFAULT '',
            git_dirty INTEGER NOT NULL DEFAULT 0,
            host_name TEXT NOT NULL DEFAULT '',
            cpu_model TEXT NOT NULL DEFAULT '',
            cpu_cores INTEGER NOT NULL DEFAULT 0,
            memory_bytes INTEGER NOT NULL DEFAULT 0,
            kernel TEXT NOT NULL DEFAULT '',
            os TEXT NOT NULL DEFAULT '',
            tool_versions TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE iterations (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            exit_code INTEGER NOT NULL,
            signal INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, idx)
        ) WITHOUT ROWID;
        CREATE TABLE metrics (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            unit TEXT NOT NULL,
            vals TEXT NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        CREATE INDEX runs_by_subject ON runs (kind, subject, started_at);
    )sql");
}

// Reports read summaries without decoding every iteration, which keeps them fast on a history
// of millions of iterations.
void migrate_to_2(SQLite::Database& db) {
    db.exec(R"sql(
        ALTER TABLE runs ADD COLUMN duration_s REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN mean REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN median REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN stddev REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN min REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN max REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN p95 REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN ci95_low REAL NOT NULL DEFAULT 0;
        ALTER TABLE metrics ADD COLUMN ci95_high REAL NOT NULL DEFAULT 0;
        CREATE INDEX runs_by_time ON runs (started_at);
    )sql");
    SQLite::Statement select(db, "SELECT run_id, name, vals FROM metrics");
    SQLite::Statement update(db, R"sql(
        UPDATE metrics SET count = ?, mean = ?, median = ?, stddev = ?, min = ?, max = ?,
                           p95 = ?, ci95_low = ?, ci95_high = ?
        WHERE run_id = ? AND name = ?)sql");
    while (select.executeStep()) {
        std::vector<double> values = decode_values(select.getColumn(2).getString());
        std::erase_if(values, [](double v) { return !std::isfinite(v); });
        if (values.empty()) {
            continue;
        }
        bind_summary_columns(update, 1, measure::summarize(values));
        update.bind(10, select.getColumn(0).getInt64());
        update.bind(11, select.getColumn(1).getString());
        update.exec();
        update.reset();
    }
}

// An older farm would misread null values as damage, so the version moves even though the
// metrics table keeps its shape.
void migrate_to_3(SQLite::Database& db) {
    db.exec("ALTER TABLE runs ADD COLUMN project TEXT NOT NULL DEFAULT '{}'");
}

// Commands timed together in one call, their parameters and the subtracted shell start-up. The
// import digest is unique where set: a hyperfine result imported twice is found, not duplicated.
void migrate_to_4(SQLite::Database& db) {
    db.exec(R"sql(
        ALTER TABLE runs ADD COLUMN batch_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN order_seed INTEGER NULL;
        ALTER TABLE runs ADD COLUMN parameters TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE runs ADD COLUMN shell_overhead_s REAL NULL;
        ALTER TABLE runs ADD COLUMN import_digest TEXT NULL;
        CREATE UNIQUE INDEX runs_by_import_digest ON runs (import_digest)
            WHERE import_digest IS NOT NULL;
    )sql");
}

// perf:report names the newest failure; what the call showed of it (the package, its last
// lines) is otherwise lost once the terminal is closed. Older runs keep '' and are explained
// from their exit codes as before.
void migrate_to_5(SQLite::Database& db) {
    db.exec("ALTER TABLE runs ADD COLUMN failure TEXT NOT NULL DEFAULT ''");
}

} // namespace

void bind_summary_columns(SQLite::Statement& statement, int first, const measure::Summary& s) {
    statement.bind(first, std::int64_t(s.count));
    statement.bind(first + 1, s.mean);
    statement.bind(first + 2, s.median);
    statement.bind(first + 3, s.stddev);
    statement.bind(first + 4, s.min);
    statement.bind(first + 5, s.max);
    statement.bind(first + 6, s.p95);
    statement.bind(first + 7, s.ci95_low);
    statement.bind(first + 8, s.ci95_high);
}

int schema_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db, int target) {
    int version = schema_version(db);
    if (version < 0) {
        // The steps below are indexed by the version: a negative one must never reach them.
        throw DatabaseError("the history database " + db.getFilename() + " has schema version " +
                            std::to_string(version) +
                            ", which farm never writes: use another file with --db");
    }
    if (version > latest_schema_version || target > latest_schema_version) {
        throw DatabaseError("the history database " + db.getFilename() + " has schema version " +
                            std::to_string(version) + ", newer than this farm understands (" +
                            std::to_string(latest_schema_version) +
                            "): upgrade farm, or use another file with --db");
    }
    using Step = void (*)(SQLite::Database&);
    const Step steps[] = {migrate_to_1, migrate_to_2, migrate_to_3, migrate_to_4, migrate_to_5};
    static_assert(std::size(steps) == latest_schema_version, "one migration step per version");
    for (; version < target; ++version) {
        steps[version](db);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
    }
}

} // namespace farm::history
