// A pnpm version named in a test ("10.6.0"), as farm parses it; a text that does not parse stops
// the test case that named it. Shared by the unit tests of pnpm's settings and their files.
#pragma once

#include "farm/pnpm/toolchain.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

namespace farm::test {

inline farm::pnpm::Version version(const std::string& text) {
    std::optional<farm::pnpm::Version> parsed = farm::pnpm::parse_version(text);
    REQUIRE_MESSAGE(parsed.has_value(), "not a version: " << text);
    return *parsed;
}

} // namespace farm::test
