// The history database's schema and its migrations.
//
// The schema version lives in `PRAGMA user_version`; a `farm_meta` table with
// application = 'farm' marks the file as farm's. Each migration moves the schema up by one
// version inside the caller's transaction, so a database is always at one whole version.
//
// Version 1: runs, iterations, metrics (one row per run and metric, values as a JSON array).
// Version 2: per-metric summary columns on metrics (backfilled), runs.duration_s, time index.
// Version 3: runs.project (JSON object of facts about the measured project); metric values may
//            be null for an iteration that did not measure the metric.
// Version 4: runs.batch_id, order_seed, parameters (JSON array of [name, value] pairs, in the
//            order given), shell_overhead_s (the commands of one multi-command call), and
//            runs.import_digest (unique where set) so that a hyperfine result is imported once.
// Version 5: runs.failure, why a failed or interrupted run ended in words (the failing step or
//            package, its last lines, how it ended; secrets masked); '' for completed runs and
//            for runs recorded before this version.
#pragma once

#include "farm/measure/stats.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace farm::history {

inline constexpr int latest_schema_version = 5;

int schema_version(SQLite::Database& db);

// Applies migrations from the current version up to `target`. The caller holds a write
// transaction. Throws farm::DatabaseError for a database newer than this farm.
void migrate(SQLite::Database& db, int target = latest_schema_version);

// Binds a summary to the metrics table's summary columns, in their order (count, mean, median,
// stddev, min, max, p95, ci95_low, ci95_high), starting at parameter `first`.
void bind_summary_columns(SQLite::Statement& statement, int first, const measure::Summary& s);

} // namespace farm::history
