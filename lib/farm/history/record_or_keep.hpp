// A measurement is never lost: the runs of one call are recorded in one transaction, and when
// that fails they are kept in a file that `farm perf:report --import FILE` takes back later.
//
// Guarantees:
// - Any failure to store (the database cannot be opened or created, is damaged, refused, locked
//   past the busy timeout, read-only, or the disk is full) is returned, never thrown: the
//   caller has already shown the result and only has to say where it went.
// - Recorded: all runs or none (Store::record_all); on success each Run::id is set.
// - Not recorded: the runs are written, atomically, as hyperfine JSON (hyperfine_json.hpp, with
//   farm's extra keys, so nothing of them is lost) to `<database>.unsaved-<time>-<pid>.json`
//   beside the database; where that cannot be written (read-only folder, full disk) to
//   `farm-unsaved-<time>-<pid>.json` in $TMPDIR (else /tmp). Only when both fail is
//   unsaved_file empty; `error` then says why each failed.
//
// The caller's story (perf:build): print the table, call this, and when !recorded print `error`
// naming the database and `unsaved_file`, and exit 2.
#pragma once

#include "farm/history/run.hpp"
#include "farm/history/store.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace farm::history {

struct RecordOutcome {
    bool recorded = false;
    std::vector<std::int64_t> run_ids;  // in the order of the runs, when recorded
    std::filesystem::path unsaved_file; // where the runs were kept, when not recorded
    // Why they were not recorded: the database's error, naming it (and, when no file could be
    // written either, why not).
    std::string error;
};

// `open_store` may be null: the database at `db_path` is then opened (created when missing)
// here, and a failure to open it is one more storage failure. Sets each run's id when recorded.
RecordOutcome record_or_keep(const std::filesystem::path& db_path, std::vector<Run>& runs,
                             Store* open_store);

// Writes the runs as hyperfine JSON beside `db_path`, else in $TMPDIR; returns the file. Throws
// farm::Error naming both places when neither can be written.
std::filesystem::path keep_unsaved_runs(const std::filesystem::path& db_path,
                                        const std::vector<Run>& runs);

} // namespace farm::history
