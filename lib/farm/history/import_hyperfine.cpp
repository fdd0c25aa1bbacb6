#include "farm/history/import_hyperfine.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/text.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <type_traits>

namespace farm::history {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string file_time_iso8601(const fs::path& file) {
    std::error_code ec;
    fs::file_time_type written = fs::last_write_time(file, ec);
    if (ec) {
        return core::utc_now_iso8601();
    }
    // libstdc++ 12 has no clock_cast; file_clock::to_sys is the same conversion.
    auto system = std::chrono::file_clock::to_sys(written);
    double seconds =
        double(std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch())
                   .count()) /
        1000.0;
    return core::utc_iso8601_from_unix(seconds);
}

// Reads one file; every complaint names it and the JSON path of the value.
class ResultReader {
  public:
    explicit ResultReader(const fs::path& file) : m_file(file) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw UsageError(m_file.string() + ": " + where + ": " + what +
                         " (expected hyperfine's --export-json format)");
    }

    // The member `key` of `object`, or null when absent or null; a value of another type than
    // `is` accepts is an error.
    const Json* member(const Json& object, const char* key, const std::string& where,
                       bool (Json::*is)() const noexcept, const char* expected) const {
        auto it = object.find(key);
        if (it == object.end() || it->is_null()) {
            return nullptr;
        }
        if (!((*it).*is)()) {
            fail(where + "/" + key, std::string("not ") + expected);
        }
        return &*it;
    }
    std::optional<std::string> text(const Json& object, const char* key,
                                    const std::string& where) const {
        const Json* value = member(object, key, where, &Json::is_string, "a string");
        return value ? std::optional(value->get<std::string>()) : std::nullopt;
    }
    std::optional<double> number(const Json& object, const char* key,
                                 const std::string& where) const {
        const Json* value = member(object, key, where, &Json::is_number, "a number");
        return value ? std::optional(value->get<double>()) : std::nullopt;
    }

    Run run_from(const Json& result, const std::string& where) const;

  private:
    void add_iterations(Run& run, const Json& result, const std::string& where) const;
    void restore_farm_part(Run& run, const Json& farm, const std::string& where) const;
    void restore_metrics(Run& run, const Json& metrics, const std::string& where) const;

    const fs::path& m_file;
};

void ResultReader::add_iterations(Run& run, const Json& result, const std::string& where) const {
    const Json& times = result["times"];
    const Json* exit_codes = member(result, "exit_codes", where, &Json::is_array, "an array");
    for (std::size_t i = 0; i < times.size(); ++i) {
        if (!times[i].is_number() || !std::isfinite(times[i].get<double>()) ||
            times[i].get<double>() < 0) {
            fail(where + "/times/" + std::to_string(i), "not a time in seconds");
        }
        measure::IterationRecord iteration;
        iteration.index = int(i);
        if (exit_codes && i < exit_codes->size()) {
            const Json& code = (*exit_codes)[i];
            if (code.is_null()) {
                iteration.exit_code = -1; // ended by a signal (hyperfine 1.11)
            } else if (code.is_number_integer() && code.get<std::int64_t>() >= INT32_MIN &&
                       code.get<std::int64_t>() <= INT32_MAX) {
                iteration.exit_code = code.get<int>();
            } else {
                fail(where + "/exit_codes/" + std::to_string(i), "not an exit code or null");
            }
        }
        iteration.metrics.push_back({"wall_s", "s", times[i].get<double>()});
        run.duration_s += times[i].get<double>();
        if (iteration.exit_code != 0) {
            run.status = RunStatus::failed;
        }
        run.iterations.push_back(std::move(iteration));
    }
}

void ResultReader::restore_metrics(Run& run, const Json& metrics, const std::string& where) const {
    for (const auto& [name, metric] : metrics.items()) {
        std::string at = where + "/metrics/" + name;
        if (!metric.is_object()) {
            fail(at, "not an object");
        }
        std::string unit = text(metric, "unit", at).value_or("");
        const Json* values = member(metric, "values", at, &Json::is_array, "an array");
        if (values == nullptr || values->size() != run.iterations.size()) {
            fail(at + "/values", "not one value per entry of \"times\"");
        }
        for (std::size_t i = 0; i < values->size(); ++i) {
            const Json& v = (*values)[i];
            if (v.is_number()) {
                run.iterations[i].metrics.push_back({name, unit, v.get<double>()});
            } else if (!v.is_null()) {
                fail(at + "/values/" + std::to_string(i), "not a number or null");
            }
        }
    }
}

void restore_map(std::map<std::string, std::string>& map, const Json& object) {
    if (!object.is_object()) {
        return;
    }
    for (const auto& [key, value] : object.items()) {
        if (value.is_string()) {
            map[key] = value.get<std::string>();
        }
    }
}

// A member of `object` when it has the type of `fallback`, else `fallback`.
template <typename T>
T field_or(const Json& object, const char* key, T fallback) {
    if (!object.is_object() || !object.contains(key)) {
        return fallback;
    }
    const Json& value = object[key];
    bool same = std::is_same_v<T, std::string> ? value.is_string()
                : std::is_same_v<T, bool>      ? value.is_boolean()
                                               : value.is_number_integer();
    return same ? value.get<T>() : fallback;
}

