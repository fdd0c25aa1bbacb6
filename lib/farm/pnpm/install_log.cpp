#include "farm/pnpm/install_log.hpp"

#include "farm/core/json_depth.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

namespace farm::pnpm {

namespace {

using nlohmann::json;

std::string string_field(const json& event, const char* key) {
    auto it = event.find(key);
    return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number that does not fit int64 (1e300, 2^64 - 1) counts as absent: converting it would be
// undefined (a double) or wrap to a negative value (an unsigned), and a damaged or foreign log
// must not make nonsense of the totals.
std::optional<std::int64_t> integer_field(const json& event, const char* key) {
    auto it = event.find(key);
    if (it == event.end() || !it->is_number()) {
        return std::nullopt;
    }
    if (it->is_number_float()) {
        double value = it->get<double>();
        if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) { // +-2^63
            return std::nullopt;
        }
        return std::int64_t(value);
    }
    if (it->is_number_unsigned() &&
        it->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    return it->get<std::int64_t>();
}

// pnpm's messages run over several lines ("GET ...: Not Found - 404\n\nFailed to resolve ...");
// one line of them, the pieces joined by "; ".
std::string one_line(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        std::size_t newline = text.find('\n');
        std::string_view piece = text.substr(0, newline);
        while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\r')) {
            piece.remove_suffix(1);
        }
        while (!piece.empty() && piece.front() == ' ') {
            piece.remove_prefix(1);
        }
        if (!piece.empty()) {
            out += (out.empty() ? "" : "; ") + std::string(piece);
        }
        text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    }
    return out;
}

// In double: the difference of two arbitrary int64 times can overflow int64. Real timestamps in
// ms (about 2^41) are exact as doubles, so this changes nothing for them.
double seconds_between(std::int64_t start_ms, std::int64_t end_ms) {
    return (double(end_ms) - double(start_ms)) / 1000.0;
}

} // namespace

std::optional<double> InstallStats::store_hit_rate() const {
    std::size_t total = reused + downloaded;
    if (total == 0) {
        return std::nullopt;
    }
    return double(reused) / double(total);
}

std::vector<InstallWarning> InstallStats::warnings() const {
    std::vector<InstallWarning> out;
    for (const std::string& message : engine_warnings) {
        out.push_back({"engines", "engines mismatch: " + one_line(message)});
    }
    if (error_code == "ERR_PNPM_IGNORED_BUILDS") {
        out.push_back(
            {"strict_dep_builds",
             "strictDepBuilds failed the install: pnpm ignored the build scripts of " +
                 (ignored_build_scripts.empty() ? std::string("some dependencies")
                                                : core::join(ignored_build_scripts, ", ")) +
                 " (allow them with `pnpm approve-builds`)"});
    } else if (!ignored_build_scripts.empty()) {
        out.push_back({"ignored_scripts",
                       "pnpm ignored the build scripts of " +
                           core::join(ignored_build_scripts, ", ") +
                           " (allow them with `pnpm approve-builds` if the build needs them)"});
    }
    return out;
}

std::string InstallStats::error_in_words() const {
    if (error_message.empty() && error_code.empty()) {
        return {};
    }
    std::string out = error_message.empty() ? error_code : one_line(error_message);
    if (!error_package.empty() && out.find(error_package) == std::string::npos) {
        out += " (package " + error_package + ")";
    }
    if (!error_hint.empty()) {
        out += ". pnpm's hint: " + one_line(error_hint);
    }
    if (!error_code.empty() && out.find(error_code) == std::string::npos) {
        out += " [" + error_code + "]";
    }
    return out;
}

std::optional<double> InstallStats::lifecycle_s() const {
    if (lifecycle_scripts.empty()) {
        return std::nullopt;
    }
    double total = 0;
    for (const LifecycleScript& script : lifecycle_scripts) {
        total += script.duration_s;
    }
    return total;
}

std::vector<InstallWarning> distinct_warnings(const std::vector<InstallStats>& runs) {
    std::vector<InstallWarning> out;
    std::set<std::string> seen;
    for (const InstallStats& stats : runs) {
        for (InstallWarning& warning : stats.warnings()) {
            if (seen.insert(warning.text).second) {
                out.push_back(std::move(warning));
            }
        }
    }
    return out;
}

std::string without_ndjson_lines(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        std::size_t newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
        if (core::parse_json_or_discarded(line).is_object()) {
            continue;
        }
        out += std::string(line) + "\n";
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

void InstallLogParser::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        std::size_t newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            m_partial.append(bytes);
            return;
        }
        if (m_partial.empty()) {
            parse_line(bytes.substr(0, newline));
        } else {
            m_partial.append(bytes.substr(0, newline));
            parse_line(m_partial);
            m_partial.clear();
        }
        bytes.remove_prefix(newline + 1);
    }
}

void InstallLogParser::finish() {
    if (!m_partial.empty()) {
        parse_line(m_partial);
        m_partial.clear();
    }
}

