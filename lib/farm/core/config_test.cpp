// The `test` section of farm.config.json: the suites `farm perf:test` runs. docs/config.md
// ("test") documents it.
#include "farm/core/config.hpp"
#include "farm/core/config_reader.hpp"
#include "farm/core/limits.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace farm::core {

using nlohmann::json;

const std::vector<std::string>& test_suite_kinds() {
    static const std::vector<std::string> kinds = {"build", "dev", "ai"};
    return kinds;
}

const std::vector<std::string>& suite_threshold_stats() {
    static const std::vector<std::string> stats = {"median", "mean", "p90", "p95",
                                                   "p99",    "min",  "max"};
    return stats;
}

namespace detail {

namespace {

const std::vector<std::string>& common_keys() {
    static const std::vector<std::string> keys = {"name", "kind", "thresholds", "budgets"};
    return keys;
}

// A string that must be one of `allowed`, with the closest one suggested.
std::string one_of(const ConfigReader& r, const json& value, const std::string& where,
                   const std::vector<std::string>& allowed) {
    std::string text = r.string(value, where);
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
        std::string message = "'" + text + "' is not one of " + join(allowed, ", ");
        if (std::optional<std::string> close = closest_match(text, allowed)) {
            message += ": did you mean '" + *close + "'?";
        }
        r.fail(where, message);
    }
    return text;
}

std::size_t count(const ConfigReader& r, const json& value, const std::string& where,
                  std::size_t min, std::size_t max) {
    return std::size_t(r.integer(value, where, std::int64_t(min), std::int64_t(max)));
}

std::vector<SuiteThreshold> read_thresholds(const ConfigReader& r, const json& list,
                                            const std::string& where_all) {
    if (!list.is_array()) {
        r.fail(where_all, "must be an array of {\"metric\", \"max\" or \"min\", \"subject\"}");
    }
    std::vector<SuiteThreshold> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        std::string where = where_all + "[" + std::to_string(i) + "]";
        const json& t = list[i];
        r.check_keys(t, where, {"metric", "stat", "max", "min", "subject"});
        if (!t.contains("metric") || (!t.contains("max") && !t.contains("min"))) {
            r.fail(where, "needs \"metric\" and a \"max\" or a \"min\"");
        }
        SuiteThreshold threshold;
        threshold.metric = r.string(t["metric"], where + ".metric");
        if (t.contains("subject")) {
            threshold.subject = r.string(t["subject"], where + ".subject");
        }
        if (t.contains("stat")) {
            threshold.stat = one_of(r, t["stat"], where + ".stat", suite_threshold_stats());
        }
        // A limit on bytes may be written as a size ("250 kB"), any other as a number.
        auto limit = [&](const char* key) {
            const json& v = t[key];
            return v.is_string() ? double(r.size(v, where + "." + key))
                                 : r.number(v, where + "." + key, -1e18, 1e18);
        };
        if (t.contains("max")) {
            threshold.max = limit("max");
        }
        if (t.contains("min")) {
            threshold.min = limit("min");
        }
        if (threshold.max && threshold.min && *threshold.min > *threshold.max) {
            r.fail(where, "\"min\" is above \"max\": no value could pass");
        }
        out.push_back(std::move(threshold));
    }
    return out;
}

