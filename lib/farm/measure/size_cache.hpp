// Remembers the compressed sizes of the files farm measured, so that an output measured again
// costs a stat (or a read and a hash) instead of brotli at quality 11, which takes about 1.7
// CPU-seconds a megabyte of JavaScript.
//
// An entry is found by the file's path, size and modification time; a file written again with
// the same content (a clean rebuild writes the same content-hashed chunks anew) is found by the
// hash of its content and its size. The cache is a JSON file, written atomically. A cache file
// that cannot be read or does not parse is ignored as a whole, an entry of the wrong shape or with
// impossible numbers is ignored alone, and a cache made with other compression settings is not
// used: a bad cache only ever costs time, never a wrong number and never a failed measurement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace farm::measure {

struct FileStamp {
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
};

// Reads the size and modification time; nullopt when the file cannot be stat'ed.
std::optional<FileStamp> stamp_of(const std::filesystem::path& file);

struct CompressedSizes {
    std::int64_t gzip_bytes = 0;
    std::int64_t brotli_bytes = 0;
};

class SizeCache {
  public:
    // An empty cache that save() writes to `file` (nothing is written for an empty path).
    explicit SizeCache(std::filesystem::path file = {});
    // The cache kept in `file`; empty when it is missing, unreadable or not a cache (see above).
    static SizeCache load(const std::filesystem::path& file);

    std::optional<CompressedSizes> find(const std::string& path, const FileStamp& stamp) const;
    std::optional<CompressedSizes> find_content(const std::string& hash, std::int64_t size) const;
    void remember(const std::string& path, const FileStamp& stamp, const std::string& hash,
                  const CompressedSizes& sizes);

    // Writes the entries whose file still exists (at most max_entries, the ones measured last
    // first); false when the file could not be written (the measurement stands without it).
    bool save() const;

    std::size_t size() const { return m_entries.size(); }
    bool ignored_file() const { return m_ignored_file; } // load() found a file it could not use

    static constexpr std::size_t max_entries = 200000;

  private:
    struct Entry {
        FileStamp stamp;
        std::string hash;
        CompressedSizes sizes;
        std::uint64_t order = 0; // when it was remembered: newer entries are kept first
    };

    std::filesystem::path m_file;
    std::map<std::string, Entry> m_entries; // by path
    std::map<std::pair<std::string, std::int64_t>, CompressedSizes> m_by_content;
    std::uint64_t m_next_order = 0;
    bool m_ignored_file = false;
};

} // namespace farm::measure
