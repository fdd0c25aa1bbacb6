#include "farm/history/import_hyperfine.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/text.hpp"

#include <chrono>
#include <cmath>

namespace farm::history {

namespace fs = std::filesystem;

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

} // namespace

std::vector<Run> runs_from_hyperfine(const fs::path& file,
                                     const std::optional<std::string>& subject) {
    nlohmann::json doc = core::read_json_file(file, "hyperfine export");
    auto fail = [&](const std::string& where, const std::string& what) -> std::vector<Run> {
        throw UsageError(file.string() + ": " + where + ": " + what +
                         " (expected hyperfine's --export-json format)");
    };
    if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
        return fail("/", "no \"results\" array");
    }
    const nlohmann::json& results = doc["results"];
    if (results.empty()) {
        return fail("/results", "is empty");
    }
    std::string started_at = file_time_iso8601(file);
    std::vector<Run> runs;
    for (std::size_t r = 0; r < results.size(); ++r) {
        std::string where = "/results/" + std::to_string(r);
        const nlohmann::json& result = results[r];
        if (!result.is_object() || !result.contains("command") || !result["command"].is_string()) {
            return fail(where + "/command", "missing or not a string");
        }
        if (!result.contains("times") || !result["times"].is_array() || result["times"].empty()) {
            return fail(where + "/times", "missing, not an array or empty");
        }
        Run run;
        run.kind = "build";
        run.command = core::redact_secrets(result["command"].get<std::string>());
        if (subject) {
            run.subject = results.size() == 1 ? *subject : *subject + ":" + run.command;
        } else {
            run.subject = run.command;
        }
        run.folder = fs::absolute(file).parent_path().string();
        run.started_at = started_at;
        run.context.tool_versions["hyperfine"] = "imported";
        run.context.project["imported_from"] = fs::absolute(file).string();
        const nlohmann::json& times = result["times"];
        const nlohmann::json* exit_codes =
            result.contains("exit_codes") && result["exit_codes"].is_array() ? &result["exit_codes"]
                                                                             : nullptr;
        for (std::size_t i = 0; i < times.size(); ++i) {
            if (!times[i].is_number() || !std::isfinite(times[i].get<double>()) ||
                times[i].get<double>() < 0) {
                return fail(where + "/times/" + std::to_string(i), "not a time in seconds");
            }
            measure::IterationRecord iteration;
            iteration.index = int(i);
            if (exit_codes && i < exit_codes->size() && (*exit_codes)[i].is_number_integer()) {
                iteration.exit_code = (*exit_codes)[i].get<int>();
            }
            iteration.metrics.push_back({"wall_s", "s", times[i].get<double>()});
            run.duration_s += times[i].get<double>();
            if (iteration.exit_code != 0) {
                run.status = RunStatus::failed;
            }
            run.iterations.push_back(std::move(iteration));
        }
        runs.push_back(std::move(run));
    }
    return runs;
}

} // namespace farm::history
