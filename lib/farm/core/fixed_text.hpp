// A number written with a fixed count of decimals ("%.*f": 12.35), the one way farm's views and
// advice print such figures; whole at any magnitude (never cut to a buffer's size).
#pragma once

#include <cstdio>
#include <string>

namespace farm::core {

inline std::string fixed(double value, int decimals) {
    int size = std::snprintf(nullptr, 0, "%.*f", decimals, value);
    std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
    std::snprintf(text.data(), text.size() + 1, "%.*f", decimals, value);
    return text;
}

} // namespace farm::core
