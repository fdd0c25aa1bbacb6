// Glob patterns over slash-separated relative paths, as pnpm-workspace.yaml and size budgets
// write them: `*` matches within one path segment, `**` matches any number of whole segments
// (zero included), `?` one character, `[abc]` / `[!abc]` a character class. Matching is on the
// whole path; a trailing slash in the pattern is ignored.
#pragma once

#include <string_view>

namespace farm::core {

bool glob_match(std::string_view pattern, std::string_view path);

// The leading part of the pattern without wildcards ("packages/web/dist" of
// "packages/web/dist/**/*.js"): where a walk for matches can start.
std::string_view glob_base(std::string_view pattern);

} // namespace farm::core
