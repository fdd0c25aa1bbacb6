// Shared by the fuzz targets: cuts the fuzzer's input into pieces of pseudo-random sizes (seeded
// by the input itself, so that a crash replays exactly), the way a network delivers a stream.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace farm::fuzz {

inline std::vector<std::string_view> cut_in_pieces(std::string_view bytes) {
    std::uint32_t state = 2166136261u;
    for (char c : bytes.substr(0, 16)) {
        state = (state ^ static_cast<unsigned char>(c)) * 16777619u;
    }
    state ^= static_cast<std::uint32_t>(bytes.size());
    std::vector<std::string_view> pieces;
    while (!bytes.empty()) {
        state = state * 1103515245u + 12345u;
        std::size_t size = std::min<std::size_t>((state >> 16) % 24, bytes.size());
        pieces.push_back(bytes.substr(0, size)); // 0: an empty piece, which is allowed
        bytes.remove_prefix(size);
    }
    return pieces;
}

// A difference between the whole and the cut input is a bug the fuzzer must report.
inline void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

} // namespace farm::fuzz
