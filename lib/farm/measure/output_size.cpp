#include "farm/measure/output_size.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"

#include <algorithm>
#include <array>
#include <brotli/encode.h>
#include <cctype>
#include <zlib.h>

namespace farm::measure {

namespace fs = std::filesystem;

std::int64_t OutputSize::in(core::Compression compression) const {
    switch (compression) {
    case core::Compression::none:
        return bytes;
    case core::Compression::gzip:
        return gzip_bytes;
    case core::Compression::brotli:
        return brotli_bytes;
    }
    return bytes;
}

OutputSize& OutputSize::operator+=(const OutputSize& other) {
    files += other.files;
    bytes += other.bytes;
    gzip_bytes += other.gzip_bytes;
    brotli_bytes += other.brotli_bytes;
    return *this;
}

std::int64_t gzip_size(std::string_view data) {
    z_stream stream{};
    // 15 + 16: a gzip header and trailer, as `gzip -9` writes them.
    if (deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error("zlib could not start a gzip stream");
    }
    std::array<unsigned char, 64 * 1024> out;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = uInt(data.size());
    std::int64_t total = 0;
    int status = Z_OK;
    do {
        stream.next_out = out.data();
        stream.avail_out = uInt(out.size());
        status = deflate(&stream, Z_FINISH);
        total += std::int64_t(out.size() - stream.avail_out);
    } while (status == Z_OK || status == Z_BUF_ERROR);
    deflateEnd(&stream);
    return total;
}

std::int64_t brotli_size(std::string_view data) {
    std::size_t capacity = BrotliEncoderMaxCompressedSize(data.size());
    if (capacity == 0) {
        capacity = data.size() + 1024;
    }
    std::vector<std::uint8_t> out(capacity);
    std::size_t size = out.size();
    if (!BrotliEncoderCompress(BROTLI_MAX_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                               data.size(), reinterpret_cast<const std::uint8_t*>(data.data()),
                               &size, out.data())) {
        throw Error("brotli could not compress a file");
    }
    return std::int64_t(size);
}

namespace {

bool already_compressed(const fs::path& file) {
    static const std::array<std::string_view, 17> extensions = {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2",
        ".gz",  ".br",  ".zip",  ".mp4", ".webm", ".mp3",  ".ogg", ".zst"};
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

} // namespace

OutputSize measure_file(const fs::path& file) {
    std::string data = core::read_text_file(file);
    OutputSize size;
    size.files = 1;
    size.bytes = std::int64_t(data.size());
    if (already_compressed(file)) {
        size.gzip_bytes = size.brotli_bytes = size.bytes;
    } else {
        size.gzip_bytes = gzip_size(data);
        size.brotli_bytes = brotli_size(data);
    }
    return size;
}

OutputSize measure_folders(const std::vector<fs::path>& folders) {
    OutputSize total;
    for (const fs::path& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) {
            continue;
        }
        for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->is_regular_file(ec)) {
                total += measure_file(it->path());
            }
        }
    }
    return total;
}

} // namespace farm::measure