void InstallLogParser::parse_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.remove_suffix(1);
    }
    if (line.empty()) {
        return;
    }
    ++m_stats.lines;
    json event = core::parse_json_or_discarded(line);
    if (!event.is_object()) {
        ++m_stats.non_json_lines;
        return;
    }
    std::string name = string_field(event, "name");
    std::string status = string_field(event, "status");
    if (name == "pnpm:progress") {
        if (status == "resolved") {
            ++m_stats.resolved;
        } else if (status == "fetched") {
            // Once per package: a retried download must not count twice.
            std::string id = string_field(event, "packageId");
            if (id.empty() || m_fetched.insert(id).second) {
                ++m_stats.downloaded;
            }
        } else if (status == "found_in_store") {
            ++m_stats.reused;
        } else if (status == "imported") {
            ++m_stats.added;
            if (m_stats.import_method.empty()) {
                m_stats.import_method = string_field(event, "method");
            }
        }
    } else if (name == "pnpm:fetching-progress" && status == "started") {
        // A retry starts the same download again (attempt 2): its bytes arrive once.
        std::string id = string_field(event, "packageId");
        if (!id.empty() && !m_fetch_started.insert(id).second) {
            return;
        }
        std::optional<std::int64_t> size = integer_field(event, "size");
        if (size && *size >= 0) {
            // Saturates instead of overflowing on absurd sizes.
            std::int64_t room = std::numeric_limits<std::int64_t>::max() - m_stats.bytes_downloaded;
            m_stats.bytes_downloaded += std::min(*size, room);
        } else { // null, absent, negative or too large: not a size
            ++m_stats.downloads_of_unknown_size;
        }
    } else if (name == "pnpm:stage") {
        std::string stage = string_field(event, "stage");
        std::optional<std::int64_t> time = integer_field(event, "time");
        if (!time) {
            return;
        }
        if (stage == "resolution_started") {
            m_resolution_started_ms = time;
        } else if (stage == "resolution_done" && m_resolution_started_ms) {
            m_stats.resolution_s = seconds_between(*m_resolution_started_ms, *time);
            m_stats.resolution_started_ms = m_resolution_started_ms;
        } else if (stage == "importing_started") {
            m_importing_started_ms = time;
        } else if (stage == "importing_done" && m_importing_started_ms) {
            m_stats.importing_s = seconds_between(*m_importing_started_ms, *time);
            m_stats.importing_started_ms = m_importing_started_ms;
        }
    } else if (name == "pnpm:stats") {
        if (std::optional<std::int64_t> added = integer_field(event, "added")) {
            m_stats.stats_added = added;
        }
        if (std::optional<std::int64_t> removed = integer_field(event, "removed")) {
            m_stats.stats_removed = removed;
        }
    } else if (name == "pnpm:package-import-method") {
        std::string method = string_field(event, "method");
        if (!method.empty()) {
            m_stats.import_method = method;
        }
    } else if (name == "pnpm:context") {
        m_stats.store_dir = string_field(event, "storeDir");
    } else if (name == "pnpm:execution-time") {
        std::optional<std::int64_t> started = integer_field(event, "startedAt");
        std::optional<std::int64_t> ended = integer_field(event, "endedAt");
        if (started && ended) {
            m_stats.execution_s = seconds_between(*started, *ended);
        }
    } else {
        note_event(name, event);
    }
}

void InstallLogParser::note_event(const std::string& name, const json& event) {
    std::string level = string_field(event, "level");
    if (level == "warn" &&
        (name == "pnpm" || name == "pnpm:global" || name == "pnpm:install-check")) {
        // "Unsupported platform" is an optional dependency for another machine, skipped as meant.
        std::string message = string_field(event, "message");
        if (message.starts_with("Unsupported engine")) {
            m_stats.engine_warnings.push_back(message);
        }
    } else if (name == "pnpm:ignored-scripts") {
        auto names = event.find("packageNames");
        if (names != event.end() && names->is_array()) {
            m_stats.ignored_build_scripts.clear(); // the latest list is the whole list
            for (const json& package : *names) {
                if (package.is_string()) {
                    m_stats.ignored_build_scripts.push_back(package.get<std::string>());
                }
            }
        }
    } else if (name == "pnpm:lifecycle") {
        note_lifecycle(event);
    } else if (name == "pnpm" && level == "error" && m_stats.error_code.empty() &&
               m_stats.error_message.empty()) {
        note_error(event); // the first error is the cause; later ones follow from it
    }
}

void InstallLogParser::note_lifecycle(const json& event) {
    std::optional<std::int64_t> time = integer_field(event, "time");
    std::string package = string_field(event, "depPath");
    std::string stage = string_field(event, "stage");
    if (!time || package.empty() || stage.empty()) {
        return;
    }
    std::string key = package + "\n" + stage;
    if (event.contains("script")) { // its start
        m_lifecycle_started_ms[key] = *time;
        return;
    }
    auto started = m_lifecycle_started_ms.find(key);
    if (!event.contains("exitCode") || started == m_lifecycle_started_ms.end()) {
        return; // an output line, or an end without its start
    }
    m_stats.lifecycle_scripts.push_back({package, stage, seconds_between(started->second, *time),
                                         integer_field(event, "exitCode"), started->second});
    m_lifecycle_started_ms.erase(started);
}

void InstallLogParser::note_error(const json& event) {
    // pnpm 12 says it all in "message"; pnpm 9 and 10 put it in err.message beside a hint.
    std::string message = string_field(event, "message");
    auto err = event.find("err");
    if (message.empty() && err != event.end() && err->is_object()) {
        message = string_field(*err, "message");
    }
    m_stats.error_message = message;
    m_stats.error_code = string_field(event, "code");
    m_stats.error_hint = string_field(event, "hint");
    m_stats.error_package = string_field(event, "pkgName");
    auto package = event.find("package");
    if (m_stats.error_package.empty() && package != event.end() && package->is_object()) {
        m_stats.error_package = string_field(*package, "name");
    }
}

} // namespace farm::pnpm
