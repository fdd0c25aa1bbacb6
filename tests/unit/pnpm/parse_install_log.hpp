// Feeding pnpm's ndjson log to an InstallLogParser in the unit tests: whole, one byte at a time or
// in random pieces (a pipe hands over any cut), and checking that two results agree field by
// field.
#pragma once

#include "farm/pnpm/install_log.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <string_view>

namespace farm::test::install_log {

using pnpm::InstallLogParser;
using pnpm::InstallStats;

inline InstallStats parse_whole(std::string_view bytes) {
    InstallLogParser parser;
    parser.feed(bytes);
    parser.finish();
    return parser.stats();
}

inline InstallStats parse_bytewise(std::string_view bytes) {
    InstallLogParser parser;
    for (char c : bytes) {
        parser.feed(std::string_view(&c, 1));
    }
    parser.finish();
    return parser.stats();
}

inline InstallStats parse_random_pieces(std::string_view bytes, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> piece(0, 300); // 0: an empty feed is fine too
    InstallLogParser parser;
    while (!bytes.empty()) {
        std::size_t n = std::min(piece(random), bytes.size());
        parser.feed(bytes.substr(0, n));
        bytes.remove_prefix(n);
    }
    parser.finish();
    return parser.stats();
}

inline void check_same(const InstallStats& a, const InstallStats& b) {
    CHECK(a.resolved == b.resolved);
    CHECK(a.downloaded == b.downloaded);
    CHECK(a.reused == b.reused);
    CHECK(a.added == b.added);
    CHECK(a.bytes_downloaded == b.bytes_downloaded);
    CHECK(a.downloads_of_unknown_size == b.downloads_of_unknown_size);
    CHECK(a.import_method == b.import_method);
    CHECK(a.store_dir == b.store_dir);
    CHECK(a.resolution_s == b.resolution_s);
    CHECK(a.importing_s == b.importing_s);
    CHECK(a.execution_s == b.execution_s);
    CHECK(a.stats_added == b.stats_added);
    CHECK(a.stats_removed == b.stats_removed);
    CHECK(a.error_message == b.error_message);
    CHECK(a.lines == b.lines);
    CHECK(a.non_json_lines == b.non_json_lines);
    CHECK(a.store_hit_rate() == b.store_hit_rate());
}

} // namespace farm::test::install_log
