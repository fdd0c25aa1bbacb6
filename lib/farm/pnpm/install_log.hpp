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
//   "pnpm" at level error: the install's error message
// A line that is not JSON is counted and skipped; unknown events and fields are ignored. Nothing
// here ever throws on input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace farm::pnpm {

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
    std::optional<std::int64_t> stats_added;
    std::optional<std::int64_t> stats_removed;
    std::string error_message; // from an error-level "pnpm" event
    std::size_t lines = 0;
    std::size_t non_json_lines = 0;

    // reused / (reused + downloaded); nullopt when the install fetched nothing at all, which is
    // "nothing to fetch" and not a 0% hit rate.
    std::optional<double> store_hit_rate() const;
};

class InstallLogParser {
  public:
    void feed(std::string_view bytes);
    // Parses a last line that had no newline.
    void finish();
    const InstallStats& stats() const { return m_stats; }

  private:
    void parse_line(std::string_view line);

    InstallStats m_stats;
    std::string m_partial;
    std::optional<std::int64_t> m_resolution_started_ms;
    std::optional<std::int64_t> m_importing_started_ms;
};

} // namespace farm::pnpm
