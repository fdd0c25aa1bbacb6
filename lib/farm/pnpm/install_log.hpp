// Parses pnpm's `--reporter=ndjson` install log while it streams.
//
// pnpm writes one JSON object a line (pnpm 9-11 on stdout, pnpm 12 on stderr; feed both). The
// parser takes the bytes in whatever pieces they arrive, keeps a partial last line for the next
// piece, and counts the events an install is made of:
//   pnpm:progress         resolved | fetched (downloaded) | found_in_store (reused) | imported
//   pnpm:fetching-progress  status "started" with the tarball size in bytes (may be null)
//   pnpm:stage            resolution_started/done, importing_started/done, with "time" in ms
//   pnpm:stats            {added} and {removed} on separate lines
//   pnpm:package-import-method {method}, pnpm:context {storeDir}
//   pnpm:execution-time   {startedAt, endedAt}
//   "pnpm" at level error: the install's error (code, message, package, hint)
// and the events that change what an install means:
//   warn-level "Unsupported engine" messages ("pnpm" in pnpm 9/10, "pnpm:global" in pnpm 12,
//     "pnpm:install-check" for a dependency); "Unsupported platform" of a skipped optional
//     dependency is not a warning that matters and is left out
//   pnpm:ignored-scripts  {packageNames}: dependencies whose build scripts pnpm did not run
//   pnpm:lifecycle        a script's start ({script}) and end ({exitCode}), whose times give its
//     duration (pnpm 9/10 report dependencies' scripts this way; the project's own run on the
//     terminal, outside the log)
// A download that pnpm retries (pnpm:fetching-progress "started" again, attempt 2) is counted once.
// A line that is not JSON is counted and skipped; unknown events and fields are ignored. Nothing
// here ever throws on input.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

// One of pnpm's warnings that change what an install means, as one readable line.
struct InstallWarning {
    std::string kind; // "engines", "ignored_scripts" or "strict_dep_builds"
    std::string text;
};

// One lifecycle script pnpm ran during the install.
struct LifecycleScript {
    std::string package; // pnpm's depPath ("esbuild@0.25.0"), or the project's folder
    std::string stage;   // "postinstall", "install", ...
    double duration_s = 0;
    std::optional<std::int64_t> exit_code; // nullopt when the end was not in the log
    std::int64_t started_ms = 0;           // pnpm's clock: ms since the epoch
};

struct InstallStats {
    std::size_t resolved = 0;
    std::size_t downloaded = 0; // progress "fetched"
    std::size_t reused = 0;     // progress "found_in_store"
    std::size_t added = 0;      // progress "imported"
    std::int64_t bytes_downloaded = 0;
    std::size_t downloads_of_unknown_size = 0;
    std::string import_method; // hardlink, copy, clone, clone-or-copy; empty when not said
    std::string store_dir;
    std::optional<double> resolution_s;
    std::optional<double> importing_s;
    std::optional<double> execution_s; // pnpm's own start-to-end time
    // When the stages began, on pnpm's clock (ms since the epoch), for a timeline (--trace).
    std::optional<std::int64_t> resolution_started_ms;
    std::optional<std::int64_t> importing_started_ms;
    std::optional<std::int64_t> stats_added;
    std::optional<std::int64_t> stats_removed;
    std::string error_message;                // from an error-level "pnpm" event
    std::string error_code;                   // ERR_PNPM_FETCH_404, ...
    std::string error_package;                // the package the error is about, when pnpm names it
    std::string error_hint;                   // pnpm's advice, when it gives one
    std::vector<std::string> engine_warnings; // pnpm's "Unsupported engine" messages
    std::vector<std::string> ignored_build_scripts; // "esbuild@0.25.0", in pnpm's order
    std::vector<LifecycleScript> lifecycle_scripts; // in the order they ended
    std::size_t lines = 0;
    std::size_t non_json_lines = 0;

    // reused / (reused + downloaded); nullopt when the install fetched nothing at all, which is
    // "nothing to fetch" and not a 0% hit rate.
    std::optional<double> store_hit_rate() const;
    // The warnings that matter, one line each: engines, ignored build scripts, and the failure
    // of strictDepBuilds (which replaces the ignored-scripts line: the same packages).
    std::vector<InstallWarning> warnings() const;
    // The install's error in words: "message (package NAME). pnpm's hint: ..."; empty when
    // there was none.
    std::string error_in_words() const;
    // The lifecycle scripts' durations added up; nullopt when the log showed none.
    std::optional<double> lifecycle_s() const;
};

// The warnings of several runs of the same install, each once, in the order first seen.
std::vector<InstallWarning> distinct_warnings(const std::vector<InstallStats>& runs);

// `text` without its ndjson lines: what a failed install printed in words (a script's own
// output), without pnpm's event stream.
std::string without_ndjson_lines(std::string_view text);

class InstallLogParser {
  public:
    void feed(std::string_view bytes);
    // Parses a last line that had no newline.
    void finish();
    const InstallStats& stats() const { return m_stats; }

  private:
    void parse_line(std::string_view line);
    // The warnings, lifecycle scripts and error of an event.
    void note_event(const std::string& name, const nlohmann::json& event);
    void note_lifecycle(const nlohmann::json& event);
    void note_error(const nlohmann::json& event);

    InstallStats m_stats;
    std::string m_partial;
    std::optional<std::int64_t> m_resolution_started_ms;
    std::optional<std::int64_t> m_importing_started_ms;
    std::set<std::string> m_fetch_started; // packageIds whose download was counted
    std::set<std::string> m_fetched;       // packageIds counted as downloaded
    std::map<std::string, std::int64_t> m_lifecycle_started_ms; // depPath + stage -> time
};

} // namespace farm::pnpm
