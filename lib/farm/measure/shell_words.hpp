// Splits a command string into words the way a POSIX shell does, without starting one.
//
// `farm perf:build -c 'grep -r "a b" src'` runs grep with the arguments -r, `a b` and src, as sh
// would, but no shell is started (so its start-up is not measured). Only quoting is done:
// blanks (space, tab, newline) separate words; '...' keeps everything literally; "..." keeps
// everything but a backslash before $ ` " \ or a newline; outside quotes a backslash keeps the
// next character (a backslash-newline is removed). No expansion: $VAR, globs, ~, pipes and
// redirections are ordinary characters; --shell runs a command through a shell when they are
// wanted. '' and "" make an empty word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace farm::measure {

// Throws farm::UsageError for an unterminated quote or a trailing backslash, naming the command.
std::vector<std::string> split_shell_words(std::string_view command);

} // namespace farm::measure
