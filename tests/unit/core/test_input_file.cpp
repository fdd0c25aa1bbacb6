#include "farm/core/input_file.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <sys/stat.h>

namespace fs = std::filesystem;
using namespace farm::core;

namespace {

std::string error_of(const fs::path& path, std::uintmax_t limit = max_input_file_bytes) {
    try {
        read_input_file(path, "prompts file", limit);
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL_CHECK("read_input_file did not throw farm::UsageError");
    return {};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("core::read_input_file reads a regular file whole") {
    fs::path dir = farm::test::fresh_folder("input_file", "regular");
    farm::test::write_file(dir / "a.txt", std::string("one\0two\n", 8));
    CHECK(read_input_file(dir / "a.txt", "prompts file") == std::string("one\0two\n", 8));
    farm::test::write_file(dir / "empty.txt", "");
    CHECK(read_input_file(dir / "empty.txt", "prompts file").empty());
    // Exactly at the limit is allowed.
    farm::test::write_file(dir / "ten.txt", "0123456789");
    CHECK(read_input_file(dir / "ten.txt", "prompts file", 10) == "0123456789");
}

TEST_CASE("core::read_input_file refuses what is not a regular file, at once") {
    fs::path dir = farm::test::fresh_folder("input_file", "kinds");
    std::string message = error_of(dir);
    CHECK(message == dir.string() + ": prompts file is a directory, not a regular file");

    // A FIFO with no writer: a blocking open would wait forever.
    fs::path fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(error_of(fifo) ==
          fifo.string() + ": prompts file is a FIFO (named pipe), not a regular file");

    CHECK(contains(error_of("/dev/zero"), "/dev/zero: prompts file is a character device"));
    CHECK(contains(error_of(dir / "missing"), "cannot be read: No such file or directory"));
}

TEST_CASE("core::read_input_file refuses a file past its limit with the sizes") {
    fs::path dir = farm::test::fresh_folder("input_file", "limit");
    farm::test::write_file(dir / "big.txt", std::string(2048, 'x'));
    CHECK(error_of(dir / "big.txt", 1024) ==
          (dir / "big.txt").string() +
              ": prompts file is 2048 bytes (2 KiB), more than the 1 KiB farm reads (is it the "
              "right file?)");
    CHECK(max_input_file_bytes == 64u * 1024 * 1024);
    CHECK(describe_bytes(max_input_file_bytes) == "64 MiB");
    CHECK(describe_bytes(70u * 1024 * 1024 + 512 * 1024) == "70.5 MiB");
    CHECK(describe_bytes(12) == "12 bytes");
}

TEST_CASE("core::read_text_file has no size limit but refuses a FIFO") {
    fs::path dir = farm::test::fresh_folder("input_file", "text");
    fs::path fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_AS(read_text_file(fifo), farm::UsageError);
    farm::test::write_file(dir / "a", "x");
    CHECK(read_text_file(dir / "a") == "x");
}
