#include "farm/core/glob.hpp"

#include <vector>

namespace farm::core {

namespace {

std::vector<std::string_view> split_segments(std::string_view text) {
    std::vector<std::string_view> segments;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t slash = text.find('/', start);
        if (slash == std::string_view::npos) {
            slash = text.size();
        }
        if (slash > start) {
            segments.push_back(text.substr(start, slash - start));
        }
        start = slash + 1;
    }
    return segments;
}

// Matches one segment against one pattern segment (no slashes in either).
bool segment_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0;
    std::size_t star = std::string_view::npos, star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '[') {
            std::size_t close = pattern.find(']', p + 1);
            if (close != std::string_view::npos) {
                bool negate = p + 1 < close && (pattern[p + 1] == '!' || pattern[p + 1] == '^');
                bool found = false;
                for (std::size_t i = p + 1 + (negate ? 1 : 0); i < close; ++i) {
                    if (i + 2 < close && pattern[i + 1] == '-') {
                        found = found || (text[t] >= pattern[i] && text[t] <= pattern[i + 2]);
                        i += 2;
                    } else {
                        found = found || text[t] == pattern[i];
                    }
                }
                if (found != negate) {
                    p = close + 1;
                    ++t;
                    continue;
                }
            } else if (text[t] == '[') {
                ++p;
                ++t;
                continue;
            }
        } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t]) &&
                   pattern[p] != '*') {
            ++p;
            ++t;
            continue;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
            continue;
        }
        if (star == std::string_view::npos) {
            return false;
        }
        p = star + 1;
        t = ++star_text;
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

bool segments_match(const std::vector<std::string_view>& pattern, std::size_t p,
                    const std::vector<std::string_view>& path, std::size_t t) {
    while (p < pattern.size()) {
        if (pattern[p] == "**") {
            // `**` takes zero or more whole segments.
            for (std::size_t skip = t; skip <= path.size(); ++skip) {
                if (segments_match(pattern, p + 1, path, skip)) {
                    return true;
                }
            }
            return false;
        }
        if (t >= path.size() || !segment_match(pattern[p], path[t])) {
            return false;
        }
        ++p;
        ++t;
    }
    return t == path.size();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
    if (pattern.starts_with("./")) {
        pattern.remove_prefix(2);
    }
    if (path.starts_with("./")) {
        path.remove_prefix(2);
    }
    return segments_match(split_segments(pattern), 0, split_segments(path), 0);
}

std::string_view glob_base(std::string_view pattern) {
    if (pattern.starts_with("./")) {
        pattern.remove_prefix(2);
    }
    std::size_t wildcard = pattern.find_first_of("*?[");
    if (wildcard == std::string_view::npos) {
        return pattern;
    }
    std::size_t slash = pattern.rfind('/', wildcard);
    return slash == std::string_view::npos ? std::string_view() : pattern.substr(0, slash);
}

} // namespace farm::core
