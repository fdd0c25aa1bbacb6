#include "farm/report/format.hpp"

#include <cmath>
#include <cstdio>
#include <map>

namespace farm::report {

namespace {

std::string with_digits(double value, const char* suffix) {
    char buffer[64];
    double magnitude = std::fabs(value);
    int decimals = magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3;
    std::snprintf(buffer, sizeof buffer, "%.*f %s", decimals, value, suffix);
    return buffer;
}

} // namespace

std::string format_value(double value, const std::string& unit) {
    double magnitude = std::fabs(value);
    if (unit == "s") {
        if (magnitude == 0) {
            return "0 s";
        }
        if (magnitude < 1e-6) {
            return with_digits(value * 1e9, "ns");
        }
        if (magnitude < 1e-3) {
            return with_digits(value * 1e6, "µs");
        }
        if (magnitude < 1) {
            return with_digits(value * 1e3, "ms");
        }
        return with_digits(value, "s");
    }
    if (unit == "ms") {
        // AI latencies: "850.0 ms", "12.35 s", the same scale as durations in seconds.
        return format_value(value / 1e3, "s");
    }
    if (unit == "bytes") {
        const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        int index = 0;
        while (magnitude >= 1024 && index < 4) {
            value /= 1024;
            magnitude /= 1024;
            ++index;
        }
        if (index == 0) {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.0f B", value);
            return buffer;
        }
        return with_digits(value, units[index]);
    }
    if (unit == "count") {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
        return buffer;
    }
    if (unit == "cores" || unit == "ratio") {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.2f", value);
        return buffer;
    }
    if (unit == "%") {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.1f%%", value);
        return buffer;
    }
    return with_digits(value, unit.c_str());
}

std::string format_change(double from, double to) {
    if (from == 0) {
        return "n/a";
    }
    double change = (to - from) / std::fabs(from) * 100.0;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%+.1f%%", change);
    return buffer;
}

std::string metric_label(const std::string& name) {
    static const std::map<std::string, std::string> labels = {
        {"wall_s", "wall time"},
        {"user_s", "user CPU"},
        {"sys_s", "system CPU"},
        {"cpu_cores", "CPU cores used (tree)"},
        {"max_rss_bytes", "max RSS (largest process)"},
        {"tree_peak_rss_bytes", "peak RSS (process tree)"},
        {"ttft_ms", "time to first token"},
        {"itl_ms", "inter-token latency"},
        {"tpot_ms", "time per output token"},
        {"e2e_ms", "end-to-end latency"},
        {"input_tokens", "input tokens"},
        {"output_tokens", "output tokens"},
        {"failed", "failed requests"},
        {"error_rate", "error rate (failed / sent)"},
        {"ttfo_ms", "time to first output token"},
        {"reasoning_tokens", "reasoning tokens"},
        {"server_tokens_per_s", "server tokens/s"},
        {"request_throughput", "requests/s"},
        {"output_token_throughput", "output tokens/s"},
        {"gpu_util_pct", "GPU utilisation"},
        {"gpu_memory_used_bytes", "GPU memory used"},
        {"gpu_memory_total_bytes", "GPU memory total"},
        {"files", "files"},
        {"bytes", "output size"},
        {"gzip_bytes", "gzip size"},
        {"brotli_bytes", "brotli size"},
        {"startup_s", "start-up time"},
        {"reload_s", "reload time"},
        {"rss_peak_bytes", "peak RSS"},
        {"cpu_cores_mean", "CPU cores used (mean)"},
        {"connect_ms", "connect time"},
        {"schedule_lag_ms", "schedule lag"},
        {"ttft_from_schedule_ms", "time to first token (from schedule)"},
        {"e2e_from_schedule_ms", "end-to-end latency (from schedule)"},
    };
    auto it = labels.find(name);
    return it == labels.end() ? name : it->second;
}

} // namespace farm::report
