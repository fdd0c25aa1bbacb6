// Store::record: a run and its iterations in one transaction, whether the iterations are in
// memory (Run::iterations) or spooled to disk (measure::RecordSpool).
#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/core/redact.hpp"
#include "farm/history/schema.hpp"
#include "farm/history/values_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

namespace farm::history {

namespace {

std::string map_json(const std::map<std::string, std::string>& map) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, value] : map) {
        j[key] = value;
    }
    return j.dump();
}

// One array per metric, one entry per iteration (NaN where the iteration lacks the metric), so
// that values find their iteration again when read back.
std::vector<double> aligned_values(const std::vector<measure::IterationRecord>& iterations,
                                   const std::string& metric) {
    std::vector<std::size_t> order(iterations.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return iterations[a].index < iterations[b].index;
    });
    std::vector<double> values;
    values.reserve(iterations.size());
    for (std::size_t i : order) {
        values.push_back(
            iterations[i].metric(metric).value_or(std::numeric_limits<double>::quiet_NaN()));
    }
    return values;
}

// batch_id, order_seed, parameters, shell_overhead_s, import_digest from parameter `first` on.
// The seed is a full 64-bit value; SQLite keeps it as the signed integer of the same bits.
void bind_batch_columns(SQLite::Statement& insert, int first, const Run& run) {
    insert.bind(first, run.batch_id);
    if (run.order_seed) {
        insert.bind(first + 1, static_cast<std::int64_t>(*run.order_seed));
    }
    insert.bind(first + 2, parameters_json(run.parameters));
    if (run.shell_overhead_s) {
        insert.bind(first + 3, *run.shell_overhead_s);
    }
    if (!run.import_digest.empty()) {
        insert.bind(first + 4, run.import_digest);
    }
}

// A failure's words as the history keeps them: secrets masked, and a long one cut in the middle,
// as its first line says which step failed and its last lines say why.
std::string stored_failure(const std::string& failure) {
    std::string text = core::redact_secrets(failure);
    if (text.size() <= max_failure_bytes) {
        return text;
    }
    const std::string cut = "\n[...]\n";
    auto continues_a_character = [&text](std::size_t at) {
        return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
    };
    std::size_t head = max_failure_bytes / 4;
    while (head > 0 && continues_a_character(head)) {
        --head; // never half a UTF-8 character: JSON exports would refuse it
    }
    std::size_t tail_start = text.size() - (max_failure_bytes - max_failure_bytes / 4 - cut.size());
    while (continues_a_character(tail_start)) {
        ++tail_start;
    }
    return text.substr(0, head) + cut + text.substr(tail_start);
}

} // namespace

Store::IterationSource Store::in_memory(const Run& run) {
    IterationSource source;
    source.each = [&run](const std::function<void(const measure::IterationRecord&)>& visit) {
        for (const measure::IterationRecord& it : run.iterations) {
            visit(it);
        }
    };
    for (const measure::IterationRecord& it : run.iterations) {
        for (const measure::MetricValue& m : it.metrics) {
            bool seen = std::any_of(source.metrics.begin(), source.metrics.end(),
                                    [&m](const auto& known) { return known.name == m.name; });
            if (!seen) {
                source.metrics.push_back({m.name, m.unit});
            }
        }
    }
    source.values_by_index = [&run](const std::string& metric) {
        return aligned_values(run.iterations, metric);
    };
    return source;
}

std::int64_t Store::record(const Run& run) {
    return record(run, in_memory(run));
}

std::vector<std::int64_t> Store::record_all(const std::vector<Run>& runs) {
    std::vector<std::int64_t> ids;
    try {
        SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
        for (const Run& run : runs) {
            ids.push_back(insert(run, in_memory(run)));
        }
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not record the runs in " + m_path.string() + ": " + e.what() +
                            " (nothing of these runs was stored)");
    }
    return ids;
}

