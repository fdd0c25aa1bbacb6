#include "farm/pnpm/turbo_summary.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

namespace farm::pnpm {

using nlohmann::json;

const char* to_string(TaskCache cache) {
    switch (cache) {
    case TaskCache::hit:
        return "hit";
    case TaskCache::miss:
        return "miss";
    case TaskCache::unknown:
        break;
    }
    return "unknown";
}

namespace {

// A finite number at `key` of an object, else nullopt: a field of the wrong type is treated as
// missing rather than trusted.
std::optional<double> number_at(const json& object, const char* key) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    auto it = object.find(key);
    if (it == object.end() || !it->is_number() || !std::isfinite(it->get<double>())) {
        return std::nullopt;
    }
    return it->get<double>();
}

std::string string_at(const json& object, const char* key) {
    if (!object.is_object()) {
        return {};
    }
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& object_at(const json& object, const char* key) {
    static const json empty = json::object();
    if (!object.is_object()) {
        return empty;
    }
    auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : empty;
}

std::optional<int> exit_code_at(const json& object) {
    std::optional<double> code = number_at(object, "exitCode");
    if (!code || *code < -1e9 || *code > 1e9) {
        return std::nullopt;
    }
    return int(*code);
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& problem) {
    throw UsageError(path.string() + ": not a turbo run summary: " + problem);
}

TaskCache cache_of(const json& task) {
    std::string status = string_at(object_at(task, "cache"), "status");
    if (status == "HIT") {
        return TaskCache::hit;
    }
    if (status == "MISS") {
        return TaskCache::miss;
    }
    return TaskCache::unknown;
}

TaskTiming task_of(const json& task, std::size_t index, const std::filesystem::path& path) {
    if (!task.is_object()) {
        refuse(path, "tasks[" + std::to_string(index) + "] is not an object");
    }
    TaskTiming t;
    t.id = string_at(task, "taskId");
    t.package = string_at(task, "package");
    t.task = string_at(task, "task");
    if (t.id.empty() && !t.package.empty() && !t.task.empty()) {
        t.id = t.package + "#" + t.task;
    }
    if (t.id.empty()) {
        refuse(path, "tasks[" + std::to_string(index) + "] has no taskId");
    }
    std::size_t hash = t.id.rfind('#');
    if (t.package.empty() && hash != std::string::npos) {
        t.package = t.id.substr(0, hash);
    }
    if (t.task.empty()) {
        t.task = hash == std::string::npos ? t.id : t.id.substr(hash + 1);
    }
    const json& execution = object_at(task, "execution");
    t.start_ms = number_at(execution, "startTime").value_or(0);
    t.end_ms = number_at(execution, "endTime").value_or(t.start_ms);
    t.exit_code = exit_code_at(execution);
    t.error = string_at(execution, "error");
    t.cache = cache_of(task);
    auto deps = task.find("dependencies");
    if (deps != task.end() && deps->is_array()) {
        for (const json& d : *deps) {
            if (d.is_string()) {
                t.dependencies.push_back(d.get<std::string>());
            }
        }
    }
    return t;
}

} // namespace

RunSummary parse_turbo_summary(std::string_view text, const std::filesystem::path& path) {
    json doc = core::parse_json_text(path, text);
    if (!doc.is_object()) {
        refuse(path, "the top level is not an object");
    }
    auto tasks = doc.find("tasks");
    if (tasks == doc.end() || !tasks->is_array()) {
        refuse(path, "it has no \"tasks\" array");
    }
    RunSummary summary;
    summary.runner_version = string_at(doc, "turboVersion");
    const json& execution = object_at(doc, "execution");
    for (std::size_t i = 0; i < tasks->size(); ++i) {
        summary.tasks.push_back(task_of((*tasks)[i], i, path));
    }
    summary.start_ms = number_at(execution, "startTime").value_or(0);
    summary.end_ms = number_at(execution, "endTime").value_or(summary.start_ms);
    summary.exit_code = exit_code_at(execution);
    std::optional<double> attempted = number_at(execution, "attempted");
    summary.attempted = attempted && *attempted >= 0 && *attempted < 1e9 ? std::size_t(*attempted)
                                                                         : summary.tasks.size();
    if (summary.start_ms == 0 && !summary.tasks.empty()) {
        // An older summary without the run's own times: the span of its tasks.
        summary.start_ms = summary.tasks.front().start_ms;
        summary.end_ms = summary.tasks.front().end_ms;
        for (const TaskTiming& t : summary.tasks) {
            summary.start_ms = std::min(summary.start_ms, t.start_ms);
            summary.end_ms = std::max(summary.end_ms, t.end_ms);
        }
    }
    return summary;
}

double serial_sum_s(const RunSummary& summary) {
    double sum = 0;
    for (const TaskTiming& t : summary.tasks) {
        sum += t.duration_s();
    }
    return sum;
}

std::vector<std::string> critical_path(const RunSummary& summary) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < summary.tasks.size(); ++i) {
        index.emplace(summary.tasks[i].id, i);
    }
    // Longest chain ending at each task, by relaxing n times (Bellman-Ford on a DAG): n passes
    // settle any acyclic graph, and a cycle cannot make it loop.
    std::size_t n = summary.tasks.size();
    std::vector<double> best(n);
    std::vector<std::size_t> previous(n, n);
    for (std::size_t i = 0; i < n; ++i) {
        best[i] = summary.tasks[i].duration_s();
    }
    for (std::size_t pass = 0; pass < n; ++pass) {
        bool changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            for (const std::string& dep : summary.tasks[i].dependencies) {
                auto it = index.find(dep);
                if (it == index.end() || it->second == i) {
                    continue;
                }
                double through = best[it->second] + summary.tasks[i].duration_s();
                if (through > best[i]) {
                    best[i] = through;
                    previous[i] = it->second;
                    changed = true;
                }
            }
        }
        if (!changed) {
            break;
        }
    }
    if (n == 0) {
        return {};
    }
    std::size_t end = std::size_t(std::max_element(best.begin(), best.end()) - best.begin());
    std::vector<std::string> path;
    std::vector<bool> seen(n, false);
    for (std::size_t at = end; at < n && !seen[at]; at = previous[at]) {
        seen[at] = true;
        path.push_back(summary.tasks[at].id);
    }
    std::reverse(path.begin(), path.end());
    return path;
}

std::optional<double> parallelism(const RunSummary& summary) {
    double wall = summary.wall_s();
    bool any_ran = std::any_of(summary.tasks.begin(), summary.tasks.end(),
                               [](const TaskTiming& t) { return t.cache != TaskCache::hit; });
    if (wall <= 0 || !any_ran) {
        return std::nullopt; // restoring outputs from the cache is no parallel work
    }
    return serial_sum_s(summary) / wall;
}

} // namespace farm::pnpm
