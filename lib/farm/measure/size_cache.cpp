#include "farm/measure/size_cache.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/json_depth.hpp"

#include <algorithm>
#include <sys/stat.h>
#include <vector>

namespace farm::measure {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* schema = "farm.size-cache/1";
// The sizes depend on these settings (output_size.cpp): a cache made with others is not used.
constexpr const char* settings = "gzip-9 brotli-11-w22";

// A compressed size can exceed the raw one by a header and a few blocks, never by more.
bool plausible(std::int64_t compressed, std::int64_t raw) {
    return compressed >= 0 && compressed <= raw + 1024;
}

bool is_count(const json& value) {
    return value.is_number_integer() && value.get<std::int64_t>() >= 0;
}

} // namespace

std::optional<FileStamp> stamp_of(const fs::path& file) {
    struct stat info;
    if (::stat(file.c_str(), &info) != 0) {
        return std::nullopt;
    }
    FileStamp stamp;
    stamp.size = std::int64_t(info.st_size);
    stamp.mtime_ns = std::int64_t(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
    return stamp;
}

SizeCache::SizeCache(fs::path file) : m_file(std::move(file)) {}

SizeCache SizeCache::load(const fs::path& file) {
    SizeCache cache(file);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        return cache;
    }
    json doc;
    try {
        doc = core::parse_json_or_discarded(core::read_text_file(file));
    } catch (const Error&) {
        cache.m_ignored_file = true;
        return cache;
    }
    if (!doc.is_object() || doc.value("schema", json()) != schema ||
        doc.value("settings", json()) != settings || !doc.contains("entries") ||
        !doc["entries"].is_array()) {
        cache.m_ignored_file = true;
        return cache;
    }
    const json& entries = doc["entries"];
    // The file lists the newest entries first.
    std::uint64_t order = entries.size();
    for (const json& e : entries) {
        --order;
        if (!e.is_object() || !e.contains("path") || !e["path"].is_string() ||
            !e.contains("hash") || !e["hash"].is_string()) {
            continue;
        }
        bool counts = true;
        for (const char* key : {"size", "mtime_ns", "gzip", "brotli"}) {
            counts = counts && e.contains(key) && is_count(e[key]);
        }
        if (!counts) {
            continue;
        }
        Entry entry;
        entry.stamp = {e["size"].get<std::int64_t>(), e["mtime_ns"].get<std::int64_t>()};
        entry.hash = e["hash"].get<std::string>();
        entry.sizes = {e["gzip"].get<std::int64_t>(), e["brotli"].get<std::int64_t>()};
        if (!plausible(entry.sizes.gzip_bytes, entry.stamp.size) ||
            !plausible(entry.sizes.brotli_bytes, entry.stamp.size)) {
            continue;
        }
        entry.order = order;
        // The first (newest) entry of a path or a content wins.
        cache.m_by_content.emplace(std::make_pair(entry.hash, entry.stamp.size), entry.sizes);
        cache.m_entries.emplace(e["path"].get<std::string>(), std::move(entry));
    }
    cache.m_next_order = entries.size();
    return cache;
}

std::optional<CompressedSizes> SizeCache::find(const std::string& path,
                                               const FileStamp& stamp) const {
    auto it = m_entries.find(path);
    if (it == m_entries.end() || it->second.stamp.size != stamp.size ||
        it->second.stamp.mtime_ns != stamp.mtime_ns) {
        return std::nullopt;
    }
    return it->second.sizes;
}

std::optional<CompressedSizes> SizeCache::find_content(const std::string& hash,
                                                       std::int64_t size) const {
    auto it = m_by_content.find({hash, size});
    if (it == m_by_content.end()) {
        return std::nullopt;
    }
    return it->second;
}

void SizeCache::remember(const std::string& path, const FileStamp& stamp, const std::string& hash,
                         const CompressedSizes& sizes) {
    Entry entry{stamp, hash, sizes, m_next_order++};
    m_by_content[{hash, stamp.size}] = sizes;
    m_entries[path] = std::move(entry);
}

bool SizeCache::save() const {
    if (m_file.empty()) {
        return false;
    }
    std::vector<std::pair<const std::string*, const Entry*>> kept;
    for (const auto& [path, entry] : m_entries) {
        std::error_code ec;
        if (fs::exists(path, ec)) {
            kept.push_back({&path, &entry});
        }
    }
    std::sort(kept.begin(), kept.end(),
              [](const auto& a, const auto& b) { return a.second->order > b.second->order; });
    if (kept.size() > max_entries) {
        kept.resize(max_entries);
    }
    json entries = json::array();
    for (const auto& [path, entry] : kept) {
        entries.push_back({{"path", *path},
                           {"size", entry->stamp.size},
                           {"mtime_ns", entry->stamp.mtime_ns},
                           {"hash", entry->hash},
                           {"gzip", entry->sizes.gzip_bytes},
                           {"brotli", entry->sizes.brotli_bytes}});
    }
    json doc = {{"schema", schema}, {"settings", settings}, {"entries", std::move(entries)}};
    try {
        std::error_code ec;
        fs::create_directories(m_file.parent_path(), ec);
        core::write_file_atomically(m_file, doc.dump());
        return true;
    } catch (const Error&) {
        return false;
    }
}

} // namespace farm::measure
