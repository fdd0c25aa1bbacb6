// Writes a file so that it is never seen half-written: the content goes to a temporary file in
// the same folder, is flushed to disk, and replaces the target with one rename. If anything
// fails, the target is as it was and the temporary file is gone.
#pragma once

#include <filesystem>
#include <string_view>

namespace farm::core {

// Throws farm::UsageError naming the file when it cannot be written.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

} // namespace farm::core
