#include "farm/core/config.hpp"

#include "farm/core/config_reader.hpp"
#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/limits.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

namespace farm::core {

using nlohmann::json;

namespace detail {

void ConfigReader::fail(const std::string& where, const std::string& what) const {
    std::string at;
    if (std::optional<std::size_t> offset = json_value_offset(m_text, where)) {
        TextPosition p = position_of(m_text, *offset);
        at = ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    }
    throw UsageError(m_file.string() + at + ": " + where + ": " + what + " (see docs/config.md)");
}

void ConfigReader::check_keys(const json& object, const std::string& where,
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

double ConfigReader::number(const json& value, const std::string& where, double min,
                            double max) const {
    if (!value.is_number()) {
        fail(where, "must be a number");
    }
    double v = value.get<double>();
    if (!(v >= min && v <= max)) {
        fail(where, "must be between " + json(min).dump() + " and " + json(max).dump());
    }
    return v;
}

std::int64_t ConfigReader::integer(const json& value, const std::string& where, std::int64_t min,
                                   std::int64_t max) const {
    std::string range =
        "a whole number between " + std::to_string(min) + " and " + std::to_string(max);
    if (!value.is_number()) {
        fail(where, "must be " + range);
    }
    bool in_range = false;
    if (value.is_number_unsigned()) {
        std::uint64_t v = value.get<std::uint64_t>();
        in_range = v <= std::uint64_t(max) && (min <= 0 || v >= std::uint64_t(min));
    } else if (value.is_number_integer()) {
        in_range = value.get<std::int64_t>() >= min && value.get<std::int64_t>() <= max;
    } else {
        // 2.5 would be cut to 2 without a word; 5.0 and 5e0 are written-out whole numbers.
        double v = value.get<double>();
        if (std::floor(v) != v) {
            fail(where, "must be " + range + ", not " + value.dump());
        }
        in_range = v >= double(min) && v <= double(max);
    }
    if (!in_range) {
        fail(where, "must be " + range);
    }
    return value.is_number_float() ? std::int64_t(value.get<double>()) : value.get<std::int64_t>();
}

double ConfigReader::seconds(const json& value, const std::string& where, double min) const {
    if (!value.is_number()) {
        fail(where, "must be a number of seconds");
    }
    double v = value.get<double>();
    if (!(v >= min && v <= max_duration_s)) {
        auto text = [](double seconds) {
            return seconds == std::floor(seconds) ? std::to_string(std::int64_t(seconds))
                                                  : json(seconds).dump();
        };
        fail(where, "must be between " + text(min) + " and " + text(max_duration_s) +
                        " seconds (30 days)");
    }
    return v;
}

std::string ConfigReader::string(const json& value, const std::string& where) const {
    if (!value.is_string() || value.get<std::string>().empty()) {
        fail(where, "must be a non-empty string");
    }
    return value.get<std::string>();
}

std::int64_t ConfigReader::size(const json& value, const std::string& where) const {
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

std::vector<std::string> ConfigReader::strings(const json& value, const std::string& where) const {
    if (!value.is_array()) {
        fail(where, "must be an array of strings");
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        out.push_back(string(value[i], where + "[" + std::to_string(i) + "]"));
    }
    return out;
}

std::vector<SizeBudget> ConfigReader::size_budgets(const json& budgets,
                                                   const std::string& where_all) const {
    if (!budgets.is_array()) {
        fail(where_all, "must be an array");
    }
    std::vector<SizeBudget> out;
    for (std::size_t i = 0; i < budgets.size(); ++i) {
        std::string where = where_all + "[" + std::to_string(i) + "]";
        const json& b = budgets[i];
        check_keys(b, where, {"path", "limit", "compression"});
        if (!b.contains("path") || !b.contains("limit")) {
            fail(where, "needs \"path\" and \"limit\"");
        }
        SizeBudget budget;
        budget.path = string(b["path"], where + ".path");
        budget.limit_bytes = size(b["limit"], where + ".limit");
        budget.limit_text =
            b["limit"].is_string() ? b["limit"].get<std::string>() : b["limit"].dump() + " B";
        if (b.contains("compression")) {
            std::string c = string(b["compression"], where + ".compression");
            if (c == "brotli") {
                budget.compression = Compression::brotli;
            } else if (c == "gzip") {
                budget.compression = Compression::gzip;
            } else if (c == "none") {
                budget.compression = Compression::none;
            } else {
                fail(where + ".compression", "must be \"brotli\", \"gzip\" or \"none\"");
            }
        }
        out.push_back(std::move(budget));
    }
    return out;
}

} // namespace detail

namespace {

using detail::ConfigReader;
using detail::read_ai;
using detail::read_dev;
using detail::read_dev_thresholds;

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
        out.budgets = r.size_budgets(build["budgets"], "build.budgets");
    }
}

void read_thresholds(const ConfigReader& r, const json& t, Thresholds& out) {
    r.check_keys(t, "thresholds",
                 {"build_slow_s", "install_slow_s", "output_large_bytes", "store_hit_rate_min",
                  "build_memory_bytes", "dev"});
    if (t.contains("build_slow_s")) {
        out.build_slow_s = r.seconds(t["build_slow_s"], "thresholds.build_slow_s", 0);
    }
    if (t.contains("install_slow_s")) {
        out.install_slow_s = r.seconds(t["install_slow_s"], "thresholds.install_slow_s", 0);
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
    std::string text = read_input_file(file, "config file");
    json root = parse_json_text(file, text);
    ConfigReader reader(file, std::move(text));
    reader.check_keys(root, "", {"$schema", "build", "dev", "thresholds", "compare", "ai", "test"});
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
    if (root.contains("test")) {
        detail::read_test(reader, root["test"], config.test);
        detail::check_test_references(reader, config);
    }
    config.file = file;
    return config;
}

} // namespace farm::core
