// perf:build's commands mode, last step: where the runs go. The history when it takes them; a
// hyperfine JSON file beside it (for `farm perf:report --import`) when it does not; and the
// --export files.
#include "commands/perf_build_batch.hpp"
#include "farm/history/record_or_keep.hpp"
#include "farm/report/hyperfine_export.hpp"

namespace farm::commands {

StoreOutcome store_runs(const std::filesystem::path& db_path, std::vector<history::Run>& runs,
                        history::Store* store) {
    history::RecordOutcome outcome = history::record_or_keep(db_path, runs, store);
    return StoreOutcome{outcome.recorded, outcome.error, outcome.unsaved_file};
}

void check_export_files(const std::vector<std::string>& files) {
    for (const std::string& file : files) {
        report::hyperfine::export_format_for(file);
    }
}

void export_runs(const std::vector<std::string>& files, const std::vector<history::Run>& runs) {
    for (const std::string& file : files) {
        report::hyperfine::write_hyperfine_export(file, runs);
    }
}

} // namespace farm::commands
