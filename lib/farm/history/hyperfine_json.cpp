#include "farm/history/hyperfine_json.hpp"

#include "farm/measure/stats.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace farm::history {

namespace {

using OrderedJson = nlohmann::ordered_json;

// The iterations in index order: the order of "times", whatever order they were collected in.
std::vector<const measure::IterationRecord*> by_index(const Run& run) {
    std::vector<const measure::IterationRecord*> order;
    order.reserve(run.iterations.size());
    for (const measure::IterationRecord& it : run.iterations) {
        order.push_back(&it);
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto* a, const auto* b) { return a->index < b->index; });
    return order;
}

OrderedJson number_or_null(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? OrderedJson(*value) : OrderedJson(nullptr);
}

std::optional<double> mean_of(const std::vector<double>& values) {
    if (values.empty()) {
        return std::nullopt;
    }
    return measure::mean(values);
}

// hyperfine writes memory_usage_byte for every run or not at all.
OrderedJson memory_usage(const std::vector<const measure::IterationRecord*>& iterations) {
    OrderedJson bytes = OrderedJson::array();
    for (const measure::IterationRecord* it : iterations) {
        std::optional<double> rss = it->metric("max_rss_bytes");
        if (!rss || !std::isfinite(*rss) || *rss < 0) {
            return nullptr;
        }
        bytes.push_back(static_cast<std::uint64_t>(*rss));
    }
    return bytes;
}

// Every metric but wall_s (that is "times"), one value per iteration, null where not measured.
OrderedJson farm_metrics(const std::vector<const measure::IterationRecord*>& iterations) {
    OrderedJson metrics = OrderedJson::object();
    for (const measure::IterationRecord* it : iterations) {
        for (const measure::MetricValue& m : it->metrics) {
            if (m.name != "wall_s" && !metrics.contains(m.name)) {
                metrics[m.name] = {{"unit", m.unit}, {"values", OrderedJson::array()}};
            }
        }
    }
    for (auto& [name, metric] : metrics.items()) {
        for (const measure::IterationRecord* it : iterations) {
            metric["values"].push_back(number_or_null(it->metric(name)));
        }
    }
    return metrics;
}

OrderedJson farm_context(const sys::RunContext& c) {
    return {{"git", {{"commit", c.git.commit}, {"branch", c.git.branch}, {"dirty", c.git.dirty}}},
            {"host",
             {{"name", c.host.name},
              {"cpu_model", c.host.cpu_model},
              {"cores", c.host.cores},
              {"memory_bytes", c.host.memory_bytes},
              {"kernel", c.host.kernel},
              {"os", c.host.os}}},
            {"tool_versions", c.tool_versions},
            {"project", c.project}};
}

OrderedJson farm_part(const Run& run, const HyperfineFigures& figures,
                      const std::vector<const measure::IterationRecord*>& iterations) {
    OrderedJson farm;
    farm["run_id"] = run.id > 0 ? OrderedJson(run.id) : OrderedJson(nullptr);
    farm["kind"] = run.kind;
    farm["subject"] = run.subject;
    farm["status"] = to_string(run.status);
    farm["started_at"] = run.started_at;
    farm["duration_s"] = run.duration_s;
    farm["folder"] = run.folder;
    farm["batch_id"] = run.batch_id;
    farm["order_seed"] = run.order_seed ? OrderedJson(*run.order_seed) : OrderedJson(nullptr);
    farm["shell_overhead_s"] = number_or_null(run.shell_overhead_s);
    OrderedJson parameters = OrderedJson::array();
    for (const auto& [name, value] : run.parameters) {
        parameters.push_back({name, value});
    }
    farm["parameters"] = parameters;
    farm["statistics_over"] = figures.statistics_over;
    farm["ci95"] = figures.ci95_low ? OrderedJson::array({*figures.ci95_low, *figures.ci95_high})
                                    : OrderedJson(nullptr);
    OrderedJson signals = OrderedJson::array();
    for (const measure::IterationRecord* it : iterations) {
        signals.push_back(it->signal);
    }
    farm["signals"] = signals;
    farm["metrics"] = farm_metrics(iterations);
    farm["context"] = farm_context(run.context);
    return farm;
}

