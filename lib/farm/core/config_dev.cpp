// The `dev` section of farm.config.json (the services `farm perf:dev` starts) and
// `thresholds.dev`. docs/config.md ("dev", "thresholds") documents them.
#include "farm/core/config.hpp"
#include "farm/core/config_reader.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace farm::core::detail {

using nlohmann::json;

namespace {

// std::regex compiles a pattern by recursive descent, one level per group (a pattern of 50,000
// nested groups overflowed the stack), and copies what `{N}` repeats N times: patterns are held
// to sizes no output pattern needs, so that a cloned repository's config cannot crash farm.
constexpr std::size_t longest_pattern = 1000;
constexpr int deepest_groups = 32;
constexpr long largest_repeat = 1000;

// Whether the counts of a `{N}`, `{N,}` or `{N,M}` (what follows the brace) go over the limit.
bool repeats_over_limit(std::string_view counts) {
    std::size_t end = counts.find_first_not_of("0123456789,");
    counts = counts.substr(0, end);
    for (std::size_t start = 0; start <= counts.size();) {
        std::size_t comma = std::min(counts.find(',', start), counts.size());
        std::string_view digits = counts.substr(start, comma - start);
        long count = 0;
        if (digits.size() > 9 || (parse_number(digits, count) && count > largest_repeat)) {
            return true;
        }
        start = comma + 1;
    }
    return false;
}

// Why `text` is over those limits; empty when it is not.
std::string pattern_over_limits(std::string_view text) {
    if (text.size() > longest_pattern) {
        return "is longer than " + std::to_string(longest_pattern) + " characters";
    }
    int depth = 0;
    bool in_class = false;
    for (std::size_t at = 0; at < text.size(); ++at) {
        char c = text[at];
        if (c == '\\') {
            ++at; // an escaped character is a literal
        } else if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = true; // ECMAScript: the next unescaped ] ends it, even right after [
        } else if (c == '(' && ++depth > deepest_groups) {
            return "nests groups more than " + std::to_string(deepest_groups) + " deep";
        } else if (c == ')') {
            depth = std::max(0, depth - 1);
        } else if (c == '{' && repeats_over_limit(text.substr(at + 1, text.find('}', at) - at))) {
            return "repeats more than " + std::to_string(largest_repeat) + " times";
        }
    }
    return "";
}

std::string pattern(const ConfigReader& r, const json& value, const std::string& where) {
    std::string text = r.string(value, where);
    if (std::string why = pattern_over_limits(text); !why.empty()) {
        r.fail(where, why + " (a line of output is matched against it: keep it short)");
    }
    try {
        std::regex compiled(text);
    } catch (const std::regex_error& e) {
        r.fail(where, "is not a valid regular expression (" + std::string(e.what()) + ")");
    }
    return text;
}

DevReady read_dev_ready(const ConfigReader& r, const json& ready, const std::string& where) {
    r.check_keys(ready, where, {"url", "port", "host", "output"});
    DevReady out;
    std::size_t given = ready.contains("url") + ready.contains("port") + ready.contains("output");
    if (given != 1 || (ready.contains("host") && !ready.contains("port"))) {
        r.fail(where, "needs exactly one of \"url\", \"port\" (with an optional \"host\") "
                      "or \"output\"");
    }
    if (ready.contains("url")) {
        out.kind = DevReadyKind::url;
        out.url = r.string(ready["url"], where + ".url");
    } else if (ready.contains("port")) {
        out.kind = DevReadyKind::port;
        out.port = int(r.integer(ready["port"], where + ".port", 1, 65535));
        if (ready.contains("host")) {
            out.host = r.string(ready["host"], where + ".host");
        }
    } else {
        out.kind = DevReadyKind::output;
        out.pattern = pattern(r, ready["output"], where + ".output");
    }
    return out;
}

DevReload read_dev_reload(const ConfigReader& r, const json& reload, const std::string& where) {
    r.check_keys(reload, where, {"file", "edit", "text", "after", "output", "url", "page"});
    DevReload out;
    if (!reload.contains("file") || (reload.contains("output") && reload.contains("url"))) {
        r.fail(where, "needs \"file\" and at most one of \"output\" (a regular expression) or "
                      "\"url\" (without them, the dev server's HMR message and the browser tell)");
    }
    out.file = r.string(reload["file"], where + ".file");
    if (reload.contains("edit")) {
        std::string edit = r.string(reload["edit"], where + ".edit");
        if (edit != "touch" && edit != "append" && edit != "insert") {
            r.fail(where + ".edit", "must be \"touch\", \"append\" or \"insert\"");
        }
        out.edit = edit == "touch"    ? DevReloadEdit::touch
                   : edit == "append" ? DevReloadEdit::append
                                      : DevReloadEdit::insert;
    }
    if (reload.contains("text")) {
        out.text = r.string(reload["text"], where + ".text");
    }
    if ((out.edit == DevReloadEdit::insert) != reload.contains("after")) {
        r.fail(where, "\"after\" (the text the marker is written after) goes with "
                      "\"edit\": \"insert\", and only with it");
    }
    if (reload.contains("after")) {
        out.after = r.string(reload["after"], where + ".after");
        if (out.after.empty()) {
            r.fail(where + ".after", "must not be empty");
        }
    }
    if (reload.contains("output")) {
        out.pattern = pattern(r, reload["output"], where + ".output");
    }
    if (reload.contains("url")) {
        out.url = r.string(reload["url"], where + ".url");
        // A touch leaves the content as it was, so the page it serves does not change either:
        // such a reload could only end at the timeout.
        if (out.edit == DevReloadEdit::touch) {
            r.fail(where + ".url", "needs an edit that changes the file (\"edit\": \"append\" or "
                                   "\"insert\"): after a touch the body of the URL stays the same "
                                   "and the reload could only time out");
        }
    }
    if (reload.contains("page")) {
        out.page = r.string(reload["page"], where + ".page");
    }
    return out;
}

} // namespace