std::int64_t Store::record(const Run& run, const measure::RecordSpool& iterations) {
    IterationSource source;
    source.each = [&iterations](const auto& visit) { iterations.for_each(visit); };
    source.metrics = iterations.metrics();
    source.values_by_index = [&iterations](const std::string& metric) {
        return iterations.values_by_index(metric);
    };
    return record(run, source);
}

std::int64_t Store::record(const Run& run, const IterationSource& iterations) {
    try {
        SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
        std::int64_t id = insert(run, iterations);
        transaction.commit();
        return id;
    } catch (const SQLite::Exception& e) {
        throw DatabaseError("could not record the run in " + m_path.string() + ": " + e.what() +
                            " (nothing of this run was stored)");
    }
}

std::int64_t Store::insert(const Run& run, const IterationSource& iterations) {
    SQLite::Statement insert_run(*m_db, R"sql(
        INSERT INTO runs (kind, subject, command, folder, started_at, status, git_commit,
                          git_branch, git_dirty, host_name, cpu_model, cpu_cores,
                          memory_bytes, kernel, os, tool_versions, duration_s, project,
                          batch_id, order_seed, parameters, shell_overhead_s, import_digest,
                          failure)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    const sys::RunContext& c = run.context;
    insert_run.bind(1, run.kind);
    insert_run.bind(2, run.subject);
    insert_run.bind(3, run.command);
    insert_run.bind(4, run.folder);
    insert_run.bind(5, run.started_at);
    insert_run.bind(6, to_string(run.status));
    insert_run.bind(7, c.git.commit);
    insert_run.bind(8, c.git.branch);
    insert_run.bind(9, c.git.dirty ? 1 : 0);
    insert_run.bind(10, c.host.name);
    insert_run.bind(11, c.host.cpu_model);
    insert_run.bind(12, c.host.cores);
    insert_run.bind(13, std::int64_t(c.host.memory_bytes));
    insert_run.bind(14, c.host.kernel);
    insert_run.bind(15, c.host.os);
    insert_run.bind(16, map_json(c.tool_versions));
    insert_run.bind(17, run.duration_s);
    insert_run.bind(18, map_json(c.project));
    bind_batch_columns(insert_run, 19, run);
    insert_run.bind(24, stored_failure(run.failure));
    insert_run.exec();
    std::int64_t id = m_db->getLastInsertRowid();

    SQLite::Statement insert_iteration(
        *m_db, "INSERT INTO iterations (run_id, idx, exit_code, signal) VALUES (?, ?, ?, ?)");
    iterations.each([&](const measure::IterationRecord& it) {
        insert_iteration.bind(1, id);
        insert_iteration.bind(2, it.index);
        insert_iteration.bind(3, it.exit_code);
        insert_iteration.bind(4, it.signal);
        insert_iteration.exec();
        insert_iteration.reset();
    });
    SQLite::Statement insert_metric(*m_db, R"sql(
        INSERT INTO metrics (run_id, name, unit, vals, count, mean, median, stddev, min, max,
                             p95, ci95_low, ci95_high)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    // One metric at a time, and no copy that is not needed: a run of a million requests
    // holds one metric's values and their text while it is stored, nothing more.
    for (const measure::RecordSpool::Metric& metric : iterations.metrics) {
        std::vector<double> values = iterations.values_by_index(metric.name);
        std::string text = encode_values(values);
        // The summary is over the measured values (a metric with none is not stored, as
        // series_of leaves it out).
        std::erase_if(values, [](double v) { return !std::isfinite(v); });
        if (values.empty()) {
            continue;
        }
        insert_metric.bind(1, id);
        insert_metric.bind(2, metric.name);
        insert_metric.bind(3, metric.unit);
        insert_metric.bindNoCopy(4, text); // lives until exec() below
        bind_summary_columns(insert_metric, 5, measure::summarize(values));
        insert_metric.exec();
        insert_metric.reset();
    }
    return id;
}

} // namespace farm::history
