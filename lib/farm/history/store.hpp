// The local history: a SQLite file (by default .farm/perf.db in the project root).
//
// Guarantees:
// - A run is recorded in one transaction: all of it or nothing. Several farm processes may
//   record at once (WAL, a busy timeout, BEGIN IMMEDIATE); none loses a run.
// - A file that is not a SQLite database, or is one that farm did not create, or was created by
//   a newer farm, is refused with a DatabaseError naming it; it is never overwritten or
//   recreated. Older schemas are migrated in place, in one transaction.
// - A write waits up to 30 s for another process's lock (FARM_DB_BUSY_TIMEOUT_MS, 0 to 3600000,
//   changes that; tests use it to reproduce a lock held past the timeout quickly).
// - Nothing of the environment is stored; command lines arrive already redacted.
#pragma once

#include "farm/history/run.hpp"
#include "farm/measure/record_spool.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace farm::history {

struct RunQuery {
    std::optional<std::string> kind;
    std::optional<std::string> subject_glob; // SQLite GLOB: * and ?
    std::optional<std::string> since;        // started_at >= this ISO 8601 UTC time
    std::optional<std::string> branch;       // git branch equals
    std::optional<std::string> commit;       // git commit starts with (a full or short hash)
    std::optional<std::int64_t> run_id;      // exactly this run
    // Only runs older than this run (started earlier, or at the same time with a smaller id).
    std::optional<std::int64_t> before_run_id;
    bool ok_only = false;                   // leave out failed and interrupted runs
    std::size_t per_subject = 10;           // the most recent runs of each subject
    bool with_values = false;               // also load every iteration's values
    std::vector<std::string> value_metrics; // with_values for these metrics only (empty: all)
};

// What a prune removed, per subject.
struct PruneResult {
    std::string kind;
    std::string subject;
    std::size_t runs = 0;
};

// Some metrics of one run, one value per iteration (ordered by index): what a rule that pairs
// metrics of one iteration needs, at 8 bytes per iteration and metric instead of a whole Run.
struct RunColumns {
    std::vector<int> exit_codes;
    // NaN where an iteration lacks the metric; a metric the run never measured is absent.
    std::map<std::string, std::vector<double>> values;

    std::size_t size() const { return exit_codes.size(); }
    // NaN when the run or the iteration lacks it.
    double at(const std::string& metric, std::size_t iteration) const;
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
    // The same for a run whose iterations were spooled (run.iterations is not read): memory
    // stays within one metric's values at a time, however many iterations there are.
    std::int64_t record(const Run& run, const measure::RecordSpool& iterations);
    // Several runs (the commands of one call) in ONE transaction: all of them or none. Returns
    // their ids in order.
    std::vector<std::int64_t> record_all(const std::vector<Run>& runs);

    // The run imported from the hyperfine result with this content hash (Run::import_digest).
    std::optional<std::int64_t> imported_run(const std::string& digest);

    // The most recent runs of each matching subject, newest first within a subject, subjects
    // in alphabetical order of (kind, subject).
    std::vector<RunOverview> recent_runs(const RunQuery& query);

    // One run with every iteration; throws DatabaseError when there is no such run. With
    // `only_metrics`, the iterations carry those metrics alone (none: just exit codes).
    Run load_run(std::int64_t id,
                 const std::optional<std::vector<std::string>>& only_metrics = std::nullopt);
    // The same without its iterations.
    Run load_run_header(std::int64_t id);
    // Every iteration's exit code and the named metrics of one run.
    RunColumns load_columns(std::int64_t id, const std::vector<std::string>& metrics);

    // Removes runs that started before `older_than` (ISO 8601 UTC) and/or all but the newest
    // `keep_last` runs of each subject, among the subjects of `kind` and `subject_glob` (all when
    // absent), in one transaction, then VACUUMs the file.
    std::vector<PruneResult> prune(const std::optional<std::string>& older_than,
                                   const std::optional<std::size_t>& keep_last,
                                   const std::optional<std::string>& kind = std::nullopt,
                                   const std::optional<std::string>& subject_glob = std::nullopt);

    // Number of runs and of stored iterations in the whole history.
    std::pair<std::size_t, std::size_t> size();

    int schema_version();
    const std::filesystem::path& path() const { return m_path; }

  private:
    // What record() needs of the iterations, wherever they are kept.
    struct IterationSource {
        std::function<void(const std::function<void(const measure::IterationRecord&)>&)> each;
        std::vector<measure::RecordSpool::Metric> metrics; // in order of first appearance
        // One value per iteration, ordered by index, NaN where one lacks the metric.
        std::function<std::vector<double>(const std::string&)> values_by_index;
    };
    std::int64_t record(const Run& run, const IterationSource& iterations);
    // The inserts of record(), inside the caller's transaction.
    std::int64_t insert(const Run& run, const IterationSource& iterations);
    static IterationSource in_memory(const Run& run);

    // A prepared statement for `sql`, reset and unbound; reports prepare the same few
    // statements hundreds of times.
    SQLite::Statement& cached(const std::string& sql);

    std::filesystem::path m_path;
    std::unique_ptr<SQLite::Database> m_db;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> m_statements;
};

} // namespace farm::history
