#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/history/schema.hpp"
#include "farm/history/values_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <system_error>
#include <unordered_map>

namespace farm::history {

namespace fs = std::filesystem;

namespace {

// How long a write waits for another process's lock before it fails. FARM_DB_BUSY_TIMEOUT_MS
// (0 to 3600000; anything else is ignored), read when a database is opened, shortens it so that
// a test can reproduce a lock held past the timeout without waiting 30 s.
int busy_timeout_ms() {
    constexpr int fallback = 30000;
    const char* text = std::getenv("FARM_DB_BUSY_TIMEOUT_MS");
    if (text == nullptr || *text == '\0') {
        return fallback;
    }
    int value = 0;
    const char* end = text + std::strlen(text);
    std::from_chars_result r = std::from_chars(text, end, value);
    bool valid = r.ec == std::errc() && r.ptr == end && value >= 0 && value <= 3600000;
    return valid ? value : fallback;
}

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
    throw DatabaseError("cannot use the history database " + path.string() + ": " + why +
                        ". It was left untouched; move it away or choose another file with "
                        "--db PATH (or FARM_DB).");
}

// A farm database has user_version > 0 and farm_meta.application = 'farm'. A new, empty file
// (no tables at all) is fine to initialise.
void check_ownership(SQLite::Database& db, const fs::path& path) {
    // One statement reads one snapshot. Read apart, another process creating the schema right
    // now could commit between the two reads: version 0 and its new tables would look like
    // another program's database.
    SQLite::Statement state(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                                "(SELECT count(*) FROM sqlite_master)");
    state.executeStep();
    int version = state.getColumn(0).getInt();
    int tables = state.getColumn(1).getInt();
    state.reset();
    // A version farm never wrote is refused before anything reads it: migrate() indexes its
    // table of steps by this number, and a crafted file must not choose where that lands.
    if (version < 0 || version > latest_schema_version) {
        refuse(path,
               "its schema version " + std::to_string(version) +
                   (version < 0 ? " was never written by farm"
                                : " is newer than this farm understands (" +
                                      std::to_string(latest_schema_version) + "): upgrade farm"));
    }
    if (version == 0) {
        if (tables > 0) {
            refuse(path, "it is a SQLite database of another program (it has tables but no farm "
                         "schema)");
        }
        return;
    }
    if (!db.tableExists("farm_meta")) {
        refuse(path, "it is a SQLite database of another program (no farm_meta table)");
    }
    SQLite::Statement query(db, "SELECT value FROM farm_meta WHERE key = 'application'");
    if (!query.executeStep() || query.getColumn(0).getString() != "farm") {
        refuse(path, "it is a SQLite database of another program");
    }
}

} // namespace

Store::Store(const fs::path& path, Mode mode) : m_path(path) {
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (mode == Mode::existing && !exists) {
        throw DatabaseError("no history database at " + path.string() +
                            ": nothing has been recorded there yet (run `farm perf:build` first, "
                            "or point --db at another file)");
    }
    if (exists && fs::is_directory(path, ec)) {
        refuse(path, "it is a folder");
    }
    // A bare file name ("perf.db") has no parent to create; create_directories("") fails.
    if (!exists && !path.parent_path().empty()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            throw DatabaseError("cannot create the folder " + path.parent_path().string() +
                                " for the history database " + path.string() + ": " + ec.message() +
                                " (choose another file with --db PATH)");
        }
    }
    try {
        int flags = SQLite::OPEN_READWRITE | (mode == Mode::create ? SQLite::OPEN_CREATE : 0);
        m_db = std::make_unique<SQLite::Database>(path, flags, busy_timeout_ms());
        m_db->exec("PRAGMA foreign_keys = ON");
        check_ownership(*m_db, path);
        if (history::schema_version(*m_db) < latest_schema_version) {
            SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
            // Another process may have migrated while this one waited for the lock.
            check_ownership(*m_db, path);
            try {
                migrate(*m_db);
            } catch (const DatabaseError& e) {
                // Damaged old rows stop the migration; the transaction rolls it all back. The
                // codec's message does not know which file it was reading.
                refuse(path, std::string("its schema could not be migrated: ") + e.what());
            }
            transaction.commit();
        } else {
            migrate(*m_db); // refuses a newer schema
        }
        // WAL lets readers and one writer work at once; a no-op when it is already on.
        try {
            m_db->exec("PRAGMA journal_mode = WAL");
        } catch (const SQLite::Exception&) {
            // Busy with another process switching it: that one turns WAL on for both.
        }
        m_db->exec("PRAGMA synchronous = NORMAL");
    } catch (const DatabaseError&) {
        throw;
    } catch (const SQLite::Exception& e) {
        std::string why = e.what();
        if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
            refuse(path, "it is damaged or not a SQLite database (" + why + ")");
        }
        if (e.getErrorCode() == SQLITE_CANTOPEN || e.getErrorCode() == SQLITE_READONLY ||
            e.getErrorCode() == SQLITE_PERM || e.getErrorCode() == SQLITE_IOERR) {
            throw DatabaseError("cannot open the history database " + path.string() +
                                " for writing (" + why +
                                "): check its permissions, or choose another file with --db PATH");
        }
        refuse(path, why);
    }
}

