// The `test` section of farm.config.json: the suites `farm perf:test` runs. docs/config.md
// ("test") documents it.
#include "farm/core/config.hpp"
#include "farm/core/config_reader.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <set>

namespace farm::core {

using nlohmann::json;

const std::vector<std::string>& test_suite_kinds() {
    static const std::vector<std::string> kinds = {"build", "dev", "ai"};
    return kinds;
}

namespace detail {

namespace {

const std::vector<std::string>& common_keys() {
    static const std::vector<std::string> keys = {"name", "kind", "thresholds", "budgets"};
    return keys;
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
        r.check_keys(t, where, {"metric", "max", "min", "subject"});
        if (!t.contains("metric") || (!t.contains("max") && !t.contains("min"))) {
            r.fail(where, "needs \"metric\" and a \"max\" or a \"min\"");
        }
        SuiteThreshold threshold;
        threshold.metric = r.string(t["metric"], where + ".metric");
        if (t.contains("subject")) {
            threshold.subject = r.string(t["subject"], where + ".subject");
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
        suite.runs = std::size_t(r.number(s["runs"], where + ".runs", 1, 1e6));
    }
    if (s.contains("warmup")) {
        suite.warmup = std::size_t(r.number(s["warmup"], where + ".warmup", 0, 1e6));
    }
    if (s.contains("timeout_s")) {
        suite.timeout_s = r.number(s["timeout_s"], where + ".timeout_s", 0, 1e9);
    }
    if (s.contains("install")) {
        suite.install = r.string(s["install"], where + ".install");
        static const std::vector<std::string> scenarios = {"warm", "cold", "noop", "none"};
        if (std::find(scenarios.begin(), scenarios.end(), suite.install) == scenarios.end()) {
            r.fail(where + ".install", "must be \"warm\", \"cold\", \"noop\" or \"none\"");
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
    } else {
        json settings = json::object();
        for (const auto& [key, value] : s.items()) {
            if (std::find(common_keys().begin(), common_keys().end(), key) == common_keys().end()) {
                settings[key] = value;
            }
        }
        suite.settings_json = settings.dump();
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

} // namespace detail

} // namespace farm::core
