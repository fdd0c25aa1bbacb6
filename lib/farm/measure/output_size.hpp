// What a build produced: number of files, raw bytes, and bytes after gzip (level 9) and brotli
// (quality 11, window 22) — the settings size-limit and the usual web servers use, so the numbers
// mean what a browser downloads. Files already compressed by their format (images, fonts, video,
// archives) count with their raw size in every column, as servers send them as they are.
#pragma once

#include "farm/core/config.hpp"

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

    std::int64_t in(core::Compression compression) const;
    OutputSize& operator+=(const OutputSize& other);
};

std::int64_t gzip_size(std::string_view data);
std::int64_t brotli_size(std::string_view data);

// One file. Throws farm::Error when it cannot be read.
OutputSize measure_file(const std::filesystem::path& file);

// Every regular file under the folders (recursively; missing folders count as empty).
OutputSize measure_folders(const std::vector<std::filesystem::path>& folders);

} // namespace farm::measure
