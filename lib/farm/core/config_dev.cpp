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

std::string pattern(const ConfigReader& r, const json& value, const std::string& where) {
    std::string text = r.string(value, where);
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
