// The recorded inputs under tests/fixtures/ (real pnpm logs, .npmrc files, /proc files): their
// paths and their bytes, for the unit tests that parse them.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace farm::test {

// tests/fixtures/FOLDER/NAME.
inline std::string fixture_path(const std::string& folder, const std::string& name) {
    return std::string(FARM_TEST_FIXTURES) + "/" + folder + "/" + name;
}

// The bytes of tests/fixtures/FOLDER/NAME, unchanged (CRLF stays CRLF); a missing file fails the
// test case that asked for it.
inline std::string read_fixture(const std::string& folder, const std::string& name) {
    std::ifstream in(fixture_path(folder, name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing fixture " << folder << "/" << name);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace farm::test
