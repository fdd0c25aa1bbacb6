#include "farm/report/screen_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace farm::report {

namespace {

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Length of the escape sequence at text[i] ("\033[" ... final letter), 0 when there is none.
std::size_t escape_length(const std::string& text, std::size_t i) {
    if (text[i] != '\033' || i + 1 >= text.size() || text[i + 1] != '[') {
        return 0;
    }
    std::size_t end = i + 2;
    while (end < text.size() && !std::isalpha(static_cast<unsigned char>(text[end]))) {
        ++end;
    }
    return end < text.size() ? end - i + 1 : text.size() - i;
}

double clamp_pct(double pct) {
    return std::isfinite(pct) ? std::clamp(pct, 0.0, 100.0) : 0.0;
}

const char* level_color(double pct) {
    return pct >= 85 ? "\033[31m" : pct >= 60 ? "\033[33m" : "\033[32m";
}

} // namespace

std::size_t visible_width(const std::string& text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t skip = escape_length(text, i)) {
            i += skip;
            continue;
        }
        width += is_continuation(text[i]) ? 0 : 1;
        ++i;
    }
    return width;
}

std::string fit(const std::string& text, std::size_t width) {
    if (visible_width(text) <= width) {
        return text;
    }
    if (width == 0) {
        return "";
    }
    std::string out;
    std::size_t columns = 0;
    bool escapes = false;
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t skip = escape_length(text, i)) {
            out += text.substr(i, skip);
            escapes = true;
            i += skip;
            continue;
        }
        if (!is_continuation(text[i])) {
            if (columns == width - 1) {
                break;
            }
            ++columns;
        }
        out += text[i++];
    }
    return out + "…" + (escapes ? "\033[0m" : "");
}

std::string pad_right(const std::string& text, std::size_t width) {
    std::string out = fit(text, width);
    return out + std::string(width - visible_width(out), ' ');
}

std::string pad_left(const std::string& text, std::size_t width) {
    std::string out = fit(text, width);
    return std::string(width - visible_width(out), ' ') + out;
}

std::string meter(double pct, std::size_t cells, bool color) {
    static const std::array<const char*, 8> partial = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    pct = clamp_pct(pct);
    double filled = pct / 100.0 * double(cells);
    std::size_t full = std::min(cells, std::size_t(filled));
    std::size_t eighths = full < cells ? std::size_t((filled - double(full)) * 8) : 0;
    std::string bar;
    for (std::size_t i = 0; i < full; ++i) {
        bar += "█";
    }
    bar += partial[eighths];
    std::size_t used = full + (eighths > 0 ? 1 : 0);
    std::string rest;
    for (std::size_t i = used; i < cells; ++i) {
        rest += "·";
    }
    if (!color) {
        return bar + rest;
    }
    return std::string(level_color(pct)) + bar + "\033[0m\033[2m" + rest + "\033[0m";
}

std::string vertical_bar(double pct) {
    static const std::array<const char*, 9> bars = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    pct = clamp_pct(pct);
    std::size_t level = std::size_t(std::ceil(pct / 100.0 * 8));
    return bars[std::min<std::size_t>(level, 8)];
}

std::vector<std::string> column_chart(const std::vector<double>& values, std::size_t rows) {
    static const std::array<const char*, 9> bars = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::vector<std::string> lines(rows);
    for (double value : values) {
        std::size_t eighths = std::size_t(std::ceil(clamp_pct(value) / 100.0 * double(rows * 8)));
        for (std::size_t row = 0; row < rows; ++row) {
            std::size_t floor = (rows - 1 - row) * 8; // eighths below this line
            std::size_t in_row = eighths > floor ? std::min<std::size_t>(eighths - floor, 8) : 0;
            lines[row] += bars[in_row];
        }
    }
    return lines;
}

} // namespace farm::report
