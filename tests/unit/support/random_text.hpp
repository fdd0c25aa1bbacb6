// Random texts made of given pieces, for the tests that compare a hand-written scanner with the
// regular expression it replaced: a seeded generator, so that a failure replays exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace farm::test {

// 1 to max_pieces pieces drawn from `pieces`; `state` advances.
inline std::string random_text(std::uint64_t& state, const std::vector<std::string>& pieces,
                               std::size_t max_pieces = 14) {
    auto next = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(state >> 33);
    };
    std::string text;
    std::size_t count = 1 + next() % max_pieces;
    for (std::size_t i = 0; i < count; ++i) {
        text += pieces[next() % pieces.size()];
    }
    return text;
}

} // namespace farm::test
