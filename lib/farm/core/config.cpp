#include "farm/core/config.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

namespace farm::core {

namespace {

using nlohmann::json;

class ConfigReader {
  public:
    ConfigReader(std::filesystem::path file, std::string text)
        : m_file(std::move(file)), m_text(std::move(text)) {}

    // "FILE:LINE:COLUMN: where: what", pointing at the value `where` names when it is found.
    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        std::string file = m_file.string();
        std::string path = where == "the top level" ? std::string() : where;
        if (std::optional<std::size_t> offset = json_value_offset(m_text, path)) {
            TextPosition at = position_of(m_text, *offset);
            file += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
        }
        throw UsageError(file + ": " + where + ": " + what + " (see docs/config.md)");
    }

    // Every key of `object` must be one of `known`.
    void check_keys(const json& object, const std::string& where,
                    const std::vector<std::string>& known) const {
        if (!object.is_object()) {
            fail(where.empty() ? "the top level" : where, "must be an object");
        }
        for (const auto& [key, value] : object.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end()) {
                continue;
            }
            std::string message = "unknown key '" + key + "'";
            if (std::optional<std::string> close = closest_match(key, known)) {
                message += ": did you mean '" + *close + "'?";
            }
            fail(where.empty() ? key : where + "." + key, message);
        }
    }

    double number(const json& value, const std::string& where, double min, double max) const {
        if (!value.is_number()) {
            fail(where, "must be a number");
        }
        double v = value.get<double>();
        if (!(v >= min && v <= max)) {
            fail(where, "must be between " + json(min).dump() + " and " + json(max).dump());
        }
        return v;
    }

    std::string string(const json& value, const std::string& where) const {
        if (!value.is_string() || value.get<std::string>().empty()) {
            fail(where, "must be a non-empty string");
        }
        return value.get<std::string>();
    }

    std::int64_t size(const json& value, const std::string& where) const {
        if (value.is_number_integer()) {
            // nlohmann keeps a negative integer signed and a large one unsigned; a negative size,
            // or one past what int64 holds (it would wrap to a negative one), is a typo.
            bool in_range = value.is_number_unsigned()
                                ? value.get<std::uint64_t>() <=
                                      std::uint64_t(std::numeric_limits<std::int64_t>::max())
                                : value.get<std::int64_t>() >= 0;
            if (!in_range) {
                fail(where, "must be a size of 0 bytes or more");
            }
            return value.get<std::int64_t>();
        }
        std::optional<std::int64_t> bytes =
            value.is_string() ? parse_size(value.get<std::string>()) : std::nullopt;
        if (!bytes) {
            fail(where, "must be a size like \"250 kB\", \"1.5 MB\" or \"300 KiB\"");
        }
        return *bytes;
    }

  private:
    std::filesystem::path m_file;
    std::string m_text;
};

void read_build(const ConfigReader& r, const json& build, BuildConfig& out) {
    r.check_keys(build, "build", {"output_dirs", "budgets"});
    if (build.contains("output_dirs")) {
        const json& dirs = build["output_dirs"];
        if (!dirs.is_array()) {
            r.fail("build.output_dirs", "must be an array of folder names");
        }
        out.output_dirs.clear();
        for (std::size_t i = 0; i < dirs.size(); ++i) {
            out.output_dirs.push_back(
                r.string(dirs[i], "build.output_dirs[" + std::to_string(i) + "]"));
        }
    }
    if (build.contains("budgets")) {
        const json& budgets = build["budgets"];
        if (!budgets.is_array()) {
            r.fail("build.budgets", "must be an array");
        }
        for (std::size_t i = 0; i < budgets.size(); ++i) {
            std::string where = "build.budgets[" + std::to_string(i) + "]";
            const json& b = budgets[i];
            r.check_keys(b, where, {"path", "limit", "compression"});
            if (!b.contains("path") || !b.contains("limit")) {
                r.fail(where, "needs \"path\" and \"limit\"");
            }
            SizeBudget budget;
            budget.path = r.string(b["path"], where + ".path");
            budget.limit_bytes = r.size(b["limit"], where + ".limit");
            budget.limit_text =
                b["limit"].is_string() ? b["limit"].get<std::string>() : b["limit"].dump() + " B";
            if (b.contains("compression")) {
                std::string c = r.string(b["compression"], where + ".compression");
                if (c == "brotli") {
                    budget.compression = Compression::brotli;
                } else if (c == "gzip") {
                    budget.compression = Compression::gzip;
                } else if (c == "none") {
                    budget.compression = Compression::none;
                } else {
                    r.fail(where + ".compression", "must be \"brotli\", \"gzip\" or \"none\"");
                }
            }
            out.budgets.push_back(std::move(budget));
        }
    }
}

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
        out.port = int(r.number(ready["port"], where + ".port", 1, 65535));
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
    r.check_keys(reload, where, {"file", "edit", "text", "output", "url"});
    DevReload out;
    if (!reload.contains("file") || reload.contains("output") == reload.contains("url")) {
        r.fail(where, "needs \"file\" and one of \"output\" (a regular expression) or \"url\"");
    }
    out.file = r.string(reload["file"], where + ".file");
    if (reload.contains("edit")) {
        std::string edit = r.string(reload["edit"], where + ".edit");
        if (edit != "touch" && edit != "append") {
            r.fail(where + ".edit", "must be \"touch\" or \"append\"");
        }
        out.edit = edit == "touch" ? DevReloadEdit::touch : DevReloadEdit::append;
    }
    if (reload.contains("text")) {
        out.text = r.string(reload["text"], where + ".text");
    }
    if (reload.contains("output")) {
        out.pattern = pattern(r, reload["output"], where + ".output");
    } else {
        out.url = r.string(reload["url"], where + ".url");
    }
    return out;
}

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
    r.check_keys(t, "thresholds.dev", {"startup_s", "reload_fast_s", "reload_slow_s"});
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
    if (out.reload_slow_s < out.reload_fast_s) {
        r.fail("thresholds.dev.reload_slow_s", "must not be below reload_fast_s");
    }
}

