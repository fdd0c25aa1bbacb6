#include "farm/core/atomic_file.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using farm::core::AtomicFileWriter;

namespace {

std::string content_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::size_t entries_in(const fs::path& folder) {
    std::size_t n = 0;
    for ([[maybe_unused]] const fs::directory_entry& e : fs::directory_iterator(folder)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("core::AtomicFileWriter") {
    fs::path folder = farm::test::fresh_folder("atomic_file", "writer");
    fs::path target = folder / "requests.csv";

    SUBCASE("the file appears whole, only at commit") {
        AtomicFileWriter writer(target);
        writer.append("a,b\n");
        for (int i = 0; i < 1000; ++i) {
            writer.append(std::to_string(i) + ",x\n");
        }
        CHECK_FALSE(fs::exists(target));
        writer.commit();
        std::string text = content_of(target);
        CHECK(text.starts_with("a,b\n0,x\n"));
        CHECK(text.ends_with("999,x\n"));
        CHECK(entries_in(folder) == 1); // no temporary file left
        CHECK_THROWS_AS(writer.append("late"), farm::UsageError);
    }
    SUBCASE("dropped before commit: the old file stays, the temporary goes") {
        farm::core::write_file_atomically(target, "old\n");
        {
            AtomicFileWriter writer(target);
            writer.append("new, unfinished");
        }
        CHECK(content_of(target) == "old\n");
        CHECK(entries_in(folder) == 1);
    }
    SUBCASE("a folder that does not exist is said at once") {
        CHECK_THROWS_AS(AtomicFileWriter(folder / "missing" / "x.csv"), farm::UsageError);
    }
}
