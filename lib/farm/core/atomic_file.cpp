#include "farm/core/atomic_file.hpp"

#include "farm/core/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace farm::core {

namespace fs = std::filesystem;

AtomicFileWriter::AtomicFileWriter(fs::path target, std::optional<mode_t> mode)
    : m_target(std::move(target)) {
    fs::path folder = m_target.parent_path().empty() ? fs::path(".") : m_target.parent_path();
    m_temporary = (folder / ("." + m_target.filename().string() + ".farm-XXXXXX")).string();
    m_fd = mkstemp(m_temporary.data());
    if (m_fd < 0) {
        throw UsageError("cannot write " + m_target.string() + ": " + std::strerror(errno));
    }
    // mkstemp creates 0600; an export is an ordinary file the user shares.
    if (mode) {
        fchmod(m_fd, *mode & 07777);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        fchmod(m_fd, 0666 & ~mask);
    }
}

AtomicFileWriter::~AtomicFileWriter() {
    if (m_fd >= 0) {
        close(m_fd);
        unlink(m_temporary.c_str());
    }
}

void AtomicFileWriter::fail(const std::string& what) {
    int saved = errno;
    if (m_fd >= 0) {
        close(m_fd);
        m_fd = -1;
    }
    unlink(m_temporary.c_str());
    throw UsageError("cannot write " + m_target.string() + ": " + what + ": " +
                     std::strerror(saved) + " (the file was left as it was)");
}

void AtomicFileWriter::append(std::string_view content) {
    if (m_fd < 0) {
        throw UsageError("cannot write " + m_target.string() + ": it was already finished");
    }
    std::size_t written = 0;
    while (written < content.size()) {
        ssize_t n = write(m_fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("writing");
        }
        written += std::size_t(n);
    }
}

void AtomicFileWriter::commit() {
    if (m_fd < 0) {
        throw UsageError("cannot write " + m_target.string() + ": it was already finished");
    }
    if (fsync(m_fd) != 0) {
        fail("flushing");
    }
    int fd = m_fd;
    m_fd = -1;
    if (close(fd) != 0) {
        fail("closing");
    }
    if (rename(m_temporary.c_str(), m_target.c_str()) != 0) {
        fail("replacing it");
    }
}

void write_file_atomically(const fs::path& target, std::string_view content,
                           std::optional<mode_t> mode) {
    AtomicFileWriter writer(target, mode);
    writer.append(content);
    writer.commit();
}

} // namespace farm::core