void read_build_job(const ConfigReader& r, const json& s, const std::string& where,
                    TestSuite& suite) {
    std::vector<std::string> keys = common_keys();
    keys.insert(keys.end(), {"command", "dir", "runs", "warmup", "timeout_s", "install", "script",
                             "output_dirs"});
    r.check_keys(s, where, keys);
    if (s.contains("command")) {
        const json& c = s["command"];
        if (c.is_string()) {
            suite.command = {r.string(c, where + ".command")};
            suite.shell = true;
        } else {
            suite.command = r.strings(c, where + ".command");
            if (suite.command.empty()) {
                r.fail(where + ".command", "must name a program: [\"pnpm\", \"run\", \"build\"]");
            }
        }
        for (const char* project_only : {"dir", "install", "script", "output_dirs"}) {
            if (s.contains(project_only)) {
                r.fail(where + "." + project_only,
                       "applies to a pnpm project, not to a suite with a \"command\"");
            }
        }
    }
    if (s.contains("dir")) {
        suite.dir = r.string(s["dir"], where + ".dir");
    }
    if (s.contains("runs")) {
        suite.runs = count(r, s["runs"], where + ".runs", 1, max_runs);
    }
    if (s.contains("warmup")) {
        suite.warmup = count(r, s["warmup"], where + ".warmup", 0, max_runs);
    }
    if (s.contains("timeout_s")) {
        suite.timeout_s = r.seconds(s["timeout_s"], where + ".timeout_s", 0);
    }
    if (s.contains("install")) {
        suite.install = r.string(s["install"], where + ".install");
        // pnpm::install_scenario_names(), which core cannot include.
        static const std::vector<std::string> scenarios = {"warm",    "cold", "prod",
                                                           "offline", "noop", "none"};
        if (std::find(scenarios.begin(), scenarios.end(), suite.install) == scenarios.end()) {
            r.fail(where + ".install", "must be \"warm\", \"cold\", \"prod\", \"offline\", "
                                       "\"noop\" or \"none\"");
        }
    }
    if (s.contains("script")) {
        if (s["script"].is_null()) {
            suite.no_build = true;
        } else {
            suite.script = r.string(s["script"], where + ".script");
        }
    }
    if (s.contains("output_dirs")) {
        suite.output_dirs = r.strings(s["output_dirs"], where + ".output_dirs");
    }
}

void read_dev_job(const ConfigReader& r, const json& s, const std::string& where, TestDevJob& job) {
    std::vector<std::string> keys = common_keys();
    keys.insert(keys.end(),
                {"services", "runs", "reloads", "duration_s", "timeout_s", "browser", "chromium"});
    r.check_keys(s, where, keys);
    if (s.contains("services")) {
        job.services = r.strings(s["services"], where + ".services");
    }
    if (s.contains("runs")) {
        job.runs = count(r, s["runs"], where + ".runs", 1, 1000);
    }
    if (s.contains("reloads")) {
        job.reloads = count(r, s["reloads"], where + ".reloads", 0, 1000);
    }
    if (s.contains("duration_s")) {
        job.duration_s = r.number(s["duration_s"], where + ".duration_s", 0, 3600);
    }
    if (s.contains("timeout_s")) {
        job.timeout_s = r.number(s["timeout_s"], where + ".timeout_s", 0.1, 3600);
    }
    if (s.contains("browser")) {
        if (!s["browser"].is_boolean()) {
            r.fail(where + ".browser", "must be true or false");
        }
        job.browser = s["browser"].get<bool>();
    }
    if (s.contains("chromium")) {
        job.chromium = r.string(s["chromium"], where + ".chromium");
    }
}

void read_ai_load(const ConfigReader& r, const json& s, const std::string& where,
                  TestAiLoad& load) {
    if (s.contains("requests")) {
        load.requests = count(r, s["requests"], where + ".requests", 1, 10000000);
    }
    if (s.contains("concurrency")) {
        load.concurrency = count(r, s["concurrency"], where + ".concurrency", 1, 10000);
    }
    if (s.contains("warmup")) {
        load.warmup = count(r, s["warmup"], where + ".warmup", 0, 10000);
    }
    if (s.contains("duration_s")) {
        load.duration_s = r.number(s["duration_s"], where + ".duration_s", 0.1, 86400);
    }
}

// A length as --input-len takes it: a whole number of tokens, or a distribution's text (its
// syntax is checked where it is parsed, with the key's place in the message).
std::string length_text(const ConfigReader& r, const json& s, const char* key,
                        const std::string& where) {
    if (!s.contains(key)) {
        return {};
    }
    const json& value = s[key];
    if (value.is_number()) {
        return std::to_string(count(r, value, where + "." + key, 1, 1000000));
    }
    return r.string(value, where + "." + key);
}

