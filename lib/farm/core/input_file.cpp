#include "farm/core/input_file.hpp"

#include "farm/core/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace farm::core {

namespace {

// Closes the descriptor on every way out of read_input_file.
class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

  private:
    int m_fd;
};

const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO (named pipe)";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

[[noreturn]] void refuse(const std::filesystem::path& path, std::string_view what,
                         const std::string& problem) {
    throw UsageError(path.string() + ": " + std::string(what) + " " + problem);
}

[[noreturn]] void refuse_size(const std::filesystem::path& path, std::string_view what,
                              std::uintmax_t size, std::uintmax_t limit) {
    refuse(path, what,
           "is " + std::to_string(size) + " bytes (" + describe_bytes(size) + "), more than the " +
               describe_bytes(limit) + " farm reads (is it the right file?)");
}

} // namespace

std::string describe_bytes(std::uintmax_t bytes) {
    static const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    if (unit == 0) {
        std::snprintf(text, sizeof text, "%ju bytes", bytes);
    } else {
        std::snprintf(text, sizeof text,
                      value == double(std::uintmax_t(value)) ? "%.0f %s" : "%.1f %s", value,
                      units[unit]);
    }
    return text;
}

std::string read_input_file(const std::filesystem::path& path, std::string_view what,
                            std::uintmax_t limit) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        refuse(path, what, std::string("cannot be read: ") + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        refuse(path, what, std::string("cannot be read: ") + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        refuse(path, what, std::string("is ") + kind_of(info.st_mode) + ", not a regular file");
    }
    if (std::uintmax_t(info.st_size) > limit) {
        refuse_size(path, what, std::uintmax_t(info.st_size), limit);
    }
    std::string content;
    content.reserve(std::size_t(info.st_size));
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            refuse(path, what, std::string("cannot be read: ") + std::strerror(errno));
        }
        if (n == 0) {
            return content;
        }
        // The file may grow while it is read (a log still written to): the bound holds anyway.
        if (content.size() + std::size_t(n) > limit) {
            refuse_size(path, what, content.size() + std::size_t(n), limit);
        }
        content.append(buffer, std::size_t(n));
    }
}

std::string read_text_file(const std::filesystem::path& path) {
    return read_input_file(path, "file", std::numeric_limits<std::uintmax_t>::max());
}

} // namespace farm::core
