// What a build produced: number of files, raw bytes, and bytes after gzip (level 9) and brotli
// (quality 11, window 22) — the settings size-limit and the usual web servers use, so the numbers
// mean what a browser downloads. Files already compressed by their format (images, fonts, video,
// archives) count with their raw size in every column, as servers send them as they are.
//
// Source maps (*.map) are not downloaded by browsers (only by open developer tools): a folder's
// totals leave them out and count them on their own (files and raw bytes, never compressed).
// Files are compressed on several threads, and a SizeCache spares the files measured before.
#pragma once

#include "farm/core/config.hpp"
#include "farm/measure/size_cache.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace farm::measure {

struct OutputSize {
    std::size_t files = 0;
    std::int64_t bytes = 0;
    std::int64_t gzip_bytes = 0;
    std::int64_t brotli_bytes = 0;
    std::size_t source_map_files = 0; // left out of the four numbers above
    std::int64_t source_map_bytes = 0;

    std::int64_t in(core::Compression compression) const;
    OutputSize& operator+=(const OutputSize& other);
};

std::int64_t gzip_size(std::string_view data);
std::int64_t brotli_size(std::string_view data);

// One file. Throws farm::Error when it cannot be read.
OutputSize measure_file(const std::filesystem::path& file);

bool is_source_map(const std::filesystem::path& file);

// Every regular file under the folders (recursively; missing folders count as empty), sorted.
std::vector<std::filesystem::path> files_under(const std::vector<std::filesystem::path>& folders);

// Each file's size, in the order given (a source map as such: see above), compressed on up to
// one thread per core. Sizes found in `cache` are not compressed again; new ones are added to
// it. Throws farm::Error when a file cannot be read.
std::vector<OutputSize> measure_files(const std::vector<std::filesystem::path>& files,
                                      SizeCache* cache = nullptr);

// The total of every file under the folders (files_under, measure_files).
OutputSize measure_folders(const std::vector<std::filesystem::path>& folders,
                           SizeCache* cache = nullptr);

} // namespace farm::measure
