// Nx's record of a run: with NX_PROFILE=FILE, `nx run-many` writes a Chrome trace whose complete
// events ("ph": "X") are its tasks: name "PROJECT:TARGET", ts and dur in microseconds of its own
// clock, args.target.{project, target} and args.status ("success", "failure", "skipped",
// "local-cache", "local-cache-kept-existing", "remote-cache"). Nx records no dependencies there,
// so a summary read from it has no critical path.
//
// Outside input: a file that does not parse or is not a trace array is refused with
// farm::UsageError naming the file; events that are not tasks are skipped.
#pragma once

#include "farm/pnpm/turbo_summary.hpp"

#include <filesystem>
#include <string_view>

namespace farm::pnpm {

RunSummary parse_nx_profile(std::string_view text, const std::filesystem::path& path);

} // namespace farm::pnpm
