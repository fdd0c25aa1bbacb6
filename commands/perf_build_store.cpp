// perf:build's commands mode, last step: where the runs go. The history when it takes them; a
// file beside it (for `farm perf:report --import`) when it does not; and the --export files.
#include "commands/perf_build_batch.hpp"
#include "farm/core/error.hpp"
#include "farm/history/store.hpp"
#include "farm/report/run_view.hpp"

#include <fstream>
#include <unistd.h>

namespace farm::commands {

// TODO(h4-export): history::record_or_keep and report::hyperfine::write_hyperfine_export.
StoreOutcome store_runs(const std::filesystem::path& db_path, std::vector<history::Run>& runs,
                        history::Store* store) {
    StoreOutcome outcome;
    try {
        for (history::Run& run : runs) {
            run.id = store->record(run);
        }
        outcome.recorded = true;
        return outcome;
    } catch (const Error& error) {
        outcome.error = std::string(error.what()) + " (" + db_path.string() + ")";
    }
    outcome.unsaved_file = db_path.string() + ".unsaved-" + std::to_string(getpid()) + ".json";
    nlohmann::json list = nlohmann::json::array();
    for (const history::Run& run : runs) {
        list.push_back(report::run_to_json(run, ""));
    }
    std::ofstream(outcome.unsaved_file) << list.dump(2) << "\n";
    return outcome;
}

void check_export_files(const std::vector<std::string>& files) {
    if (!files.empty()) {
        throw UsageError("--export is not available yet");
    }
}

void export_runs(const std::vector<std::string>& files, const std::vector<history::Run>& runs) {
    (void)files;
    (void)runs;
}

} // namespace farm::commands
