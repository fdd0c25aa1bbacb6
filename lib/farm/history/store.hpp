// The local history: a SQLite file (by default .farm/perf.db in the project root).
//
// Guarantees:
// - A run is recorded in one transaction: all of it or nothing. Several farm processes may
//   record at once (WAL, a busy timeout, BEGIN IMMEDIATE); none loses a run.
// - A file that is not a SQLite database, or is one that farm did not create, or was created by
//   a newer farm, is refused with a DatabaseError naming it; it is never overwritten or
//   recreated. Older schemas are migrated in place, in one transaction.
// - Nothing of the environment is stored; command lines arrive already redacted.
#pragma once

#include "farm/history/run.hpp"

#include <SQLiteCpp/Database.h>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace farm::history {

struct RunQuery {
    std::optional<std::string> kind;
    std::optional<std::string> subject_glob; // SQLite GLOB: * and ?
    std::size_t per_subject = 10;            // the most recent runs of each subject
};

class Store {
  public:
    enum class Mode {
        create,   // create the file (and its folder) when missing; for commands that record
        existing, // the file must exist; for commands that only read
    };

    // Throws DatabaseError when the file cannot be opened, is damaged or is not farm's.
    Store(const std::filesystem::path& path, Mode mode);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Computes each metric's summary, stores everything in one transaction, returns the run id.
    std::int64_t record(const Run& run);

    // The most recent runs of each matching subject, newest first within a subject, subjects
    // in alphabetical order of (kind, subject).
    std::vector<RunOverview> recent_runs(const RunQuery& query);

    // One run with every iteration; throws DatabaseError when there is no such run.
    Run load_run(std::int64_t id);

    int schema_version();
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
    std::unique_ptr<SQLite::Database> m_db;
};

} // namespace farm::history