void read_thresholds(const ConfigReader& r, const json& t, Thresholds& out) {
    r.check_keys(t, "thresholds",
                 {"build_slow_s", "install_slow_s", "output_large_bytes", "store_hit_rate_min",
                  "build_memory_bytes", "dev"});
    if (t.contains("build_slow_s")) {
        out.build_slow_s = r.number(t["build_slow_s"], "thresholds.build_slow_s", 0, 1e9);
    }
    if (t.contains("install_slow_s")) {
        out.install_slow_s = r.number(t["install_slow_s"], "thresholds.install_slow_s", 0, 1e9);
    }
    if (t.contains("output_large_bytes")) {
        out.output_large_bytes = r.size(t["output_large_bytes"], "thresholds.output_large_bytes");
    }
    if (t.contains("store_hit_rate_min")) {
        out.store_hit_rate_min =
            r.number(t["store_hit_rate_min"], "thresholds.store_hit_rate_min", 0, 1);
    }
    if (t.contains("build_memory_bytes")) {
        out.build_memory_bytes = r.size(t["build_memory_bytes"], "thresholds.build_memory_bytes");
    }
    if (t.contains("dev")) {
        read_dev_thresholds(r, t["dev"], out.dev);
    }
}

void read_compare(const ConfigReader& r, const json& c, CompareConfig& out) {
    r.check_keys(c, "compare", {"alpha", "threshold_pct"});
    if (c.contains("alpha")) {
        out.alpha = r.number(c["alpha"], "compare.alpha", 1e-9, 0.5);
    }
    if (c.contains("threshold_pct")) {
        const json& t = c["threshold_pct"];
        if (!t.is_object()) {
            r.fail("compare.threshold_pct", "must be an object of kind: percent, e.g. "
                                            "{\"build\": 20, \"ai\": 15}");
        }
        for (const auto& [kind, value] : t.items()) {
            out.threshold_pct[kind] = r.number(value, "compare.threshold_pct." + kind, 0, 1000);
        }
    }
}

const std::vector<std::string>& ai_provider_types() {
    static const std::vector<std::string> types = {"openai", "ollama", "tgi"};
    return types;
}

std::string ai_provider_type(const ConfigReader& r, const json& value, const std::string& where) {
    std::string type = r.string(value, where);
    const std::vector<std::string>& types = ai_provider_types();
    if (std::find(types.begin(), types.end(), type) == types.end()) {
        std::string message = "must be \"openai\", \"ollama\" or \"tgi\"";
        if (std::optional<std::string> close = closest_match(type, types)) {
            message += ": did you mean '" + *close + "'?";
        }
        r.fail(where, message);
    }
    return type;
}

AiProviderConfig read_ai_provider(const ConfigReader& r, const json& p, const std::string& where) {
    r.check_keys(p, where, {"name", "type", "base_url", "model", "api_key_env", "timeouts"});
    for (const char* required : {"name", "type", "base_url"}) {
        if (!p.contains(required)) {
            r.fail(where, std::string("needs \"") + required + "\" (name, type, base_url)");
        }
    }
    AiProviderConfig out;
    out.name = r.string(p["name"], where + ".name");
    out.type = ai_provider_type(r, p["type"], where + ".type");
    out.base_url = r.string(p["base_url"], where + ".base_url");
    if (!out.base_url.starts_with("http://") && !out.base_url.starts_with("https://")) {
        r.fail(where + ".base_url", "must be an http:// or https:// URL");
    }
    if (p.contains("model")) {
        out.model = r.string(p["model"], where + ".model");
    }
    if (p.contains("api_key_env")) {
        out.api_key_env = r.string(p["api_key_env"], where + ".api_key_env");
    }
    if (p.contains("timeouts")) {
        const json& t = p["timeouts"];
        std::string at = where + ".timeouts";
        r.check_keys(t, at, {"connect_s", "first_byte_s", "total_s"});
        if (t.contains("connect_s")) {
            out.connect_timeout_s = r.number(t["connect_s"], at + ".connect_s", 0.001, 86400);
        }
        if (t.contains("first_byte_s")) {
            out.first_byte_timeout_s =
                r.number(t["first_byte_s"], at + ".first_byte_s", 0.001, 86400);
        }
        if (t.contains("total_s")) {
            out.total_timeout_s = r.number(t["total_s"], at + ".total_s", 0.001, 86400);
        }
    }
    return out;
}

