#include "farm/core/atomic_file.hpp"

#include "farm/core/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace farm::core {

namespace fs = std::filesystem;

void write_file_atomically(const fs::path& target, std::string_view content,
                           std::optional<mode_t> mode) {
    fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string temporary = (folder / ("." + target.filename().string() + ".farm-XXXXXX")).string();
    int fd = mkstemp(temporary.data());
    if (fd < 0) {
        throw UsageError("cannot write " + target.string() + ": " + std::strerror(errno));
    }
    auto fail = [&](const std::string& what) {
        int saved = errno;
        close(fd);
        unlink(temporary.c_str());
        throw UsageError("cannot write " + target.string() + ": " + what + ": " +
                         std::strerror(saved) + " (the file was left as it was)");
    };
    // mkstemp creates 0600; an export is an ordinary file the user shares.
    if (mode) {
        fchmod(fd, *mode & 07777);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    std::size_t written = 0;
    while (written < content.size()) {
        ssize_t n = write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("writing");
        }
        written += std::size_t(n);
    }
    if (fsync(fd) != 0) {
        fail("flushing");
    }
    if (close(fd) != 0) {
        unlink(temporary.c_str());
        throw UsageError("cannot write " + target.string() + ": " + std::strerror(errno));
    }
    if (rename(temporary.c_str(), target.c_str()) != 0) {
        int saved = errno;
        unlink(temporary.c_str());
        throw UsageError("cannot write " + target.string() + ": " + std::strerror(saved) +
                         " (the file was left as it was)");
    }
}

} // namespace farm::core
