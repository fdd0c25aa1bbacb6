#include "farm/report/batch_view.hpp"

#include "farm/report/run_view.hpp"
#include "farm/report/table.hpp"

#include <cmath>
#include <cstdio>

namespace farm::report {

namespace {

// The run's wall times as every statistic reads them (finite values only), from series_of.
std::vector<double> wall_times(const history::Run& run) {
    for (history::MetricSeries& series : history::series_of(run.iterations)) {
        if (series.name == "wall_s") {
            return std::move(series.values);
        }
    }
    return {};
}

bool comparable(const history::Run& run, const std::vector<double>& walls) {
    return run.status == history::RunStatus::ok && !walls.empty();
}

bool comparable(const history::Run& run) {
    return comparable(run, wall_times(run));
}

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

std::string p_text(double p) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, p < 0.001 ? "%.1e" : "%.3f", p);
    return buffer;
}

} // namespace

std::optional<RelativeBlock> relative_block(const std::vector<history::Run>& runs,
                                            std::optional<std::size_t> reference) {
    RelativeBlock block;
    std::vector<std::vector<double>> walls;
    std::vector<std::size_t> compared;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        walls.push_back(wall_times(runs[i]));
        (comparable(runs[i], walls[i]) ? compared : block.left_out).push_back(i);
    }
    if (compared.size() < 2 || (reference && !comparable(runs[*reference], walls[*reference]))) {
        return std::nullopt;
    }
    if (reference) {
        block.reference = *reference;
    } else {
        double fastest = INFINITY;
        for (std::size_t i : compared) {
            double m = measure::median(walls[i]);
            if (m < fastest) {
                fastest = m;
                block.reference = i;
            }
        }
    }
    const std::vector<double>& reference_walls = walls[block.reference];
    if (!(measure::median(reference_walls) > 0)) {
        return std::nullopt;
    }
    for (std::size_t i : compared) {
        if (i != block.reference) {
            block.rows.push_back({i, measure::relative_speed(walls[i], reference_walls)});
        }
    }
    return block;
}

std::string why_no_relative(const std::vector<history::Run>& runs,
                            std::optional<std::size_t> reference) {
    if (runs.size() < 2 || relative_block(runs, reference)) {
        return {};
    }
    if (reference && !comparable(runs[*reference])) {
        return "  no relative speeds: the reference `" + runs[*reference].subject +
               "` did not complete a run (--reference names a command that works)\n";
    }
    std::size_t completed = 0;
    for (const history::Run& run : runs) {
        completed += comparable(run) ? 1 : 0;
    }
    if (completed < 2) {
        return "  no relative speeds: " + std::to_string(completed) + " of " +
               std::to_string(runs.size()) + " commands completed a run\n";
    }
    return "  no relative speeds: the reference's median time is 0\n";
}

std::string render_relative(const std::vector<history::Run>& runs, const RelativeBlock& block,
                            std::size_t width) {
    const std::string reference = "`" + runs[block.reference].subject + "`";
    std::string out = "Relative speed (wall time, ratio of medians; ± is half the 95% bootstrap "
                      "interval)\n";
    for (const RelativeRow& row : block.rows) {
        const measure::RelativeSpeed& s = row.speed;
        bool faster = s.ratio >= 1;
        // Said the way round that gives a factor of at least 1.
        double factor = faster ? s.ratio : 1 / s.ratio;
        double low = faster ? s.ci95_low : 1 / s.ci95_high;
        double high = faster ? s.ci95_high : 1 / s.ci95_low;
        out += "  " + reference + " ran " + number(factor) + " ± " + number((high - low) / 2) +
               " times " + (faster ? "faster" : "slower") + " than `" + runs[row.run].subject +
               "` (95% CI " + number(low) + " … " + number(high) +
               ", Mann-Whitney p = " + p_text(s.p_value) + ")\n";
    }
    for (std::size_t i : block.left_out) {
        out += "  not compared: `" + runs[i].subject + "` (" + history::to_string(runs[i].status) +
               (runs[i].iterations.empty() ? ", no run" : "") + ")\n";
    }
    return wrap_text(out, width, 2);
}

nlohmann::json relative_to_json(const std::vector<history::Run>& runs, const RelativeBlock& block) {
    using nlohmann::json;
    json rows = json::array();
    for (const RelativeRow& row : block.rows) {
        rows.push_back({{"subject", runs[row.run].subject},
                        {"command", runs[row.run].command},
                        {"ratio", row.speed.ratio},
                        {"ci95_low", row.speed.ci95_low},
                        {"ci95_high", row.speed.ci95_high},
                        {"p_value", row.speed.p_value},
                        {"resamples", row.speed.resamples}});
    }
    json left_out = json::array();
    for (std::size_t i : block.left_out) {
        left_out.push_back(runs[i].subject);
    }
    return {{"metric", "wall_s"},
            {"reference", runs[block.reference].subject},
            {"reference_command", runs[block.reference].command},
            {"results", std::move(rows)},
            {"left_out", std::move(left_out)}};
}

nlohmann::json batch_to_json(const BatchDocument& d) {
    using nlohmann::json;
    const std::vector<history::Run>& runs = *d.runs;
    json j;
    j["schema"] = "farm.batch/1";
    j["batch_id"] = runs.empty() ? json(nullptr) : json(runs.front().batch_id);
    j["interleaved"] = d.interleaved;
    j["order_seed"] =
        !runs.empty() && runs.front().order_seed ? json(*runs.front().order_seed) : json(nullptr);
    json list = json::array();
    for (std::size_t i = 0; i < runs.size(); ++i) {
        list.push_back(run_to_json(runs[i], (*d.failures)[i]));
    }
    j["runs"] = std::move(list);
    j["relative"] = *d.relative ? relative_to_json(runs, **d.relative) : json(nullptr);
    return j;
}

} // namespace farm::report