Store::~Store() = default;

int Store::schema_version() {
    return history::schema_version(*m_db);
}

SQLite::Statement& Store::cached(const std::string& sql) {
    std::unique_ptr<SQLite::Statement>& statement = m_statements[sql];
    if (!statement) {
        statement = std::make_unique<SQLite::Statement>(*m_db, sql);
    } else {
        statement->reset();
        statement->clearBindings();
    }
    return *statement;
}

namespace {

// The WHERE clause of a run query, with only the conditions the query uses, so that SQLite can
// use the (kind, subject, started_at) index; values are bound by name.
std::string run_conditions(const RunQuery& q) {
    std::string where = "1";
    if (q.kind) {
        where += " AND kind = :kind";
    }
    if (q.subject_glob) {
        where += " AND subject GLOB :glob";
    }
    if (q.since) {
        where += " AND started_at >= :since";
    }
    if (q.branch) {
        where += " AND git_branch = :branch";
    }
    if (q.commit) {
        where += " AND git_commit <> '' AND substr(git_commit, 1, length(:commit)) = :commit";
    }
    if (q.run_id) {
        where += " AND id = :run_id";
    }
    if (q.before_run_id) {
        // A range on started_at (the index's third column; rowid, its hidden fourth, breaks
        // ties), so that the newest runs before the candidate are found without a sort.
        where += " AND started_at <= :before_time AND NOT (started_at = :before_time AND "
                 "id >= :before)";
    }
    if (q.ok_only) {
        where += " AND status = 'ok'";
    }
    return where;
}

void bind_conditions(SQLite::Statement& statement, const RunQuery& q,
                     const std::string& before_time = {}) {
    if (q.kind) {
        statement.bind(":kind", *q.kind);
    }
    if (q.subject_glob) {
        statement.bind(":glob", *q.subject_glob);
    }
    if (q.since) {
        statement.bind(":since", *q.since);
    }
    if (q.branch) {
        statement.bind(":branch", *q.branch);
    }
    if (q.commit) {
        statement.bind(":commit", *q.commit);
    }
    if (q.run_id) {
        statement.bind(":run_id", *q.run_id);
    }
    if (q.before_run_id) {
        statement.bind(":before", *q.before_run_id);
        statement.bind(":before_time", before_time);
    }
}

// A subject given exactly (a glob without wildcards) is looked up by equality.
bool is_literal_glob(const std::string& glob) {
    return glob.find_first_of("*?[") == std::string::npos;
}

} // namespace

