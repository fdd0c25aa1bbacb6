#include "farm/pnpm/nx_profile.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace farm::pnpm {

using nlohmann::json;

namespace {

std::optional<double> finite_number(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_number() || !std::isfinite(it->get<double>())) {
        return std::nullopt;
    }
    return it->get<double>();
}

std::string text_at(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A task of the trace, or nullopt for an event that is not one (metadata, a malformed entry).
std::optional<TaskTiming> task_of(const json& event) {
    if (!event.is_object() || text_at(event, "ph") != "X") {
        return std::nullopt;
    }
    std::optional<double> ts = finite_number(event, "ts");
    std::optional<double> dur = finite_number(event, "dur");
    TaskTiming t;
    t.id = text_at(event, "name");
    if (!ts || !dur || *dur < 0 || t.id.empty()) {
        return std::nullopt;
    }
    t.start_ms = *ts / 1000;
    t.end_ms = (*ts + *dur) / 1000;
    std::size_t colon = t.id.rfind(':');
    t.package = colon == std::string::npos ? t.id : t.id.substr(0, colon);
    t.task = colon == std::string::npos ? std::string() : t.id.substr(colon + 1);
    auto args = event.find("args");
    std::string status = args != event.end() && args->is_object() ? text_at(*args, "status") : "";
    if (status.find("cache") != std::string::npos) {
        t.cache = TaskCache::hit;
        t.exit_code = 0;
    } else if (status == "success") {
        t.cache = TaskCache::miss;
        t.exit_code = 0;
    } else if (status == "failure") {
        t.cache = TaskCache::miss;
        t.exit_code = 1;
        t.error = "nx reports the task failed";
    }
    return t;
}

} // namespace

RunSummary parse_nx_profile(std::string_view text, const std::filesystem::path& path) {
    json doc = core::parse_json_text(path, text);
    if (!doc.is_array()) {
        throw UsageError(path.string() + ": not an Nx task profile (a JSON array of trace events)");
    }
    RunSummary summary;
    for (const json& event : doc) {
        if (std::optional<TaskTiming> t = task_of(event)) {
            summary.tasks.push_back(std::move(*t));
        }
    }
    if (!summary.tasks.empty()) {
        summary.start_ms = summary.tasks.front().start_ms;
        summary.end_ms = summary.tasks.front().end_ms;
        for (const TaskTiming& t : summary.tasks) {
            summary.start_ms = std::min(summary.start_ms, t.start_ms);
            summary.end_ms = std::max(summary.end_ms, t.end_ms);
        }
    }
    summary.attempted = summary.tasks.size();
    bool failed = std::any_of(summary.tasks.begin(), summary.tasks.end(),
                              [](const TaskTiming& t) { return t.failed(); });
    summary.exit_code = failed ? 1 : 0;
    return summary;
}

} // namespace farm::pnpm
