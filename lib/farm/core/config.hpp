// farm.config.json: the project's settings for farm, with the defaults that apply when a key (or
// the whole file) is absent. docs/config.md documents every key.
//
// The file is read strictly: a syntax error is reported with its line and column, an unknown key
// with its path and the closest known key, a value of the wrong type or range with its path. A
// config that does not load is never half applied.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace farm::core {

enum class Compression { none, gzip, brotli };

struct SizeBudget {
    std::string path; // glob relative to the project root
    std::int64_t limit_bytes = 0;
    std::string limit_text; // as written, for messages
    Compression compression = Compression::brotli;
};

struct BuildConfig {
    std::vector<std::string> output_dirs = {"dist", "build", "out", ".next"};
    std::vector<SizeBudget> budgets;
};

// The advice thresholds (from the seeds); each is a point past which farm says something.
struct Thresholds {
    double build_slow_s = 30;
    double install_slow_s = 60;
    std::int64_t output_large_bytes = 5'000'000;
    double store_hit_rate_min = 0.70;
    std::int64_t build_memory_bytes = 2'000'000'000; // a build's peak memory (optimize:build)
};

// `farm perf:report --compare`: the significance level and the noise floor per kind of run.
struct CompareConfig {
    double alpha = 0.05;
    std::map<std::string, double> threshold_pct; // kind -> %; absent kinds use the defaults
};

// One AI server farm can benchmark (`ai.providers[]`). The API key itself is never here: only the
// name of the environment variable that holds it.
struct AiProviderConfig {
    std::string name;        // how the user calls it: --provider NAME
    std::string type;        // "openai", "ollama" or "tgi"
    std::string base_url;    // "http://127.0.0.1:11434"
    std::string model;       // may be empty: --model or the server's first model
    std::string api_key_env; // may be empty: no Authorization header
    double connect_timeout_s = 10;
    double first_byte_timeout_s = 60;
    double total_timeout_s = 300;
};

// Response-time thresholds of one provider type, on the median e2e_ms of a subject.
struct AiThresholdConfig {
    double slow_ms = 0;
    double fast_ms = 0;
};

struct AiConfig {
    std::vector<AiProviderConfig> providers;
    std::map<std::string, AiThresholdConfig> thresholds; // provider type -> thresholds (given)
};

struct Config {
    std::optional<std::filesystem::path> file; // the file it came from, if any
    BuildConfig build;
    Thresholds thresholds;
    CompareConfig compare;
    AiConfig ai;
};

// Reads `explicit_path`, else PROJECT_ROOT/farm.config.json when it exists, else the defaults.
// Throws farm::UsageError for a file that does not load.
Config load_config(const std::filesystem::path& project_root,
                   const std::optional<std::filesystem::path>& explicit_path = std::nullopt);

// "250 kB" -> 250000, "1.5 MB" -> 1500000, "300 KiB" -> 307200, "512" -> 512 (bytes).
// kB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024. Empty optional when malformed.
std::optional<std::int64_t> parse_size(const std::string& text);

const char* to_string(Compression compression);

} // namespace farm::core