void read_dev(const ConfigReader& r, const json& dev, DevConfig& out) {
    r.check_keys(dev, "dev", {"services"});
    if (!dev.contains("services")) {
        return;
    }
    const json& services = dev["services"];
    if (!services.is_array()) {
        r.fail("dev.services", "must be an array of services");
    }
    for (std::size_t i = 0; i < services.size(); ++i) {
        std::string where = "dev.services[" + std::to_string(i) + "]";
        const json& s = services[i];
        r.check_keys(s, where, {"name", "command", "cwd", "env", "kind", "ready", "reload"});
        if (!s.contains("name") || !s.contains("command")) {
            r.fail(where, "needs \"name\" and \"command\"");
        }
        DevService service;
        service.name = r.string(s["name"], where + ".name");
        for (const DevService& other : out.services) {
            if (other.name == service.name) {
                r.fail(where + ".name", "'" + service.name + "' names two services");
            }
        }
        const json& command = s["command"];
        if (command.is_array() && !command.empty()) {
            for (std::size_t j = 0; j < command.size(); ++j) {
                service.argv.push_back(
                    r.string(command[j], where + ".command[" + std::to_string(j) + "]"));
            }
        } else if (command.is_string()) {
            service.command_line = r.string(command, where + ".command");
        } else {
            r.fail(where + ".command", "must be a command line or a non-empty array of words");
        }
        if (s.contains("cwd")) {
            service.cwd = r.string(s["cwd"], where + ".cwd");
        }
        if (s.contains("env")) {
            if (!s["env"].is_object()) {
                r.fail(where + ".env", "must be an object of NAME: value");
            }
            for (const auto& [key, value] : s["env"].items()) {
                if (!value.is_string()) {
                    r.fail(where + ".env." + key, "must be a string");
                }
                service.env.emplace_back(key, value.get<std::string>());
            }
        }
        if (s.contains("kind")) {
            service.kind = r.string(s["kind"], where + ".kind");
            static const std::vector<std::string> kinds = {"database", "ollama", "backend",
                                                           "frontend", "other"};
            if (std::find(kinds.begin(), kinds.end(), service.kind) == kinds.end()) {
                r.fail(where + ".kind", "must be database, ollama, backend, frontend or other");
            }
        }
        if (s.contains("ready")) {
            service.ready = read_dev_ready(r, s["ready"], where + ".ready");
        }
        if (s.contains("reload")) {
            service.reload = read_dev_reload(r, s["reload"], where + ".reload");
        }
        out.services.push_back(std::move(service));
    }
}

void read_dev_thresholds(const ConfigReader& r, const json& t, DevThresholds& out) {
    r.check_keys(t, "thresholds.dev",
                 {"startup_s", "reload_fast_s", "reload_slow_s", "browser_lag_s"});
    if (t.contains("startup_s")) {
        const json& startup = t["startup_s"];
        std::vector<std::string> kinds;
        for (const auto& [kind, seconds] : out.startup_s) {
            kinds.push_back(kind);
        }
        r.check_keys(startup, "thresholds.dev.startup_s", kinds);
        for (const auto& [kind, value] : startup.items()) {
            out.startup_s[kind] = r.number(value, "thresholds.dev.startup_s." + kind, 0, 1e6);
        }
    }
    if (t.contains("reload_fast_s")) {
        out.reload_fast_s = r.number(t["reload_fast_s"], "thresholds.dev.reload_fast_s", 0, 1e6);
    }
    if (t.contains("reload_slow_s")) {
        out.reload_slow_s = r.number(t["reload_slow_s"], "thresholds.dev.reload_slow_s", 0, 1e6);
    }
    if (t.contains("browser_lag_s")) {
        out.browser_lag_s = r.number(t["browser_lag_s"], "thresholds.dev.browser_lag_s", 0, 1e6);
    }
    if (out.reload_slow_s < out.reload_fast_s) {
        r.fail("thresholds.dev.reload_slow_s", "must not be below reload_fast_s");
    }
}

} // namespace farm::core::detail
