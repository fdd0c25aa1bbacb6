// Store::load_run and Store::load_columns: one run read back, whole or a few of its metrics.
#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/history/values_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

namespace farm::history {

namespace {

std::map<std::string, std::string> map_from_json(const std::string& text) {
    std::map<std::string, std::string> map;
    nlohmann::json j = core::parse_json_or_discarded(text);
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            if (value.is_string()) {
                map[key] = value.get<std::string>();
            }
        }
    }
    return map;
}

} // namespace

double RunColumns::at(const std::string& metric, std::size_t iteration) const {
    auto it = values.find(metric);
    if (it == values.end() || iteration >= it->second.size()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return it->second[iteration];
}

Run Store::load_run_header(std::int64_t id) {
    try {
        SQLite::Statement select(*m_db, R"sql(
            SELECT kind, subject, command, folder, started_at, status, git_commit, git_branch,
                   git_dirty, host_name, cpu_model, cpu_cores, memory_bytes, kernel, os,
                   tool_versions, duration_s, project, batch_id, order_seed, parameters,
                   shell_overhead_s, import_digest, failure
            FROM runs WHERE id = ?)sql");
        select.bind(1, id);
        if (!select.executeStep()) {
            throw DatabaseError("there is no run " + std::to_string(id) + " in " + m_path.string());
        }
        Run run;
        run.id = id;
        run.kind = select.getColumn(0).getString();
        run.subject = select.getColumn(1).getString();
        run.command = select.getColumn(2).getString();
        run.folder = select.getColumn(3).getString();
        run.started_at = select.getColumn(4).getString();
        run.status = run_status_from_string(select.getColumn(5).getString());
        run.context.git.commit = select.getColumn(6).getString();
        run.context.git.branch = select.getColumn(7).getString();
        run.context.git.dirty = select.getColumn(8).getInt() != 0;
        run.context.git.available = !run.context.git.commit.empty();
        run.context.host.name = select.getColumn(9).getString();
        run.context.host.cpu_model = select.getColumn(10).getString();
        run.context.host.cores = select.getColumn(11).getInt();
        run.context.host.memory_bytes = select.getColumn(12).getInt64();
        run.context.host.kernel = select.getColumn(13).getString();
        run.context.host.os = select.getColumn(14).getString();
        run.context.tool_versions = map_from_json(select.getColumn(15).getString());
        run.context.project = map_from_json(select.getColumn(17).getString());
        run.duration_s = select.getColumn(16).getDouble();
        run.batch_id = select.getColumn(18).getString();
        if (!select.getColumn(19).isNull()) {
            run.order_seed = static_cast<std::uint64_t>(select.getColumn(19).getInt64());
        }
        run.parameters = parameters_from_json(select.getColumn(20).getString());
        if (!select.getColumn(21).isNull()) {
            run.shell_overhead_s = select.getColumn(21).getDouble();
        }
        if (!select.getColumn(22).isNull()) {
            run.import_digest = select.getColumn(22).getString();
        }
        run.failure = select.getColumn(23).getString();
        return run;
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not read run " + std::to_string(id) + " from " +
                            m_path.string() + ": " + e.what());
    }
}

Run Store::load_run(std::int64_t id, const std::optional<std::vector<std::string>>& only_metrics) {
    Run run = load_run_header(id);
    try {
        SQLite::Statement iterations(
            *m_db, "SELECT idx, exit_code, signal FROM iterations WHERE run_id = ? ORDER BY idx");
        iterations.bind(1, id);
        while (iterations.executeStep()) {
            measure::IterationRecord record;
            record.index = iterations.getColumn(0).getInt();
            record.exit_code = iterations.getColumn(1).getInt();
            record.signal = iterations.getColumn(2).getInt();
            run.iterations.push_back(std::move(record));
        }
        SQLite::Statement metrics(
            *m_db, "SELECT name, unit, vals FROM metrics WHERE run_id = ? ORDER BY rowid");
        metrics.bind(1, id);
        while (metrics.executeStep()) {
            std::string name = metrics.getColumn(0).getString();
            if (only_metrics && std::find(only_metrics->begin(), only_metrics->end(), name) ==
                                    only_metrics->end()) {
                continue; // its values are not even decoded
            }
            std::string unit = metrics.getColumn(1).getString();
            std::vector<double> values = decode_values(metrics.getColumn(2).getString());
            for (std::size_t i = 0; i < values.size() && i < run.iterations.size(); ++i) {
                if (std::isfinite(values[i])) { // null: not measured in this iteration
                    run.iterations[i].metrics.push_back({name, unit, values[i]});
                }
            }
        }
        return run;
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not read run " + std::to_string(id) + " from " +
                            m_path.string() + ": " + e.what());
    }
}

RunColumns Store::load_columns(std::int64_t id, const std::vector<std::string>& metrics) {
    RunColumns columns;
    try {
        SQLite::Statement iterations(
            *m_db, "SELECT exit_code FROM iterations WHERE run_id = ? ORDER BY idx");
        iterations.bind(1, id);
        while (iterations.executeStep()) {
            columns.exit_codes.push_back(iterations.getColumn(0).getInt());
        }
        SQLite::Statement select(*m_db, "SELECT vals FROM metrics WHERE run_id = ? AND name = ?");
        for (const std::string& name : metrics) {
            select.reset();
            select.bind(1, id);
            select.bind(2, name);
            if (!select.executeStep()) {
                continue; // the run did not measure it
            }
            std::vector<double> values = decode_values(select.getColumn(0).getString());
            values.resize(columns.exit_codes.size(), std::numeric_limits<double>::quiet_NaN());
            columns.values[name] = std::move(values);
        }
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not read run " + std::to_string(id) + " from " +
                            m_path.string() + ": " + e.what());
    }
    return columns;
}

std::optional<std::int64_t> Store::imported_run(const std::string& digest) {
    try {
        SQLite::Statement& select = cached("SELECT id FROM runs WHERE import_digest = ?");
        select.bind(1, digest);
        if (select.executeStep()) {
            return select.getColumn(0).getInt64();
        }
        return std::nullopt;
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not read the history database " + m_path.string() + ": " +
                            e.what());
    }
}

} // namespace farm::history
