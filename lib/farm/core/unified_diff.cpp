#include "farm/core/unified_diff.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace farm::core {

namespace {

struct Line {
    std::string_view text; // without the '\n'
    bool newline = true;
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back({text.substr(start), false});
            break;
        }
        lines.push_back({text.substr(start, end - start), true});
        start = end + 1;
    }
    return lines;
}

bool same(const Line& a, const Line& b) {
    return a.text == b.text && a.newline == b.newline;
}

enum class Op { keep, remove, add };

struct Edit {
    Op op;
    std::size_t old_index; // for keep and remove
    std::size_t new_index; // for keep and add
};

// The edit script of a longest common subsequence, removals before additions within a change.
std::vector<Edit> edit_script(const std::vector<Line>& a, const std::vector<Line>& b) {
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && same(a[prefix], b[prefix])) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           same(a[a.size() - 1 - suffix], b[b.size() - 1 - suffix])) {
        ++suffix;
    }
    std::size_t n = a.size() - prefix - suffix;
    std::size_t m = b.size() - prefix - suffix;
    std::vector<Edit> edits;
    for (std::size_t i = 0; i < prefix; ++i) {
        edits.push_back({Op::keep, i, i});
    }
    constexpr std::size_t limit = 20000;
    if (n > limit || m > limit || n * m > limit * 200) {
        for (std::size_t i = 0; i < n; ++i) {
            edits.push_back({Op::remove, prefix + i, 0});
        }
        for (std::size_t j = 0; j < m; ++j) {
            edits.push_back({Op::add, 0, prefix + j});
        }
    } else {
        // lengths[i][j]: LCS of a[i..n) and b[j..m) within the middle part.
        std::vector<std::vector<std::size_t>> lengths(n + 1, std::vector<std::size_t>(m + 1, 0));
        for (std::size_t i = n; i-- > 0;) {
            for (std::size_t j = m; j-- > 0;) {
                lengths[i][j] = same(a[prefix + i], b[prefix + j])
                                    ? lengths[i + 1][j + 1] + 1
                                    : std::max(lengths[i + 1][j], lengths[i][j + 1]);
            }
        }
        std::size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && same(a[prefix + i], b[prefix + j])) {
                edits.push_back({Op::keep, prefix + i, prefix + j});
                ++i;
                ++j;
            } else if (j == m || (i < n && lengths[i + 1][j] >= lengths[i][j + 1])) {
                edits.push_back({Op::remove, prefix + i, 0});
                ++i;
            } else {
                edits.push_back({Op::add, 0, prefix + j});
                ++j;
            }
        }
    }
    for (std::size_t k = 0; k < suffix; ++k) {
        edits.push_back({Op::keep, a.size() - suffix + k, b.size() - suffix + k});
    }
    return edits;
}

std::string range(std::size_t start, std::size_t count) {
    // diff numbers lines from 1; an empty range names the line before it.
    std::string text = std::to_string(count == 0 ? start : start + 1);
    if (count != 1) {
        text += "," + std::to_string(count);
    }
    return text;
}

void append_line(std::string& out, char marker, const Line& line) {
    out += marker;
    out += line.text;
    out += '\n';
    if (!line.newline) {
        out += "\\ No newline at end of file\n";
    }
}

} // namespace

std::string unified_diff(std::string_view before, std::string_view after, std::string_view old_name,
                         std::string_view new_name, int context_lines) {
    if (before == after) {
        return {};
    }
    std::vector<Line> a = split_lines(before);
    std::vector<Line> b = split_lines(after);
    std::vector<Edit> edits = edit_script(a, b);
    std::size_t context = std::size_t(std::max(context_lines, 0));

    std::string out = "--- " + std::string(old_name) + "\n+++ " + std::string(new_name) + "\n";
    std::size_t k = 0;
    while (k < edits.size()) {
        // Find the next change, then grow the hunk while changes are within 2 * context.
        std::size_t first_change = k;
        while (first_change < edits.size() && edits[first_change].op == Op::keep) {
            ++first_change;
        }
        if (first_change == edits.size()) {
            break;
        }
        std::size_t begin = first_change - std::min(context, first_change - k);
        std::size_t end = first_change;
        std::size_t last_change = first_change;
        while (end < edits.size()) {
            if (edits[end].op != Op::keep) {
                last_change = end;
                ++end;
                continue;
            }
            std::size_t run = end;
            while (run < edits.size() && edits[run].op == Op::keep) {
                ++run;
            }
            if (run == edits.size() || run - end > 2 * context) {
                break;
            }
            end = run;
        }
        end = std::min(edits.size(), last_change + 1 + context);

        std::size_t old_start = 0, new_start = 0, old_count = 0, new_count = 0;
        bool old_set = false, new_set = false;
        // An empty side starts after the lines before the hunk.
        std::size_t old_before = 0, new_before = 0;
        for (std::size_t e = 0; e < begin; ++e) {
            old_before += edits[e].op != Op::add;
            new_before += edits[e].op != Op::remove;
        }
        std::string body;
        for (std::size_t e = begin; e < end; ++e) {
            const Edit& edit = edits[e];
            if (edit.op != Op::add) {
                if (!old_set) {
                    old_start = edit.old_index;
                    old_set = true;
                }
                ++old_count;
            }
            if (edit.op != Op::remove) {
                if (!new_set) {
                    new_start = edit.new_index;
                    new_set = true;
                }
                ++new_count;
            }
            switch (edit.op) {
            case Op::keep:
                append_line(body, ' ', a[edit.old_index]);
                break;
            case Op::remove:
                append_line(body, '-', a[edit.old_index]);
                break;
            case Op::add:
                append_line(body, '+', b[edit.new_index]);
                break;
            }
        }
        if (!old_set) {
            old_start = old_before;
        }
        if (!new_set) {
            new_start = new_before;
        }
        out += "@@ -" + range(old_start, old_count) + " +" + range(new_start, new_count) + " @@\n";
        out += body;
        k = end;
    }
    return out;
}

} // namespace farm::core
