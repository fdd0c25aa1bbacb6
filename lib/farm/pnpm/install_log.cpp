#include "farm/pnpm/install_log.hpp"

#include "farm/core/json_depth.hpp"

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
            ++m_stats.downloaded;
        } else if (status == "found_in_store") {
            ++m_stats.reused;
        } else if (status == "imported") {
            ++m_stats.added;
            if (m_stats.import_method.empty()) {
                m_stats.import_method = string_field(event, "method");
            }
        }
    } else if (name == "pnpm:fetching-progress" && status == "started") {
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
        } else if (stage == "importing_started") {
            m_importing_started_ms = time;
        } else if (stage == "importing_done" && m_importing_started_ms) {
            m_stats.importing_s = seconds_between(*m_importing_started_ms, *time);
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
    } else if (name == "pnpm" && string_field(event, "level") == "error") {
        std::string message = string_field(event, "message");
        auto err = event.find("err");
        if (message.empty() && err != event.end() && err->is_object()) {
            message = string_field(*err, "message");
        }
        if (!message.empty() && m_stats.error_message.empty()) {
            m_stats.error_message = message;
        }
    }
}

} // namespace farm::pnpm
