// A unified diff of two texts (the format of `diff -u` and `git diff`), for showing what
// `farm optimize:pnpm` changes in a configuration file before or after it writes it.
//
// Guarantees: applying the hunks to `before` gives `after` exactly; lines are split at '\n' only,
// so a '\r' stays part of its line (CRLF files show as such), and a last line without a newline
// is marked "\ No newline at end of file" as diff does. Equal texts give an empty string. The
// line matching is a longest-common-subsequence on lines, meant for configuration files: texts
// of more than 20,000 lines are compared as one replaced block rather than slowly.
#pragma once

#include <string>
#include <string_view>

namespace farm::core {

// `old_name` / `new_name` go on the `---` / `+++` lines ("a/.npmrc", "/dev/null" for a new file).
std::string unified_diff(std::string_view before, std::string_view after, std::string_view old_name,
                         std::string_view new_name, int context_lines = 3);

} // namespace farm::core
