#include "farm/measure/output_size.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fs = std::filesystem;
using namespace farm::measure;
using farm::core::Compression;

namespace {

fs::path fresh(const std::string& name) {
    return farm::test::fresh_folder("output_size", name);
}

void write(const fs::path& file, const std::string& text) {
    farm::test::write_file(file, text);
}

std::string repetitive(std::size_t size) {
    std::string text;
    while (text.size() < size) {
        text += "export const greeting = 'hello world';\n";
    }
    text.resize(size);
    return text;
}

std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes) {
        c = char(random() & 0xFF);
    }
    return bytes;
}

} // namespace

TEST_CASE("measure::gzip_size and brotli_size") {
    SUBCASE("empty input still has a container") {
        CHECK(gzip_size("") == 20); // 10-byte gzip header, an empty block, 8-byte trailer
        CHECK(brotli_size("") >= 1);
        CHECK(brotli_size("") < 10);
    }
    SUBCASE("compressible data shrinks a lot") {
        std::string text = repetitive(200'000);
        std::int64_t gz = gzip_size(text);
        std::int64_t br = brotli_size(text);
        CHECK(gz > 20);
        CHECK(gz < std::int64_t(text.size() / 50));
        CHECK(br > 0);
        CHECK(br < std::int64_t(text.size() / 50));
        CHECK(br <= gz); // brotli 11 beats gzip 9 on text like this
    }
    SUBCASE("random data does not shrink") {
        // Larger than gzip_size's 64 KiB output buffer, so that it takes several rounds.
        std::string bytes = random_bytes(300'000, 11);
        std::int64_t gz = gzip_size(bytes);
        std::int64_t br = brotli_size(bytes);
        CHECK(gz >= std::int64_t(bytes.size()));
        CHECK(gz < std::int64_t(bytes.size() + bytes.size() / 100 + 64));
        CHECK(br >= std::int64_t(bytes.size()));
        CHECK(br < std::int64_t(bytes.size() + bytes.size() / 100 + 64));
    }
    SUBCASE("the same input gives the same size") {
        std::string text = repetitive(5000) + random_bytes(5000, 2);
        CHECK(gzip_size(text) == gzip_size(text));
        CHECK(brotli_size(text) == brotli_size(text));
    }
}

TEST_CASE("measure::OutputSize") {
    OutputSize a{2, 1000, 400, 300};
    OutputSize b{1, 10, 30, 20};
    CHECK(a.in(Compression::none) == 1000);
    CHECK(a.in(Compression::gzip) == 400);
    CHECK(a.in(Compression::brotli) == 300);
    a += b;
    CHECK(a.files == 3);
    CHECK(a.bytes == 1010);
    CHECK(a.gzip_bytes == 430);
    CHECK(a.brotli_bytes == 320);
}

TEST_CASE("measure::measure_file") {
    fs::path dir = fresh("file");
    std::string text = repetitive(50'000);
    SUBCASE("a text file is compressed") {
        write(dir / "app.js", text);
        OutputSize s = measure_file(dir / "app.js");
        CHECK(s.files == 1);
        CHECK(s.bytes == 50'000);
        CHECK(s.gzip_bytes == gzip_size(text));
        CHECK(s.brotli_bytes == brotli_size(text));
        CHECK(s.gzip_bytes < s.bytes);
    }
    SUBCASE("an already compressed format counts its raw size everywhere") {
        for (const char* name : {"logo.png", "photo.JPG", "font.woff2", "bundle.js.gz"}) {
            INFO(name);
            write(dir / name, text); // compressible content: the extension decides
            OutputSize s = measure_file(dir / name);
            CHECK(s.files == 1);
            CHECK(s.bytes == 50'000);
            CHECK(s.gzip_bytes == 50'000);
            CHECK(s.brotli_bytes == 50'000);
        }
    }
    SUBCASE("an empty file") {
        write(dir / "empty.css", "");
        OutputSize s = measure_file(dir / "empty.css");
        CHECK(s.files == 1);
        CHECK(s.bytes == 0);
    }
    SUBCASE("a missing file throws") {
        CHECK_THROWS_AS(measure_file(dir / "nope.js"), farm::Error);
    }
}

TEST_CASE("measure::measure_folders") {
    fs::path dir = fresh("folders");
    write(dir / "web" / "dist" / "index.js", repetitive(10'000));
    write(dir / "web" / "dist" / "assets" / "chunks" / "a.js", repetitive(3'000));
    write(dir / "web" / "dist" / "assets" / "logo.png", random_bytes(2'000, 5));
    write(dir / "ui" / "dist" / "ui.css", repetitive(700));
    fs::create_directories(dir / "web" / "dist" / "empty-folder");

    OutputSize expected;
    for (const char* file : {"web/dist/index.js", "web/dist/assets/chunks/a.js",
                             "web/dist/assets/logo.png", "ui/dist/ui.css"}) {
        expected += measure_file(dir / file);
    }

    OutputSize s = measure_folders({dir / "web" / "dist", dir / "ui" / "dist"});
    CHECK(s.files == 4);
    CHECK(s.bytes == 10'000 + 3'000 + 2'000 + 700);
    CHECK(s.gzip_bytes == expected.gzip_bytes);
    CHECK(s.brotli_bytes == expected.brotli_bytes);

    SUBCASE("a missing folder counts as empty") {
        OutputSize with_missing =
            measure_folders({dir / "web" / "dist", dir / "nope", dir / "ui" / "dist"});
        CHECK(with_missing.files == 4);
        CHECK(with_missing.bytes == s.bytes);
        OutputSize none = measure_folders({dir / "nope"});
        CHECK(none.files == 0);
        CHECK(none.bytes == 0);
        CHECK(none.gzip_bytes == 0);
        CHECK(none.brotli_bytes == 0);
        CHECK(measure_folders({}).files == 0);
    }
}

TEST_CASE("measure::measure_folders leaves source maps out and counts them apart") {
    fs::path dir = fresh("source_maps");
    write(dir / "dist" / "app.js", repetitive(4'000));
    write(dir / "dist" / "app.js.map", repetitive(9'000));
    write(dir / "dist" / "css" / "site.css.MAP", repetitive(1'000));
    write(dir / "dist" / "css" / "site.css", repetitive(500));

    OutputSize s = measure_folders({dir / "dist"});
    OutputSize js = measure_file(dir / "dist" / "app.js");
    OutputSize css = measure_file(dir / "dist" / "css" / "site.css");
    CHECK(s.files == 2);
    CHECK(s.bytes == 4'500);
    CHECK(s.gzip_bytes == js.gzip_bytes + css.gzip_bytes);
    CHECK(s.brotli_bytes == js.brotli_bytes + css.brotli_bytes);
    CHECK(s.source_map_files == 2);
    CHECK(s.source_map_bytes == 10'000);
    CHECK(is_source_map("a/b.js.map"));
    CHECK_FALSE(is_source_map("a/map.js"));

    SUBCASE("measure_files keeps the given order, on as many threads as there are") {
        std::vector<fs::path> files = files_under({dir / "dist"});
        REQUIRE(files.size() == 4);
        std::vector<OutputSize> sizes = measure_files(files);
        for (std::size_t i = 0; i < files.size(); ++i) {
            CAPTURE(files[i]);
            if (is_source_map(files[i])) {
                CHECK(sizes[i].files == 0);
                CHECK(sizes[i].source_map_bytes == std::int64_t(fs::file_size(files[i])));
            } else {
                CHECK(sizes[i].brotli_bytes == measure_file(files[i]).brotli_bytes);
            }
        }
    }
}
