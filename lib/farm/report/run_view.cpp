#include "farm/report/run_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <cmath>

namespace farm::report {

std::vector<Outlier> find_outliers(const std::vector<history::MetricSeries>& series) {
    std::vector<Outlier> outliers;
    for (const history::MetricSeries& s : series) {
        if (s.name != "wall_s" || s.values.size() < 3) {
            continue;
        }
        std::vector<double> z = measure::modified_z_scores(s.values);
        for (std::size_t i : measure::outlier_indices(s.values)) {
            outliers.push_back(Outlier{s.name, i, s.values[i], z[i]});
        }
    }
    return outliers;
}

namespace {

// The iterations the statistics are over: all of a completed run (with -i, a non-zero exit was
// accepted); of a failed or interrupted run, those that exited 0, so that the failed run is never
// a number.
std::vector<measure::IterationRecord> measured_iterations(const history::Run& run) {
    if (run.status == history::RunStatus::ok) {
        return run.iterations;
    }
    std::vector<measure::IterationRecord> kept;
    for (const measure::IterationRecord& it : run.iterations) {
        if (it.exit_code == 0 && it.signal == 0) {
            kept.push_back(it);
        }
    }
    return kept;
}

std::string heading(const history::Run& run) {
    std::string out = run.subject + "\n";
    if (run.command != run.subject && !run.command.empty()) {
        out += "  command: " + run.command + "\n";
    }
    if (!run.parameters.empty()) {
        out += "  parameters:";
        for (const auto& [name, value] : run.parameters) {
            out += " " + name + "=" + value;
        }
        out += "\n";
    }
    return out;
}

std::string status_line(const history::Run& run) {
    std::size_t n = run.iterations.size();
    std::string out = "  " + count_of(n, "run") + ", " + history::to_string(run.status);
    if (run.context.git.available) {
        out += ", git " + run.context.git.commit.substr(0, 10) +
               (run.context.git.dirty ? " (dirty)" : "");
    }
    return out + "\n\n";
}

std::string statistics_table(const std::vector<history::MetricSeries>& series, bool color,
                             std::size_t width) {
    Table table({"metric", "median", "mean ± σ", "min … max", "p95", "95% CI of median"});
    // At 80 columns: the metric, its median, mean ± σ and p95; the ranges need more room.
    table.set_priority(2, 1);
    table.set_priority(3, 3);
    table.set_priority(4, 2);
    table.set_priority(5, 4);
    for (const history::MetricSeries& s : series) {
        const measure::Summary& m = s.summary;
        table.add_row(
            {metric_label(s.name), format_value(m.median, s.unit),
             format_value(m.mean, s.unit) + " ± " + format_value(m.stddev, s.unit),
             format_value(m.min, s.unit) + " … " + format_value(m.max, s.unit),
             format_value(m.p95, s.unit),
             format_value(m.ci95_low, s.unit) + " … " + format_value(m.ci95_high, s.unit)});
    }
    std::string out = table.render(color, width);
    std::vector<Outlier> outliers = find_outliers(series);
    if (!outliers.empty()) {
        std::string line = "  " + count_of(outliers.size(), "outlier") +
                           " in wall time (modified z-score above 3.5; kept in the statistics):";
        for (const Outlier& o : outliers) {
            line +=
                " run " + std::to_string(o.iteration + 1) + " (" + format_value(o.value, "s") + ")";
        }
        out += "\n" + wrap_text(line, width, 2) + "\n";
    }
    return out;
}

// Runs whose largest process was not measured: wait4 read farm's own peak RSS in its place.
std::string below_own_peak_note(const std::vector<measure::IterationRecord>& measured) {
    std::size_t missing = 0;
    for (const measure::IterationRecord& it : measured) {
        std::optional<double> rss = it.metric("max_rss_bytes");
        missing += rss && !std::isfinite(*rss) ? 1 : 0;
    }
    if (missing == 0) {
        return "";
    }
    return " 'Largest process' is not measured in " + std::to_string(missing) + " of " +
           count_of(measured.size(), "run") +
           ": the command stayed below farm's own peak RSS, which Linux reports in its place "
           "for a command started with vfork (docs/metrics.md).";
}

} // namespace

std::string render_run_table(const history::Run& run, const std::string& failure, bool color,
                             std::size_t width) {
    // A failure comes first: it is what the user acts on, and a table above it hides it.
    std::string out = heading(run);
    if (!failure.empty()) {
        out += "  " + failure + "\n";
    }
    out = wrap_text(out, width, 2) + status_line(run);
    std::vector<measure::IterationRecord> measured = measured_iterations(run);
    std::vector<history::MetricSeries> series = history::series_of(measured);
    if (series.empty()) {
        return out + "  no run completed, so nothing was measured\n";
    }
    out += statistics_table(series, color, width);
    std::string notes;
    if (run.shell_overhead_s) {
        notes += "\n  Wall time has the shell's own start-up subtracted: " +
                 format_value(*run.shell_overhead_s, "s") +
                 " (the median of empty runs of `SHELL -c ''`).";
    }
    std::size_t left_out = run.iterations.size() - measured.size();
    notes += "\n  Statistics over " + count_of(measured.size(), "timed run") +
             (left_out > 0 ? " (the " + std::to_string(left_out) + " that failed left out)" : "") +
             ". RSS: 'largest process' is wait4's ru_maxrss; 'process tree' is the sampled sum "
             "over all descendants." +
             below_own_peak_note(measured) + "\n";
    return out + wrap_text(notes, width, 2);
}

nlohmann::json run_to_json(const history::Run& run, const std::string& failure) {
    using nlohmann::json;
    json j;
    j["schema"] = "farm.run/1";
    j["run_id"] = run.id > 0 ? json(run.id) : json(nullptr);
    j["kind"] = run.kind;
    j["subject"] = run.subject;
    j["command"] = run.command;
    j["folder"] = run.folder;
    j["status"] = history::to_string(run.status);
    j["started_at"] = run.started_at;
    j["duration_s"] = run.duration_s;
    add_context_json(j, run.context);
    j["runs"] = iterations_to_json(run);
    std::vector<history::MetricSeries> series = history::series_of(measured_iterations(run));
    j["summary"] = summary_to_json(series);
    json outliers = json::array();
    for (const Outlier& o : find_outliers(series)) {
        outliers.push_back({{"metric", o.metric},
                            {"index", o.iteration},
                            {"value", o.value},
                            {"modified_z", o.modified_z}});
    }
    j["outliers"] = std::move(outliers);
    j["failure"] = failure.empty() ? json(nullptr) : json(failure);
    json parameters = json::object();
    for (const auto& [name, value] : run.parameters) {
        parameters[name] = value;
    }
    j["parameters"] = std::move(parameters);
    j["shell_overhead_s"] = run.shell_overhead_s ? json(*run.shell_overhead_s) : json(nullptr);
    j["batch_id"] = run.batch_id.empty() ? json(nullptr) : json(run.batch_id);
    j["order_seed"] = run.order_seed ? json(*run.order_seed) : json(nullptr);
    return j;
}

void add_context_json(nlohmann::json& j, const sys::RunContext& c) {
    using nlohmann::json;
    j["git"] =
        c.git.available
            ? json{{"commit", c.git.commit}, {"branch", c.git.branch}, {"dirty", c.git.dirty}}
            : json(nullptr);
    j["host"] = {{"name", c.host.name},     {"cpu_model", c.host.cpu_model},
                 {"cores", c.host.cores},   {"memory_bytes", c.host.memory_bytes},
                 {"kernel", c.host.kernel}, {"os", c.host.os}};
    j["tools"] = c.tool_versions;
    if (!c.project.empty()) {
        j["project"] = c.project;
    }
}

nlohmann::json iterations_to_json(const history::Run& run) {
    using nlohmann::json;
    json runs = json::array();
    for (const measure::IterationRecord& it : run.iterations) {
        json r;
        r["index"] = it.index;
        for (const measure::MetricValue& m : it.metrics) {
            r[m.name] = m.value;
        }
        r["exit_code"] = it.signal != 0 ? json(nullptr) : json(it.exit_code);
        r["signal"] = it.signal != 0 ? json(it.signal) : json(nullptr);
        runs.push_back(std::move(r));
    }
    return runs;
}

nlohmann::json summary_to_json(const std::vector<history::MetricSeries>& series) {
    using nlohmann::json;
    json summary = json::object();
    for (const history::MetricSeries& s : series) {
        const measure::Summary& m = s.summary;
        summary[s.name] = {{"unit", s.unit},         {"count", m.count},
                           {"mean", m.mean},         {"median", m.median},
                           {"stddev", m.stddev},     {"min", m.min},
                           {"max", m.max},           {"p95", m.p95},
                           {"ci95_low", m.ci95_low}, {"ci95_high", m.ci95_high}};
    }
    return summary;
}

} // namespace farm::report
