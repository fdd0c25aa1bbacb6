// Ways to cut a recorded stream into the pieces a network might deliver, so that tests can check
// that a parser gives the same result however its input is cut, and reading the recordings in
// tests/fixtures/ai/.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace farm::test {

inline std::string ai_fixture(const std::string& name) {
    std::ifstream in(std::string(FARM_TEST_FIXTURES) + "/ai/" + name, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

using Cut = std::vector<std::string_view>;

// Random piece sizes from a fixed seed; 0 (an empty piece) included, since a transport may
// hand over nothing.
inline Cut random_cut(std::string_view bytes, unsigned seed, std::size_t max_piece = 40) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> size(0, max_piece);
    Cut cut;
    while (!bytes.empty()) {
        std::size_t n = std::min(size(random), bytes.size());
        cut.push_back(bytes.substr(0, n));
        bytes.remove_prefix(n);
    }
    return cut;
}

// Whole, one byte at a time, and eight random cuts.
inline std::vector<Cut> usual_cuts(std::string_view bytes) {
    std::vector<Cut> cuts;
    cuts.push_back(Cut{bytes});
    Cut bytewise;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytewise.push_back(bytes.substr(i, 1));
    }
    cuts.push_back(bytewise);
    for (unsigned seed = 1; seed <= 8; ++seed) {
        cuts.push_back(random_cut(bytes, seed, seed * 13));
    }
    return cuts;
}

// Every way to cut in two and in three pieces: for short inputs, every position of a split.
inline std::vector<Cut> all_cuts_in_two_and_three(std::string_view bytes) {
    std::vector<Cut> cuts;
    for (std::size_t i = 0; i <= bytes.size(); ++i) {
        cuts.push_back(Cut{bytes.substr(0, i), bytes.substr(i)});
        for (std::size_t j = i; j <= bytes.size(); ++j) {
            cuts.push_back(Cut{bytes.substr(0, i), bytes.substr(i, j - i), bytes.substr(j)});
        }
    }
    return cuts;
}

// Feeds a stream parser (feed(piece, out) and finish(out)) the pieces of `cut` and returns what
// it gave.
template <typename Parser, typename Item>
std::vector<Item> parse_pieces(const Cut& cut) {
    Parser parser;
    std::vector<Item> items;
    for (std::string_view piece : cut) {
        parser.feed(piece, items);
    }
    parser.finish(items);
    return items;
}

} // namespace farm::test