// Context is description, not measurement: whatever has the right type is kept.
void restore_context(sys::RunContext& c, const Json& context) {
    Json git = context.contains("git") ? context["git"] : Json::object();
    c.git.commit = field_or(git, "commit", std::string());
    c.git.branch = field_or(git, "branch", std::string());
    c.git.dirty = field_or(git, "dirty", false);
    c.git.available = !c.git.commit.empty();
    Json host = context.contains("host") ? context["host"] : Json::object();
    c.host.name = field_or(host, "name", std::string());
    c.host.cpu_model = field_or(host, "cpu_model", std::string());
    c.host.cores = int(field_or(host, "cores", std::int64_t(0)));
    c.host.memory_bytes = field_or(host, "memory_bytes", std::int64_t(0));
    c.host.kernel = field_or(host, "kernel", std::string());
    c.host.os = field_or(host, "os", std::string());
    restore_map(c.tool_versions,
                context.contains("tool_versions") ? context["tool_versions"] : Json::object());
    restore_map(c.project, context.contains("project") ? context["project"] : Json::object());
}

void ResultReader::restore_farm_part(Run& run, const Json& farm, const std::string& where) const {
    run.kind = text(farm, "kind", where).value_or(run.kind);
    run.subject = text(farm, "subject", where).value_or(run.subject);
    if (std::optional<std::string> status = text(farm, "status", where)) {
        try {
            run.status = run_status_from_string(*status);
        } catch (const Error&) {
            fail(where + "/status", "not ok, failed or interrupted");
        }
    }
    run.started_at = text(farm, "started_at", where).value_or(run.started_at);
    run.duration_s = number(farm, "duration_s", where).value_or(run.duration_s);
    run.folder = text(farm, "folder", where).value_or(run.folder);
    run.batch_id = text(farm, "batch_id", where).value_or("");
    if (const Json* seed =
            member(farm, "order_seed", where, &Json::is_number_unsigned, "a seed (0 to 2^64-1)")) {
        run.order_seed = seed->get<std::uint64_t>();
    }
    run.shell_overhead_s = number(farm, "shell_overhead_s", where);
    if (const Json* list = member(farm, "parameters", where, &Json::is_array, "an array")) {
        run.parameters.clear();
        for (const Json& pair : *list) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
                !pair[1].is_string()) {
                fail(where + "/parameters", "not a list of [NAME, VALUE] strings");
            }
            run.parameters.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
        }
    }
    if (const Json* signals = member(farm, "signals", where, &Json::is_array, "an array")) {
        for (std::size_t i = 0; i < signals->size() && i < run.iterations.size(); ++i) {
            const Json& s = (*signals)[i];
            if (!s.is_number_integer() || s.get<std::int64_t>() < 0 ||
                s.get<std::int64_t>() > 128) {
                fail(where + "/signals/" + std::to_string(i), "not a signal number");
            }
            if (s.get<int>() > 0) { // farm's own convention: -1 and the signal
                run.iterations[i].signal = s.get<int>();
                run.iterations[i].exit_code = -1;
            }
        }
    }
    if (const Json* metrics = member(farm, "metrics", where, &Json::is_object, "an object")) {
        restore_metrics(run, *metrics, where);
    }
    if (const Json* context = member(farm, "context", where, &Json::is_object, "an object")) {
        restore_context(run.context, *context);
    }
}

Run ResultReader::run_from(const Json& result, const std::string& where) const {
    if (!result.is_object() || !result.contains("command") || !result["command"].is_string()) {
        fail(where + "/command", "missing or not a string");
    }
    if (!result.contains("times") || !result["times"].is_array() || result["times"].empty()) {
        fail(where + "/times", "missing, not an array or empty");
    }
    Run run;
    run.kind = "build";
    run.command = core::redact_secrets(result["command"].get<std::string>());
    run.subject = run.command;
    run.folder = fs::absolute(m_file).parent_path().string();
    run.context.tool_versions["hyperfine"] = "imported";
    run.context.project["imported_from"] = fs::absolute(m_file).string();
    add_iterations(run, result, where);
    if (const Json* parameters =
            member(result, "parameters", where, &Json::is_object, "an object of NAME: VALUE")) {
        for (const auto& [name, value] : parameters->items()) {
            if (!value.is_string()) {
                fail(where + "/parameters/" + name, "not a string");
            }
            run.parameters.emplace_back(name, value.get<std::string>());
        }
    }
    if (const Json* farm = member(result, "farm", where, &Json::is_object, "an object")) {
        restore_farm_part(run, *farm, where + "/farm");
    }
    return run;
}

} // namespace

std::vector<Run> runs_from_hyperfine(const fs::path& file,
                                     const std::optional<std::string>& subject) {
    Json doc = core::read_json_file(file, "hyperfine export");
    ResultReader reader(file);
    if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
        reader.fail("/", "no \"results\" array");
    }
    const Json& results = doc["results"];
    if (results.empty()) {
        reader.fail("/results", "is empty");
    }
    std::string started_at = file_time_iso8601(file);
    std::vector<Run> runs;
    for (std::size_t r = 0; r < results.size(); ++r) {
        std::string where = "/results/" + std::to_string(r);
        Run read = reader.run_from(results[r], where);
        if (read.started_at.empty()) {
            read.started_at = started_at;
        }
        if (subject) {
            read.subject = results.size() == 1 ? *subject : *subject + ":" + read.command;
        }
        // The content and its place: the same file twice gives the same digests. Invalid UTF-8
        // was refused by the parser, so dump cannot throw.
        read.import_digest = core::fnv1a64_hex(std::to_string(r) + ":" + results[r].dump());
        runs.push_back(std::move(read));
    }
    return runs;
}

} // namespace farm::history
