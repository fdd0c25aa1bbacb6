#include "farm/pnpm/task_runner.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/json_file.hpp"

namespace farm::pnpm {

namespace fs = std::filesystem;

std::optional<BuildRunner> parse_runner(std::string_view word) {
    if (word == "turbo") {
        return BuildRunner::turbo;
    }
    if (word == "nx") {
        return BuildRunner::nx;
    }
    if (word == "pnpm") {
        return BuildRunner::pnpm;
    }
    return std::nullopt;
}

std::optional<BuildState> parse_build_state(std::string_view word) {
    if (word == "clean") {
        return BuildState::clean;
    }
    if (word == "incremental") {
        return BuildState::incremental;
    }
    if (word == "cached") {
        return BuildState::cached;
    }
    return std::nullopt;
}

BuildRunner detect_runner(const fs::path& root) {
    std::error_code ec;
    if (fs::exists(root / "turbo.json", ec)) {
        return BuildRunner::turbo;
    }
    if (fs::exists(root / "nx.json", ec)) {
        return BuildRunner::nx;
    }
    return BuildRunner::pnpm;
}

std::string blank_jsonc_comments(std::string_view text) {
    std::string out(text);
    std::size_t i = 0;
    while (i < out.size()) {
        char c = out[i];
        if (c == '"') {
            // A string: skip to its closing quote, past escaped characters.
            for (++i; i < out.size() && out[i] != '"'; ++i) {
                if (out[i] == '\\') {
                    ++i;
                }
            }
            ++i;
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
            for (; i < out.size() && out[i] != '\n'; ++i) {
                out[i] = ' ';
            }
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
            std::size_t end = out.find("*/", i + 2);
            std::size_t stop = end == std::string::npos ? out.size() : end + 2;
            for (; i < stop; ++i) {
                if (out[i] != '\n') {
                    out[i] = ' ';
                }
            }
        } else {
            ++i;
        }
    }
    return out;
}

void check_turbo_json(const fs::path& file) {
    std::string text = blank_jsonc_comments(core::read_input_file(file, "turbo.json"));
    nlohmann::json doc = core::parse_json_text(file, text);
    if (!doc.is_object()) {
        throw UsageError(file.string() + ":1:1: turbo.json must hold an object ({\"tasks\": ...})");
    }
}

fs::path find_runner_binary(const fs::path& root, BuildRunner runner) {
    std::string name = to_string(runner);
    fs::path binary = root / "node_modules" / ".bin" / name;
    std::error_code ec;
    if (fs::exists(binary, ec)) {
        return binary;
    }
    std::string config = runner == BuildRunner::turbo ? "turbo.json" : "nx.json";
    throw UsageError((root / config).string() + " says this workspace builds with " + name +
                     ", but " + name + " is not installed (no " + binary.string() +
                     "): install the workspace's dependencies (pnpm install), add " + name +
                     " to the root package.json's devDependencies, or measure without it: "
                     "--runner pnpm");
}

std::vector<std::string> runner_argv(const fs::path& binary, BuildRunner runner,
                                     const std::string& script, BuildState state, bool keep_going) {
    if (runner == BuildRunner::nx) {
        std::vector<std::string> argv{binary.string(), "run-many", "-t", script};
        if (state != BuildState::cached) {
            argv.push_back("--skip-nx-cache");
        }
        if (!keep_going) {
            argv.push_back("--nx-bail");
        }
        return argv;
    }
    std::vector<std::string> argv{binary.string(), "run", script, "--summarize"};
    if (state != BuildState::cached) {
        argv.push_back("--force");
    }
    if (keep_going) {
        argv.push_back("--continue=dependencies-successful");
    }
    return argv;
}

std::vector<std::pair<std::string, std::string>> runner_environment() {
    return {
        {"TURBO_TELEMETRY_DISABLED", "1"},
        {"TURBO_NO_UPDATE_NOTIFIER", "1"},
        {"NX_DAEMON", "false"},
        {"NX_NO_CLOUD", "true"},
    };
}

} // namespace farm::pnpm
