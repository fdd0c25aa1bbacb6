#include "farm/measure/output_size.hpp"
#include "farm/measure/size_cache.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace farm::measure;

namespace {

std::string script(std::size_t size, char salt) {
    std::string text;
    while (text.size() < size) {
        text += std::string("export const v") + salt + " = 'a cached chunk of JavaScript';\n";
    }
    text.resize(size);
    return text;
}

// Moves the file's modification time by `seconds`, as a rebuild that wrote it again would.
void touch_later(const fs::path& file, int seconds) {
    fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(seconds));
}

} // namespace

TEST_CASE("measure::SizeCache") {
    fs::path dir = farm::test::fresh_folder("size_cache", "cache");
    fs::path cache_file = dir / "db" / "size-cache.json";
    fs::path app = dir / "out" / "app.js";
    farm::test::write_file(app, script(20'000, 'a'));
    OutputSize truth = measure_file(app);

    SizeCache first = SizeCache::load(cache_file);
    CHECK(first.size() == 0);
    CHECK_FALSE(first.ignored_file());
    REQUIRE(measure_files({app}, &first).front().brotli_bytes == truth.brotli_bytes);
    REQUIRE(first.save());

    SUBCASE("a hit by path, size and mtime: the cached numbers, not compressed again") {
        // Plant numbers no compressor would give, so that a hit is seen in the result.
        SizeCache planted = SizeCache::load(cache_file);
        REQUIRE(planted.size() == 1);
        FileStamp stamp = *stamp_of(app);
        planted.remember(app.string(), stamp, "0000000000000000", {111, 99});
        OutputSize s = measure_files({app}, &planted).front();
        CHECK(s.bytes == 20'000);
        CHECK(s.gzip_bytes == 111);
        CHECK(s.brotli_bytes == 99);
    }
    SUBCASE("a changed mtime with other content: measured again") {
        SizeCache planted = SizeCache::load(cache_file);
        planted.remember(app.string(), *stamp_of(app), "0000000000000000", {111, 99});
        farm::test::write_file(app, script(20'000, 'b'));
        touch_later(app, 5);
        OutputSize s = measure_files({app}, &planted).front();
        CHECK(s.brotli_bytes == measure_file(app).brotli_bytes);
        CHECK(s.brotli_bytes != 99);
    }
    SUBCASE("a changed mtime with the same content: found by content") {
        SizeCache cache = SizeCache::load(cache_file);
        touch_later(app, 5);
        REQUIRE_FALSE(cache.find(app.string(), *stamp_of(app)));
        OutputSize s = measure_files({app}, &cache).front();
        CHECK(s.brotli_bytes == truth.brotli_bytes);
        CHECK(cache.find(app.string(), *stamp_of(app)).has_value()); // the new stamp, remembered
    }
    SUBCASE("the file round-trips") {
        SizeCache again = SizeCache::load(cache_file);
        std::optional<CompressedSizes> hit = again.find(app.string(), *stamp_of(app));
        REQUIRE(hit);
        CHECK(hit->gzip_bytes == truth.gzip_bytes);
        CHECK(hit->brotli_bytes == truth.brotli_bytes);
    }
    SUBCASE("entries of files that are gone are not written again") {
        fs::remove(app);
        REQUIRE(SizeCache::load(cache_file).save());
        CHECK(SizeCache::load(cache_file).size() == 0);
    }
}

TEST_CASE("measure::SizeCache ignores a corrupt file") {
    fs::path dir = farm::test::fresh_folder("size_cache", "corrupt");
    fs::path cache_file = dir / "size-cache.json";
    fs::path app = dir / "app.js";
    farm::test::write_file(app, script(5'000, 'c'));
    OutputSize truth = measure_file(app);
    FileStamp stamp = *stamp_of(app);
    std::string entry = "{\"path\": \"" + app.string() +
                        "\", \"size\": " + std::to_string(stamp.size) +
                        ", \"mtime_ns\": " + std::to_string(stamp.mtime_ns) + ", \"hash\": \"x\", ";
    std::string head = R"({"schema": "farm.size-cache/1", "settings": "gzip-9 brotli-11-w22", )";

    for (const std::string& text :
         {std::string("{\"schema\": \"farm.size-cache/1\", \"entr"),
          std::string("\x00\xff garbage", 10),
          std::string(
              "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
              "[["
              "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
              "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
              "["),
          std::string(R"({"schema": "farm.size-cache/1", "settings": "gzip-1", "entries": []})"),
          std::string(R"({"schema": 7, "entries": {}})")}) {
        CAPTURE(text);
        farm::test::write_file(cache_file, text);
        SizeCache cache = SizeCache::load(cache_file);
        CHECK(cache.ignored_file());
        CHECK(cache.size() == 0);
        CHECK(measure_files({app}, &cache).front().brotli_bytes == truth.brotli_bytes);
    }

    SUBCASE("bad entries are skipped alone: wrong types, negative or impossible sizes") {
        for (const std::string& bad : {std::string("\"gzip\": \"12\", \"brotli\": 10}"),
                                       std::string("\"gzip\": -1, \"brotli\": 10}"),
                                       std::string("\"gzip\": 10, \"brotli\": 99999999}"),
                                       std::string("\"gzip\": 10.5, \"brotli\": 9}")}) {
            CAPTURE(bad);
            farm::test::write_file(cache_file, head + "\"entries\": [42, " + entry + bad + "]}");
            SizeCache cache = SizeCache::load(cache_file);
            CHECK_FALSE(cache.ignored_file());
            CHECK(cache.size() == 0);
            CHECK(measure_files({app}, &cache).front().brotli_bytes == truth.brotli_bytes);
        }
        farm::test::write_file(cache_file, head + "\"entries\": [42, " + entry +
                                               "\"gzip\": 10, \"brotli\": 9}]}");
        SizeCache sound = SizeCache::load(cache_file);
        CHECK(sound.size() == 1);
        CHECK(measure_files({app}, &sound).front().brotli_bytes == 9);
    }
    SUBCASE("a cache that cannot be written: save says so, nothing throws") {
        fs::create_directories(dir / "blocked");
        SizeCache cache(dir / "blocked");
        measure_files({app}, &cache);
        CHECK_FALSE(cache.save());
    }
}
