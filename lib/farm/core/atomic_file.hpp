// Writes a file so that it is never seen half-written: the content goes to a temporary file in
// the same folder, is flushed to disk, and replaces the target with one rename. If anything
// fails, the target is as it was and the temporary file is gone.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <sys/types.h>

namespace farm::core {

// Throws farm::UsageError naming the file when it cannot be written. The new file gets `mode`
// (a rewrite keeps the permissions of the file it replaces), else 0666 less the umask.
void write_file_atomically(const std::filesystem::path& target, std::string_view content,
                           std::optional<mode_t> mode = std::nullopt);

} // namespace farm::core