std::vector<RunOverview> Store::recent_runs(const RunQuery& query) {
    // Two steps, both on the index: the subjects that match, then each subject's newest runs.
    // One window function over every run would read the whole table for a report of 10 runs.
    RunQuery q = query;
    std::optional<std::string> exact_subject;
    if (q.subject_glob && is_literal_glob(*q.subject_glob)) {
        exact_subject = q.subject_glob;
        q.subject_glob.reset();
    }
    std::vector<RunOverview> runs;
    try {
        // Step one reads the index alone (kind, subject); the other conditions apply in step
        // two, where a subject left with no run simply contributes none.
        std::vector<std::pair<std::string, std::string>> subjects;
        if (q.kind && exact_subject) {
            subjects.emplace_back(*q.kind, *exact_subject);
        } else {
            RunQuery names;
            names.kind = q.kind;
            names.subject_glob = q.subject_glob;
            SQLite::Statement distinct(*m_db, "SELECT DISTINCT kind, subject FROM runs WHERE " +
                                                  run_conditions(names) +
                                                  (exact_subject ? " AND subject = :subject" : "") +
                                                  " ORDER BY kind, subject");
            bind_conditions(distinct, names);
            if (exact_subject) {
                distinct.bind(":subject", *exact_subject);
            }
            while (distinct.executeStep()) {
                subjects.emplace_back(distinct.getColumn(0).getString(),
                                      distinct.getColumn(1).getString());
            }
        }
        RunQuery per = q;
        per.kind.reset();
        per.subject_glob.reset();
        std::string before_time;
        if (q.before_run_id) {
            SQLite::Statement& time = cached("SELECT started_at FROM runs WHERE id = ?");
            time.bind(1, *q.before_run_id);
            if (!time.executeStep()) {
                return runs; // no such run: nothing is before it
            }
            before_time = time.getColumn(0).getString();
        }
        SQLite::Statement& select =
            cached(R"sql(
            SELECT id, kind, subject, command, started_at, status, git_commit, git_branch, git_dirty,
                   parameters, duration_s, failure
            FROM runs WHERE kind = :k AND subject = :s AND )sql" +
                   run_conditions(per) + " ORDER BY started_at DESC, id DESC LIMIT :limit");
        // SIZE_MAX ("every run") would wrap to -1 as an int64; -1 happens to mean "no limit" to
        // SQLite, but say so on purpose.
        std::int64_t limit =
            query.per_subject >= std::size_t(std::numeric_limits<std::int64_t>::max())
                ? -1
                : std::int64_t(query.per_subject);
        std::unordered_map<std::int64_t, std::size_t> position_of;
        for (const auto& [kind, subject] : subjects) {
            select.reset();
            select.clearBindings();
            bind_conditions(select, per, before_time);
            select.bind(":k", kind);
            select.bind(":s", subject);
            select.bind(":limit", limit);
            while (select.executeStep()) {
                RunOverview run;
                run.id = select.getColumn(0).getInt64();
                run.kind = select.getColumn(1).getString();
                run.subject = select.getColumn(2).getString();
                run.command = select.getColumn(3).getString();
                run.started_at = select.getColumn(4).getString();
                run.status = run_status_from_string(select.getColumn(5).getString());
                run.git_commit = select.getColumn(6).getString();
                run.git_branch = select.getColumn(7).getString();
                run.git_dirty = select.getColumn(8).getInt() != 0;
                run.parameters = parameters_from_json(select.getColumn(9).getString());
                run.duration_s = select.getColumn(10).getDouble();
                run.failure_message = select.getColumn(11).getString();
                position_of[run.id] = runs.size();
                runs.push_back(std::move(run));
            }
        }
        if (runs.empty()) {
            return runs;
        }
        // Summaries of the selected runs only; the values stay undecoded.
        SQLite::Statement& metrics = cached(R"sql(
            SELECT m.run_id, m.name, m.unit, m.count, m.mean, m.median, m.stddev, m.min, m.max,
                   m.p95, m.ci95_low, m.ci95_high,
                   CASE WHEN ?2 AND (?3 IS NULL OR m.name IN (SELECT value FROM json_each(?3)))
                        THEN m.vals ELSE NULL END
            FROM metrics m WHERE m.run_id IN (SELECT value FROM json_each(?1))
            ORDER BY m.run_id, m.rowid)sql");
        nlohmann::json ids = nlohmann::json::array();
        for (const RunOverview& run : runs) {
            ids.push_back(run.id);
        }
        metrics.bind(1, ids.dump());
        metrics.bind(2, query.with_values ? 1 : 0);
        if (!query.value_metrics.empty()) {
            metrics.bind(3, nlohmann::json(query.value_metrics).dump());
        }
        while (metrics.executeStep()) {
            MetricSeries series;
            series.name = metrics.getColumn(1).getString();
            series.unit = metrics.getColumn(2).getString();
            measure::Summary& s = series.summary;
            s.count = std::size_t(metrics.getColumn(3).getInt64());
            s.mean = metrics.getColumn(4).getDouble();
            s.median = metrics.getColumn(5).getDouble();
            s.stddev = metrics.getColumn(6).getDouble();
            s.min = metrics.getColumn(7).getDouble();
            s.max = metrics.getColumn(8).getDouble();
            s.p95 = metrics.getColumn(9).getDouble();
            s.ci95_low = metrics.getColumn(10).getDouble();
            s.ci95_high = metrics.getColumn(11).getDouble();
            if (query.with_values && !metrics.getColumn(12).isNull()) {
                series.values = decode_values(metrics.getColumn(12).getString());
                std::erase_if(series.values, [](double v) { return !std::isfinite(v); });
            }
            runs[position_of.at(metrics.getColumn(0).getInt64())].metrics.push_back(
                std::move(series));
        }
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not read the history database " + m_path.string() + ": " +
                            e.what());
    }
    return runs;
}

} // namespace farm::history
