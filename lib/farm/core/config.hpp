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
#include <utility>
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
    // Empty: each package's browser-facing output, found from its framework (pnpm/output_dirs.hpp).
    std::vector<std::string> output_dirs;
    std::vector<SizeBudget> budgets;
};

// `farm perf:dev`: how a service shows it is ready, and how a hot reload is caused and seen.
enum class DevReadyKind {
    printed_port, // the first http://localhost:NNNN it prints accepts connections (the default)
    url,          // a GET of `url` answers 2xx
    port,         // `host`:`port` accepts a TCP connection
    output,       // a line of its output matches `pattern` (ECMAScript regular expression)
};

struct DevReady {
    DevReadyKind kind = DevReadyKind::printed_port;
    std::string url;
    std::string host = "localhost";
    int port = 0;
    std::string pattern;
};

enum class DevReloadEdit {
    touch,  // the file's modification time is set to now
    append, // a line is appended (its original content is restored afterwards)
    insert, // `text N` is written right after the first `after` in the file (restored afterwards)
};

struct DevReload {
    std::string file; // relative to the service's folder
    DevReloadEdit edit = DevReloadEdit::touch;
    // Followed by the reload's number. Empty: "farm reload", appended as a comment in the file's
    // own syntax so that the edited code still compiles.
    std::string text;
    std::string after;   // edit insert: the text the marker goes after (a heading's words)
    std::string pattern; // reload seen in the server's log: an output line matches, and/or
    std::string url;     // reload seen: the body of a GET of this URL changes
    std::string page;    // the page the reloads are watched on (and requested once before them)
};

struct DevService {
    std::string name;
    std::vector<std::string> argv; // when the command is given as an array
    std::string command_line;      // when given as a string (run by `sh -c` if it needs a shell)
    std::string cwd;               // relative to the project root; empty: the root
    std::vector<std::pair<std::string, std::string>> env;
    std::string kind; // database, ollama, backend, frontend, other; empty: guessed from the name
    DevReady ready;
    std::optional<DevReload> reload;
};

struct DevConfig {
    std::vector<DevService> services; // empty: `pnpm run dev` in the project root
};

// Start-up thresholds per kind of service and the hot-reload bands (from the seeds).
struct DevThresholds {
    std::map<std::string, double> startup_s = {
        {"database", 5}, {"ollama", 10}, {"backend", 3}, {"frontend", 2}, {"other", 5}};
    double reload_fast_s = 0.1;
    double reload_slow_s = 0.5;
    // The browser showing an edit this long after the dev server's HMR message is advised on.
    double browser_lag_s = 0.2;
};

// The advice thresholds (from the seeds); each is a point past which farm says something.
struct Thresholds {
    double build_slow_s = 30;
    double install_slow_s = 60;
    std::int64_t output_large_bytes = 5'000'000;
    double store_hit_rate_min = 0.70;
    std::int64_t build_memory_bytes = 2'000'000'000; // a build's peak memory (optimize:build)
    DevThresholds dev;
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
    std::optional<double> error_rate; // ai.thresholds.error_rate (given): above it, "failing"
};

// `farm perf:test`: a limit on one statistic of one metric of the suite's runs, checked on the
// run of each subject the glob matches.
struct SuiteThreshold {
    std::string subject = "*";   // glob (* and ?) over the suite's subjects
    std::string metric;          // as recorded (wall_s, ttft_ms, startup_s), or error_rate
    std::string stat = "median"; // one of suite_threshold_stats()
    std::optional<double> max;   // fails above
    std::optional<double> min;   // fails below
};

// "median", "mean", "p90", "p95", "p99", "min", "max": what a threshold takes of a metric.
const std::vector<std::string>& suite_threshold_stats();

// A suite of kind "dev": `farm perf:dev` over some of dev.services.
struct TestDevJob {
    std::vector<std::string> services; // empty: every service of dev.services
    std::size_t runs = 3;
    std::size_t reloads = 3;
    double duration_s = 2;
    double timeout_s = 60;
    // As perf:dev --browser / --chromium: each page loaded in headless Chromium (page_load_s,
    // browser_ms); `chromium` empty finds it on PATH.
    bool browser = false;
    std::string chromium;
};

// How much load an AI suite sends. Every load is bounded in count and time.
struct TestAiLoad {
    std::size_t requests = 10;
    std::size_t concurrency = 1;
    std::size_t warmup = 1;
    double duration_s = 120; // the run stops here even with requests left
};

// A suite of kind "ai": `farm perf:ai` against configured providers.
struct TestAiJob {
    std::vector<std::string> providers; // names in ai.providers; empty: the first one
    std::string model;                  // empty: the provider's
    std::string operation = "chat_stream";
    std::string prompt;                // empty: the built-in prompts
    int max_tokens = 0;                // 0: the server's default
    std::string input_len;             // as --input-len: N, uniform:LO:HI, normal:MEAN:SD; "": none
    std::string output_len;            // as --output-len
    std::optional<std::uint64_t> seed; // as --seed: the same prompts and lengths every time
    double timeout_s = 0;              // per request; 0: the provider's timeouts
    TestAiLoad check;                  // the run every invocation makes
    TestAiLoad load{200, 8, 0, 120};   // the extra run of --load (subject suffix " load")
};

// One job of the performance suite.
struct TestSuite {
    std::string name;
    std::string kind; // one of test_suite_kinds()
    // kind build: a command (argv; a string runs through `sh -c`), else the pnpm project in `dir`
    std::vector<std::string> command;
    bool shell = false;
    std::string dir;                      // relative to the project root; "" is the root
    std::optional<std::size_t> runs;      // default 5
    std::size_t warmup = 0;               // untimed runs first
    double timeout_s = 0;                 // per run; 0: none
    std::string install = "warm";         // pnpm project: warm, cold, noop or none
    std::optional<std::string> script;    // pnpm project: build script; default "build"
    bool no_build = false;                // pnpm project: "script": null measures the install only
    std::vector<std::string> output_dirs; // pnpm project; empty: build.output_dirs
    TestDevJob dev;                       // kind dev
    TestAiJob ai;                         // kind ai
    std::vector<SuiteThreshold> thresholds;
    std::vector<SizeBudget> budgets; // checked after the job, relative to the project root
};

struct TestConfig {
    std::vector<TestSuite> suites;
};

// "build", "dev", "ai": the job kinds a suite may name.
const std::vector<std::string>& test_suite_kinds();

struct Config {
    std::optional<std::filesystem::path> file; // the file it came from, if any
    BuildConfig build;
    DevConfig dev;
    Thresholds thresholds;
    CompareConfig compare;
    AiConfig ai;
    TestConfig test;
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
