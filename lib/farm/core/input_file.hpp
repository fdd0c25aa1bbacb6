// Reads a whole file that someone else wrote (a config, a prompts file, an import, a workspace
// file), refusing at once what cannot be such a file instead of hanging or exhausting memory:
//   - a FIFO, a character device (/dev/zero, a terminal), a socket or a directory is refused
//     with its path and kind, without waiting (the file is opened O_NONBLOCK, then fstat'ed);
//   - a file larger than its limit (core/limits.hpp) is refused with its size and the limit,
//     before anything is read, and a file that grows past it while read is refused too.
#pragma once

#include "farm/core/limits.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace farm::core {

// The content of `path`, whose kind `what` ("config file", "prompts file") messages name.
// Throws farm::UsageError "PATH: WHAT ..." when it is missing, unreadable, not a regular file
// or larger than `limit` bytes.
std::string read_input_file(const std::filesystem::path& path, std::string_view what,
                            std::uintmax_t limit = max_input_file_bytes);

// The content of a regular file farm reads as data rather than as input (a build output, a file
// it wrote itself, a lockfile it hashes): no size limit, but never a FIFO or a device.
std::string read_text_file(const std::filesystem::path& path);

// "64 MiB", "1.5 GiB", "512 bytes": a limit or a size for messages.
std::string describe_bytes(std::uintmax_t bytes);

} // namespace farm::core
