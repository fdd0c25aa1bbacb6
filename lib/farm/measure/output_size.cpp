#include "farm/measure/output_size.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/cpu_budget.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <brotli/encode.h>
#include <cctype>
#include <exception>
#include <thread>
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
    source_map_files += other.source_map_files;
    source_map_bytes += other.source_map_bytes;
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

std::string lower_extension(const fs::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

bool already_compressed(const fs::path& file) {
    static const std::array<std::string_view, 17> extensions = {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2",
        ".gz",  ".br",  ".zip",  ".mp4", ".webm", ".mp3",  ".ogg", ".zst"};
    std::string ext = lower_extension(file);
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

OutputSize uncompressed(std::int64_t bytes) {
    OutputSize size;
    size.files = 1;
    size.bytes = size.gzip_bytes = size.brotli_bytes = bytes;
    return size;
}

OutputSize source_map(std::int64_t bytes) {
    OutputSize size;
    size.source_map_files = 1;
    size.source_map_bytes = bytes;
    return size;
}

// One file the cache did not answer by its stamp: read, hashed, and compressed unless the cache
// knows its content.
struct Pending {
    std::size_t index = 0;
    FileStamp stamp;
    std::string hash;
};

void measure_pending(const std::vector<fs::path>& files, Pending& p, const SizeCache* cache,
                     std::vector<OutputSize>& sizes) {
    std::string data = core::read_text_file(files[p.index]);
    p.stamp.size = std::int64_t(data.size());
    p.hash = core::fnv1a64_hex(data);
    OutputSize size = uncompressed(p.stamp.size);
    std::optional<CompressedSizes> known =
        cache ? cache->find_content(p.hash, p.stamp.size) : std::nullopt;
    if (known) {
        size.gzip_bytes = known->gzip_bytes;
        size.brotli_bytes = known->brotli_bytes;
    } else {
        size.gzip_bytes = gzip_size(data);
        size.brotli_bytes = brotli_size(data);
    }
    sizes[p.index] = size;
}

// Runs the pending files on up to one thread per usable CPU (exec/cpu_budget.hpp), the largest
// first so that no thread is left with a big file at the end. The cache is only read meanwhile.
void measure_in_parallel(const std::vector<fs::path>& files, std::vector<Pending>& pending,
                         const SizeCache* cache, std::vector<OutputSize>& sizes) {
    std::sort(pending.begin(), pending.end(),
              [](const Pending& a, const Pending& b) { return a.stamp.size > b.stamp.size; });
    std::size_t threads = exec::usable_cpus();
    threads = std::min({threads, pending.size(), std::size_t(16)});
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> errors(pending.size());
    auto work = [&] {
        for (std::size_t i = next++; i < pending.size(); i = next++) {
            try {
                measure_pending(files, pending[i], cache, sizes);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) {
        pool.emplace_back(work);
    }
    work();
    for (std::thread& t : pool) {
        t.join();
    }
    for (const std::exception_ptr& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
}

} // namespace

bool is_source_map(const fs::path& file) {
    return lower_extension(file) == ".map";
}

OutputSize measure_file(const fs::path& file) {
    std::string data = core::read_text_file(file);
    OutputSize size = uncompressed(std::int64_t(data.size()));
    if (!already_compressed(file)) {
        size.gzip_bytes = gzip_size(data);
        size.brotli_bytes = brotli_size(data);
    }
    return size;
}

std::vector<fs::path> files_under(const std::vector<fs::path>& folders) {
    std::vector<fs::path> files;
    for (const fs::path& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) {
            continue;
        }
        for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->is_regular_file(ec)) {
                files.push_back(it->path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<OutputSize> measure_files(const std::vector<fs::path>& files, SizeCache* cache) {
    std::vector<OutputSize> sizes(files.size());
    std::vector<Pending> pending;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::optional<FileStamp> stamp = stamp_of(files[i]);
        if (!stamp) {
            throw Error("cannot read " + files[i].string() + ": it is gone or not accessible");
        }
        if (is_source_map(files[i])) {
            sizes[i] = source_map(stamp->size);
        } else if (already_compressed(files[i])) {
            sizes[i] = uncompressed(stamp->size);
        } else if (std::optional<CompressedSizes> known =
                       cache ? cache->find(files[i].string(), *stamp) : std::nullopt) {
            sizes[i] = uncompressed(stamp->size);
            sizes[i].gzip_bytes = known->gzip_bytes;
            sizes[i].brotli_bytes = known->brotli_bytes;
        } else {
            pending.push_back({i, *stamp, {}});
        }
    }
    measure_in_parallel(files, pending, cache, sizes);
    if (cache) {
        for (const Pending& p : pending) {
            // The stamp of before the read: a file changed meanwhile is measured again next time.
            const OutputSize& s = sizes[p.index];
            cache->remember(files[p.index].string(), p.stamp, p.hash,
                            {s.gzip_bytes, s.brotli_bytes});
        }
    }
    return sizes;
}

OutputSize measure_folders(const std::vector<fs::path>& folders, SizeCache* cache) {
    OutputSize total;
    for (const OutputSize& size : measure_files(files_under(folders), cache)) {
        total += size;
    }
    return total;
}

} // namespace farm::measure
