#include "farm/report/table.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <numeric>

namespace farm::report {

namespace {

// The leading space of every line and the two between columns.
constexpr std::size_t line_start = 1;
constexpr std::size_t column_gap = 2;
// Where the rest of a row starts when its first cell has a line of its own, and where the
// stacked "header: value" lines start.
constexpr std::size_t continued_indent = 7;
constexpr const char* stacked_separator = " · ";

std::string without_trailing_spaces(std::string text) {
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    return text;
}

} // namespace

std::size_t display_width(const std::string& text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\033' && i + 1 < text.size() && text[i + 1] == '[') {
            // CSI: ESC [ parameters, ended by a byte in @..~ (`m` for colours).
            i += 2;
            while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) {
                ++i;
            }
            continue;
        }
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++width;
        }
    }
    return width;
}

Table::Table(std::vector<std::string> header)
    : m_header(std::move(header)), m_priority(m_header.size(), 0) {}

void Table::add_row(std::vector<std::string> cells) {
    cells.resize(m_header.size());
    m_rows.push_back(std::move(cells));
}

void Table::set_priority(std::size_t column, int priority) {
    if (column < m_priority.size()) {
        m_priority[column] = priority;
    }
}

void Table::set_overflow(Overflow overflow) {
    m_overflow = overflow;
}

std::vector<std::size_t> Table::natural_widths() const {
    std::vector<std::size_t> widths(m_header.size());
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        widths[c] = display_width(m_header[c]);
        for (const std::vector<std::string>& row : m_rows) {
            widths[c] = std::max(widths[c], display_width(row[c]));
        }
    }
    return widths;
}

// The columns to show at `width`: those of priority 0, then the others from the most important
// on, each one that still fits (a wide column left out does not keep a narrower one out).
Table::Layout Table::fit(std::size_t width) const {
    std::vector<std::size_t> widths = natural_widths();
    Layout layout;
    layout.shown.assign(m_header.size(), true);
    auto cost = [&](const std::vector<bool>& shown, bool label_alone) {
        std::size_t total = label_alone ? continued_indent - column_gap : line_start;
        for (std::size_t c = label_alone ? 1 : 0; c < shown.size(); ++c) {
            total += shown[c] ? column_gap + widths[c] : 0;
        }
        return total;
    };
    if (width == 0 || cost(layout.shown, false) <= width) {
        return layout;
    }
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        layout.shown[c] = m_priority[c] == 0;
    }
    layout.label_alone = m_header.size() > 1 && cost(layout.shown, false) > width;
    std::vector<std::size_t> order(m_header.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return m_priority[a] < m_priority[b]; });
    for (std::size_t c : order) {
        if (layout.shown[c]) {
            continue;
        }
        layout.shown[c] = true;
        if (cost(layout.shown, layout.label_alone) > width) {
            layout.shown[c] = false;
        }
    }
    return layout;
}

std::string Table::render_line(const std::vector<std::string>& cells, const Layout& layout,
                               const std::vector<std::size_t>& widths) const {
    std::string out(line_start, ' ');
    std::size_t first = 0;
    if (layout.label_alone) {
        out += std::string(column_gap, ' ') + cells[0] + "\n" +
               std::string(continued_indent - column_gap, ' ');
        first = 1;
    }
    for (std::size_t c = first; c < cells.size(); ++c) {
        if (!layout.shown[c]) {
            continue;
        }
        std::string pad(widths[c] - display_width(cells[c]), ' ');
        out += std::string(column_gap, ' ');
        // The first column of the line reads as a label: left-aligned.
        out += c == first ? cells[c] + pad : pad + cells[c];
    }
    return without_trailing_spaces(out) + "\n";
}