OrderedJson hyperfine_result(const Run& run) {
    std::vector<const measure::IterationRecord*> iterations = by_index(run);
    HyperfineFigures figures = hyperfine_figures(run);
    OrderedJson result;
    result["command"] = run.command;
    result["mean"] = number_or_null(figures.mean);
    result["stddev"] = number_or_null(figures.stddev);
    result["median"] = number_or_null(figures.median);
    result["user"] = number_or_null(figures.user);
    result["system"] = number_or_null(figures.system);
    result["min"] = number_or_null(figures.min);
    result["max"] = number_or_null(figures.max);
    OrderedJson times = OrderedJson::array();
    OrderedJson exit_codes = OrderedJson::array();
    for (const measure::IterationRecord* it : iterations) {
        times.push_back(number_or_null(it->metric("wall_s")));
        std::optional<int> code = hyperfine_exit_code(*it);
        exit_codes.push_back(code ? OrderedJson(*code) : OrderedJson(nullptr));
    }
    result["times"] = times;
    OrderedJson memory = memory_usage(iterations);
    if (!memory.is_null()) {
        result["memory_usage_byte"] = memory;
    }
    result["exit_codes"] = exit_codes;
    if (!run.parameters.empty()) {
        std::vector<std::pair<std::string, std::string>> sorted = run.parameters;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        OrderedJson parameters = OrderedJson::object();
        for (const auto& [name, value] : sorted) {
            parameters[name] = value;
        }
        result["parameters"] = parameters;
    }
    result["farm"] = farm_part(run, figures, iterations);
    return result;
}

} // namespace

bool counts_as_completed(const Run& run, const measure::IterationRecord& iteration) {
    return run.status == RunStatus::ok || (iteration.exit_code == 0 && iteration.signal == 0);
}

std::optional<int> hyperfine_exit_code(const measure::IterationRecord& iteration) {
    if (iteration.signal > 0) {
        return 128 + iteration.signal;
    }
    if (iteration.exit_code < 0) {
        return std::nullopt;
    }
    return iteration.exit_code;
}

HyperfineFigures hyperfine_figures(const Run& run) {
    std::vector<double> wall, user, system;
    for (const measure::IterationRecord& it : run.iterations) {
        std::optional<double> w = it.metric("wall_s");
        if (!counts_as_completed(run, it) || !w || !std::isfinite(*w)) {
            continue;
        }
        wall.push_back(*w);
        std::optional<double> u = it.metric("user_s");
        std::optional<double> s = it.metric("sys_s");
        if (u && std::isfinite(*u)) {
            user.push_back(*u);
        }
        if (s && std::isfinite(*s)) {
            system.push_back(*s);
        }
    }
    HyperfineFigures f;
    f.statistics_over = wall.size();
    if (wall.empty()) {
        return f;
    }
    measure::Summary s = measure::summarize(wall);
    f.mean = s.mean;
    f.median = s.median;
    f.min = s.min;
    f.max = s.max;
    if (wall.size() > 1) {
        f.stddev = s.stddev;
    }
    f.ci95_low = s.ci95_low;
    f.ci95_high = s.ci95_high;
    f.user = mean_of(user);
    f.system = mean_of(system);
    return f;
}

std::string hyperfine_json(const std::vector<Run>& runs) {
    OrderedJson results = OrderedJson::array();
    for (const Run& run : runs) {
        results.push_back(hyperfine_result(run));
    }
    OrderedJson document;
    document["results"] = std::move(results);
    // A command line is not always UTF-8; JSON text must be.
    return document.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

} // namespace farm::history
