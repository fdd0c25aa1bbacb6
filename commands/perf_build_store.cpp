// perf:build's commands mode, last step: the --export files, in hyperfine's formats.
#include "commands/perf_build_batch.hpp"
#include "farm/report/hyperfine_export.hpp"

namespace farm::commands {

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