void read_ai(const ConfigReader& r, const json& ai, AiConfig& out) {
    r.check_keys(ai, "ai", {"providers", "thresholds"});
    if (ai.contains("providers")) {
        const json& providers = ai["providers"];
        if (!providers.is_array()) {
            r.fail("ai.providers", "must be an array of providers");
        }
        for (std::size_t i = 0; i < providers.size(); ++i) {
            std::string where = "ai.providers[" + std::to_string(i) + "]";
            AiProviderConfig provider = read_ai_provider(r, providers[i], where);
            for (const AiProviderConfig& other : out.providers) {
                if (other.name == provider.name) {
                    r.fail(where + ".name", "'" + provider.name + "' names two providers");
                }
            }
            out.providers.push_back(std::move(provider));
        }
    }
    if (ai.contains("thresholds")) {
        const json& thresholds = ai["thresholds"];
        r.check_keys(thresholds, "ai.thresholds", ai_provider_types());
        for (const auto& [type, value] : thresholds.items()) {
            std::string where = "ai.thresholds." + type;
            r.check_keys(value, where, {"slow_ms", "fast_ms"});
            if (!value.contains("slow_ms") || !value.contains("fast_ms")) {
                r.fail(where, "needs \"slow_ms\" and \"fast_ms\"");
            }
            AiThresholdConfig t;
            t.slow_ms = r.number(value["slow_ms"], where + ".slow_ms", 0, 1e9);
            t.fast_ms = r.number(value["fast_ms"], where + ".fast_ms", 0, 1e9);
            if (t.fast_ms > t.slow_ms) {
                r.fail(where + ".fast_ms", "must not be above slow_ms");
            }
            out.thresholds[type] = t;
        }
    }
}

} // namespace

std::optional<std::int64_t> parse_size(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
    }
    std::size_t number_start = i;
    std::size_t dots = 0;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
        dots += text[i] == '.' ? 1 : 0;
        ++i;
    }
    // std::stod would read "1.2.3" as 1.2 and drop the rest without a word.
    if (i == number_start || dots > 1) {
        return std::nullopt;
    }
    double value = 0;
    try {
        value = std::stod(text.substr(number_start, i - number_start));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
    }
    std::string unit = text.substr(i);
    while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back()))) {
        unit.pop_back();
    }
    static const std::map<std::string, double> units = {
        {"", 1},     {"B", 1},        {"kB", 1e3},        {"KB", 1e3},           {"MB", 1e6},
        {"GB", 1e9}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
    };
    auto it = units.find(unit);
    if (it == units.end()) {
        return std::nullopt;
    }
    // llround of a value past int64 is unspecified (in practice a negative number).
    double bytes = std::round(value * it->second);
    if (!(bytes < 9223372036854775808.0)) { // 2^63, exactly representable
        return std::nullopt;
    }
    return std::int64_t(bytes);
}

const char* to_string(Compression compression) {
    switch (compression) {
    case Compression::none:
        return "none";
    case Compression::gzip:
        return "gzip";
    case Compression::brotli:
        return "brotli";
    }
    return "none";
}

Config load_config(const std::filesystem::path& project_root,
                   const std::optional<std::filesystem::path>& explicit_path) {
    Config config;
    std::filesystem::path file = explicit_path ? *explicit_path : project_root / "farm.config.json";
    if (!explicit_path && !std::filesystem::exists(file)) {
        return config;
    }
    json root = read_json_file(file);
    ConfigReader reader(file, read_text_file(file));
    reader.check_keys(root, "", {"$schema", "build", "dev", "thresholds", "compare", "ai"});
    if (root.contains("build")) {
        read_build(reader, root["build"], config.build);
    }
    if (root.contains("dev")) {
        read_dev(reader, root["dev"], config.dev);
    }
    if (root.contains("thresholds")) {
        read_thresholds(reader, root["thresholds"], config.thresholds);
    }
    if (root.contains("compare")) {
        read_compare(reader, root["compare"], config.compare);
    }
    if (root.contains("ai")) {
        read_ai(reader, root["ai"], config.ai);
    }
    config.file = file;
    return config;
}

} // namespace farm::core
