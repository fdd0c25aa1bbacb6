// Writes a file so that it is never seen half-written: the content goes to a temporary file in
// the same folder, is flushed to disk, and replaces the target with one rename. If anything
// fails, or the writer is dropped before commit(), the target is as it was and the temporary
// file is gone.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace farm::core {

// For content made piece by piece (one CSV row a request): memory stays flat however long the
// file grows. Every method throws farm::UsageError naming the file when it cannot write.
class AtomicFileWriter {
  public:
    // The new file gets `mode` (a rewrite keeps the permissions of the file it replaces), else
    // 0666 less the umask. Creates the temporary file now, so a folder that cannot be written is
    // said before any work is done.
    explicit AtomicFileWriter(std::filesystem::path target,
                              std::optional<mode_t> mode = std::nullopt);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void append(std::string_view content);
    // Flushes and renames over the target; after it, the writer takes no more content.
    void commit();

  private:
    [[noreturn]] void fail(const std::string& what);

    std::filesystem::path m_target;
    std::string m_temporary;
    int m_fd = -1;
};

void write_file_atomically(const std::filesystem::path& target, std::string_view content,
                           std::optional<mode_t> mode = std::nullopt);

} // namespace farm::core
