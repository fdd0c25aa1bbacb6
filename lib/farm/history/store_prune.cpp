// Store::prune and Store::size: what the history holds, and removing old runs of it.
#include "farm/history/store.hpp"

#include "farm/core/error.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace farm::history {

std::vector<PruneResult> Store::prune(const std::optional<std::string>& older_than,
                                      const std::optional<std::size_t>& keep_last,
                                      const std::optional<std::string>& kind,
                                      const std::optional<std::string>& subject_glob) {
    std::vector<PruneResult> removed;
    try {
        SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
        m_db->exec("DROP TABLE IF EXISTS temp.doomed");
        m_db->exec("CREATE TEMP TABLE doomed (id INTEGER PRIMARY KEY)");
        SQLite::Statement select(*m_db, R"sql(
            INSERT INTO temp.doomed (id)
            SELECT id FROM (SELECT id, started_at, row_number() OVER (
                                PARTITION BY kind, subject ORDER BY started_at DESC, id DESC)
                                AS position
                            FROM runs
                            WHERE (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR subject GLOB ?4))
            WHERE (?1 IS NOT NULL AND started_at < ?1) OR (?2 IS NOT NULL AND position > ?2))sql");
        if (older_than) {
            select.bind(1, *older_than);
        }
        if (keep_last) {
            select.bind(2, std::int64_t(*keep_last));
        }
        if (kind) {
            select.bind(3, *kind);
        }
        if (subject_glob) {
            select.bind(4, *subject_glob);
        }
        select.exec();
        SQLite::Statement summary(*m_db, R"sql(
            SELECT kind, subject, count(*) FROM runs WHERE id IN (SELECT id FROM temp.doomed)
            GROUP BY kind, subject ORDER BY kind, subject)sql");
        while (summary.executeStep()) {
            removed.push_back({summary.getColumn(0).getString(), summary.getColumn(1).getString(),
                               std::size_t(summary.getColumn(2).getInt64())});
        }
        m_db->exec("DELETE FROM metrics WHERE run_id IN (SELECT id FROM temp.doomed)");
        m_db->exec("DELETE FROM iterations WHERE run_id IN (SELECT id FROM temp.doomed)");
        m_db->exec("DELETE FROM runs WHERE id IN (SELECT id FROM temp.doomed)");
        m_db->exec("DROP TABLE temp.doomed");
        transaction.commit();
        if (!removed.empty()) {
            m_db->exec("VACUUM");
        }
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not prune the history database " + m_path.string() + ": " +
                            e.what() + " (nothing was removed)");
    }
    return removed;
}

std::pair<std::size_t, std::size_t> Store::size() {
    try {
        std::size_t runs = std::size_t(m_db->execAndGet("SELECT count(*) FROM runs").getInt64());
        std::size_t iterations =
            std::size_t(m_db->execAndGet("SELECT count(*) FROM iterations").getInt64());
        return {runs, iterations};
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not read the history database " + m_path.string() + ": " +
                            e.what());
    }
}

} // namespace farm::history
