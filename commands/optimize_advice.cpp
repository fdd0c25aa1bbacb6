// `farm optimize:build` and `farm optimize:ai` tell the same story: open the history, read the
// window, show what the rules found, or which command fills the history when it is empty.
// Advice is never a failure: the exit code is 0 unless the options or files are wrong.
#include "commands/optimize_advice.hpp"

#include "commands/cli.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/history/store.hpp"
#include "farm/report/advice_view.hpp"
#include "farm/report/table.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <regex>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

struct OptimizeAdviceOptions {
    std::string since;
    std::string db;
    std::string config;
    bool json = false;
};

// What one of the two commands reads and says.
struct AdviceTopic {
    const char* name;          // "build"
    const char* measure_first; // the command that records what the rules read
    std::vector<std::string> kinds;
    std::vector<analysis::Recommendation> (*advise)(history::Store&, const core::Config&,
                                                    const analysis::AdviceWindow&);
};

double unix_now() {
    return double(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count()) /
           1000.0;
}

std::string no_history_hint(const AdviceTopic& topic, const fs::path& db, bool windowed) {
    return std::string("no ") + topic.name + " runs in " + db.string() +
           (windowed ? " within --since" : "") + " yet: run `" + topic.measure_first +
           "` first, then `farm optimize:" + topic.name + "`";
}

void run_optimize_advice(const OptimizeAdviceOptions& o, const AdviceTopic& topic,
                         Invocation& invocation) {
    invocation.json = o.json;
    analysis::AdviceWindow window = advice_window_from(o.since);
    fs::path root = core::find_project_root(fs::current_path());
    core::Config config = core::load_config(
        root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    fs::path db_path =
        core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root);

    bool have_history = false;
    std::vector<analysis::Recommendation> recommendations;
    if (fs::exists(db_path)) {
        history::Store store(db_path, history::Store::Mode::existing);
        have_history = analysis::history_has_runs(store, topic.kinds, window);
        if (have_history) {
            recommendations = topic.advise(store, config, window);
        }
    }
    std::string hint = no_history_hint(topic, db_path, window.since.has_value());
    if (o.json) {
        nlohmann::json j = report::advice_to_json(recommendations);
        if (!have_history) {
            j["hint"] = hint;
        }
        std::cout << j.dump(2) << "\n";
    } else if (!have_history) {
        std::cout << report::wrap_text(hint, stdout_width(), 2) << "\n";
    } else if (recommendations.empty()) {
        std::cout << report::wrap_text(std::string("nothing to advise: the ") + topic.name +
                                           " runs in " + db_path.string() +
                                           " cross none of the thresholds (docs/config.md)",
                                       stdout_width(), 2)
                  << "\n";
    } else {
        std::cout << report::render_advice(recommendations, stdout_wants_color(), stdout_width());
    }
    invocation.exit_code = int(ExitCode::ok);
}

void register_topic(CLI::App& optimize, Invocation& invocation, AdviceTopic topic,
                    const std::string& description) {
    auto options = std::make_shared<OptimizeAdviceOptions>();
    CLI::App* cmd = optimize.add_subcommand(topic.name, description);
    cmd->add_option("--since", options->since,
                    "only runs of the last AGE (30d, 12h, 2w) or since a UTC DATE (2026-11-01)");
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    cmd->add_flag("--json", options->json, "print one JSON document (schema farm.advice/1)");
    cmd->callback(
        [options, topic, &invocation] { run_optimize_advice(*options, topic, invocation); });
}

} // namespace

analysis::AdviceWindow advice_window_from(const std::string& since) {
    analysis::AdviceWindow window;
    if (since.empty()) {
        return window;
    }
    if (std::optional<double> seconds = core::parse_age(since)) {
        window.since = core::utc_iso8601_from_unix(unix_now() - *seconds);
        return window;
    }
    // No date is longer (nanoseconds included), and std::regex recurses once per character.
    constexpr std::size_t longest_date = 40;
    static const std::regex date(R"((\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?)");
    std::smatch match;
    if (since.size() <= longest_date && std::regex_match(since, match, date)) {
        std::string text = since;
        if (!match[2].matched) {
            text += "T00:00:00";
        } else if (!match[3].matched) {
            text.insert(match.position(2) + match.length(2) - (since.back() == 'Z' ? 1 : 0), ":00");
        }
        std::optional<double> seconds = core::unix_from_utc_iso8601(text);
        // timegm rolls 2026-02-30 over to March: a date that does not come back is not a date.
        if (seconds) {
            std::string canonical = core::utc_iso8601_from_unix(*seconds);
            if (canonical.substr(0, 16) == text.substr(0, 16)) {
                window.since = canonical;
                return window;
            }
        }
    }
    std::string quoted =
        since.size() <= longest_date ? since : since.substr(0, longest_date) + "...";
    throw UsageError("--since " + quoted +
                     ": give an age like 30d, 12h or 2w, or a UTC date like 2026-11-01 or "
                     "2026-11-01T08:00:00Z");
}

void register_optimize_build(CLI::App& optimize, Invocation& invocation) {
    register_topic(optimize, invocation,
                   {"build", "farm perf:build", analysis::build_advice_kinds(),
                    &analysis::advise_builds_from_history},
                   "Advice on builds and installs from the history, most urgent first.");
}

void register_optimize_ai(CLI::App& optimize, Invocation& invocation) {
    register_topic(optimize, invocation,
                   {"ai", "farm perf:ai", analysis::ai_advice_kinds(),
                    [](history::Store& store, const core::Config& config,
                       const analysis::AdviceWindow& window) {
                        return analysis::advise_ai_from_history(store, config, window);
                    }},
                   "Advice on AI providers and models from the history, most urgent first.");
}

} // namespace farm::commands
