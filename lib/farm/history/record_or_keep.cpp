#include "farm/history/record_or_keep.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/history/hyperfine_json.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <unistd.h>

namespace farm::history {

namespace fs = std::filesystem;

namespace {

// "20260214T123456789Z-4242": sortable, unique per process and millisecond, and free of the
// characters (':') that some file systems refuse.
std::string unsaved_stamp() {
    std::string stamp = core::utc_now_iso8601();
    std::erase_if(stamp, [](char c) { return c == '-' || c == ':' || c == '.'; });
    return stamp + "-" + std::to_string(::getpid());
}

fs::path temporary_folder() {
    const char* tmpdir = std::getenv("TMPDIR");
    return tmpdir != nullptr && *tmpdir != '\0' ? fs::path(tmpdir) : fs::path("/tmp");
}

} // namespace

fs::path keep_unsaved_runs(const fs::path& db_path, const std::vector<Run>& runs) {
    std::string content = hyperfine_json(runs);
    std::string stamp = unsaved_stamp();
    fs::path beside = db_path;
    beside += ".unsaved-" + stamp + ".json";
    std::string why_not_beside;
    try {
        core::write_file_atomically(beside, content);
        return beside;
    } catch (const Error& e) {
        why_not_beside = e.what();
    }
    fs::path fallback = temporary_folder() / ("farm-unsaved-" + stamp + ".json");
    try {
        core::write_file_atomically(fallback, content);
        return fallback;
    } catch (const Error& e) {
        throw Error("could not keep the unsaved runs anywhere: " + why_not_beside + "; " +
                    e.what());
    }
}

RecordOutcome record_or_keep(const fs::path& db_path, std::vector<Run>& runs, Store* open_store) {
    RecordOutcome outcome;
    try {
        std::unique_ptr<Store> opened;
        if (open_store == nullptr) {
            opened = std::make_unique<Store>(db_path, Store::Mode::create);
            open_store = opened.get();
        }
        outcome.run_ids = open_store->record_all(runs);
        for (std::size_t i = 0; i < runs.size(); ++i) {
            runs[i].id = outcome.run_ids[i];
        }
        outcome.recorded = true;
        return outcome;
    } catch (const std::exception& e) {
        // Whatever went wrong, the database holds none of the runs (one transaction).
        outcome.run_ids.clear();
        outcome.error = e.what();
    }
    try {
        outcome.unsaved_file = keep_unsaved_runs(db_path, runs);
    } catch (const std::exception& e) {
        outcome.error += std::string("; ") + e.what();
    }
    return outcome;
}

} // namespace farm::history