void read_ai_job(const ConfigReader& r, const json& s, const std::string& where, TestAiJob& job) {
    std::vector<std::string> keys = common_keys();
    keys.insert(keys.end(),
                {"providers", "model", "operation", "prompt", "max_tokens", "timeout_s", "requests",
                 "concurrency", "warmup", "duration_s", "load", "input_len", "output_len", "seed"});
    r.check_keys(s, where, keys);
    if (s.contains("providers")) {
        job.providers = r.strings(s["providers"], where + ".providers");
    }
    if (s.contains("model")) {
        job.model = r.string(s["model"], where + ".model");
    }
    if (s.contains("operation")) {
        job.operation = one_of(r, s["operation"], where + ".operation",
                               {"chat_stream", "chat", "generate_stream", "generate", "embed"});
    }
    if (s.contains("prompt")) {
        job.prompt = r.string(s["prompt"], where + ".prompt");
    }
    if (s.contains("max_tokens")) {
        job.max_tokens = int(count(r, s["max_tokens"], where + ".max_tokens", 1, 1000000));
    }
    if (s.contains("timeout_s")) {
        job.timeout_s = r.number(s["timeout_s"], where + ".timeout_s", 0.1, 3600);
    }
    job.input_len = length_text(r, s, "input_len", where);
    job.output_len = length_text(r, s, "output_len", where);
    if (s.contains("seed")) {
        job.seed = std::uint64_t(r.integer(s["seed"], where + ".seed", 0, INT64_MAX));
    }
    read_ai_load(r, s, where, job.check);
    if (s.contains("load")) {
        r.check_keys(s["load"], where + ".load",
                     {"requests", "concurrency", "warmup", "duration_s"});
        read_ai_load(r, s["load"], where + ".load", job.load);
    }
}

TestSuite read_suite(const ConfigReader& r, const json& s, const std::string& where) {
    if (!s.is_object()) {
        r.fail(where, "must be an object: {\"name\", \"kind\", ...}");
    }
    if (!s.contains("name") || !s.contains("kind")) {
        r.fail(where, "needs \"name\" and \"kind\"");
    }
    TestSuite suite;
    suite.name = r.string(s["name"], where + ".name");
    suite.kind = r.string(s["kind"], where + ".kind");
    const std::vector<std::string>& kinds = test_suite_kinds();
    if (std::find(kinds.begin(), kinds.end(), suite.kind) == kinds.end()) {
        std::string message = "unknown job kind '" + suite.kind + "'";
        if (std::optional<std::string> close = closest_match(suite.kind, kinds)) {
            message += ": did you mean '" + *close + "'?";
        }
        r.fail(where + ".kind", message + " (kinds: build, dev, ai)");
    }
    if (suite.kind == "build") {
        read_build_job(r, s, where, suite);
    } else if (suite.kind == "dev") {
        read_dev_job(r, s, where, suite.dev);
    } else {
        read_ai_job(r, s, where, suite.ai);
    }
    if (s.contains("thresholds")) {
        suite.thresholds = read_thresholds(r, s["thresholds"], where + ".thresholds");
    }
    if (s.contains("budgets")) {
        suite.budgets = r.size_budgets(s["budgets"], where + ".budgets");
    }
    return suite;
}

} // namespace

void read_test(const ConfigReader& r, const json& test, TestConfig& out) {
    r.check_keys(test, "test", {"suites"});
    if (!test.contains("suites")) {
        return;
    }
    const json& suites = test["suites"];
    if (!suites.is_array()) {
        r.fail("test.suites", "must be an array of suites");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < suites.size(); ++i) {
        std::string where = "test.suites[" + std::to_string(i) + "]";
        TestSuite suite = read_suite(r, suites[i], where);
        if (!names.insert(suite.name).second) {
            r.fail(where + ".name", "another suite is already named '" + suite.name + "'");
        }
        out.suites.push_back(std::move(suite));
    }
}

void check_test_references(const ConfigReader& r, const Config& config) {
    std::vector<std::string> services, providers;
    for (const DevService& service : config.dev.services) {
        services.push_back(service.name);
    }
    for (const AiProviderConfig& provider : config.ai.providers) {
        providers.push_back(provider.name);
    }
    auto check = [&](const std::vector<std::string>& named, const std::vector<std::string>& known,
                     const std::string& where, const std::string& section) {
        for (std::size_t i = 0; i < named.size(); ++i) {
            if (std::find(known.begin(), known.end(), named[i]) != known.end()) {
                continue;
            }
            std::string message = "'" + named[i] + "' is not in " + section;
            if (std::optional<std::string> close = closest_match(named[i], known)) {
                message += ": did you mean '" + *close + "'?";
            } else if (known.empty()) {
                message += " (it has none)";
            }
            r.fail(where + "[" + std::to_string(i) + "]", message);
        }
    };
    for (std::size_t i = 0; i < config.test.suites.size(); ++i) {
        const TestSuite& suite = config.test.suites[i];
        std::string where = "test.suites[" + std::to_string(i) + "]";
        check(suite.dev.services, services, where + ".services", "dev.services");
        check(suite.ai.providers, providers, where + ".providers", "ai.providers");
    }
}

} // namespace detail

} // namespace farm::core