// The row's left-out cells as "header: value", packed onto lines of `width`, a cell never
// broken; nothing for a row whose left-out cells are all empty or "-".
std::string Table::render_stacked(const std::vector<std::string>& cells, const Layout& layout,
                                  std::size_t width) const {
    std::string out;
    std::string line;
    std::string indent(continued_indent, ' ');
    for (std::size_t c = 0; c < cells.size(); ++c) {
        if (layout.shown[c] || cells[c].empty() || cells[c] == "-") {
            continue;
        }
        std::string item = m_header[c] + ": " + cells[c];
        std::string candidate = line.empty() ? indent + item : line + stacked_separator + item;
        if (!line.empty() && display_width(candidate) > width) {
            out += line + "\n";
            candidate = indent + item;
        }
        line = candidate;
    }
    return line.empty() ? out : out + line + "\n";
}

std::string Table::render(bool color, std::size_t width) const {
    Layout layout = fit(width);
    std::vector<std::size_t> widths = natural_widths();
    std::string header = render_line(m_header, layout, widths);
    std::string out =
        color ? "\033[1m" + header.substr(0, header.size() - 1) + "\033[0m\n" : header;
    for (const std::vector<std::string>& row : m_rows) {
        out += render_line(row, layout, widths);
        if (m_overflow == Overflow::stack) {
            out += render_stacked(row, layout, width);
        }
    }
    if (m_overflow == Overflow::drop) {
        std::string left_out;
        for (std::size_t c = 0; c < m_header.size(); ++c) {
            if (!layout.shown[c]) {
                left_out += (left_out.empty() ? "" : ", ") + m_header[c];
            }
        }
        if (!left_out.empty()) {
            out += wrap_text("   (left out at " + std::to_string(width) + " columns: " + left_out +
                                 "; a wider terminal or COLUMNS=200 shows them)",
                             width, 1) +
                   "\n";
        }
    }
    return out;
}

namespace {

// One paragraph (no newline) wrapped: kept as it is when it fits, so that aligned text keeps its
// spaces; else broken at the last space before the width, continuation lines indented.
std::string wrap_paragraph(const std::string& paragraph, std::size_t width, std::size_t indent) {
    if (display_width(paragraph) <= width) {
        return paragraph;
    }
    std::size_t lead = std::min(paragraph.find_first_not_of(' '), paragraph.size());
    std::string continuation(lead + indent, ' ');
    std::string out;
    std::string line = paragraph.substr(0, lead);
    bool line_has_word = false;
    std::size_t pos = lead;
    while (pos < paragraph.size()) {
        std::size_t word_start = std::min(paragraph.find_first_not_of(' ', pos), paragraph.size());
        std::size_t word_end = std::min(paragraph.find(' ', word_start), paragraph.size());
        std::string spaces = paragraph.substr(pos, word_start - pos);
        std::string word = paragraph.substr(word_start, word_end - word_start);
        pos = word_end;
        if (word.empty()) {
            break;
        }
        if (line_has_word && display_width(line + spaces + word) > width) {
            out += without_trailing_spaces(line) + "\n";
            line = continuation + word;
        } else {
            line += spaces + word;
        }
        line_has_word = true;
    }
    return out + line;
}

} // namespace

std::string wrap_text(const std::string& text, std::size_t width, std::size_t indent) {
    if (width == 0) {
        return text;
    }
    std::string out;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find('\n', start);
        out += wrap_paragraph(text.substr(start, end == std::string::npos ? end : end - start),
                              width, indent);
        if (end == std::string::npos) {
            return out;
        }
        out += "\n";
        start = end + 1;
    }
}

std::size_t output_width(std::optional<std::size_t> terminal_columns, const char* columns_env) {
    if (terminal_columns && *terminal_columns > 0) {
        return *terminal_columns;
    }
    if (columns_env == nullptr || *columns_env == '\0') {
        return 0;
    }
    std::size_t columns = 0;
    const char* end = columns_env + std::strlen(columns_env);
    auto [rest, error] = std::from_chars(columns_env, end, columns);
    return error == std::errc() && rest == end ? columns : 0;
}

std::string bold(const std::string& text, bool color) {
    return color ? "\033[1m" + text + "\033[0m" : text;
}

std::string paint(const std::string& text, Tone tone, bool color) {
    if (!color) {
        return text;
    }
    return (tone == Tone::good ? "\033[32m" : "\033[31m") + text + "\033[0m";
}

} // namespace farm::report
