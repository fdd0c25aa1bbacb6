#include "farm/report/table.hpp"

#include <algorithm>

namespace farm::report {

std::size_t display_width(const std::string& text) {
    return std::size_t(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

Table::Table(std::vector<std::string> header) : m_header(std::move(header)) {}

void Table::add_row(std::vector<std::string> cells) {
    cells.resize(m_header.size());
    m_rows.push_back(std::move(cells));
}

std::string Table::render(bool color) const {
    std::vector<std::size_t> widths(m_header.size());
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        widths[c] = display_width(m_header[c]);
        for (const std::vector<std::string>& row : m_rows) {
            widths[c] = std::max(widths[c], display_width(row[c]));
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out = " ";
        for (std::size_t c = 0; c < cells.size(); ++c) {
            std::string pad(widths[c] - display_width(cells[c]), ' ');
            out += "  ";
            out += c == 0 ? cells[c] + pad : pad + cells[c];
        }
        while (!out.empty() && out.back() == ' ') {
            out.pop_back();
        }
        return out + "\n";
    };
    std::string out = color ? "\033[1m" : "";
    std::string header = line(m_header);
    if (color) {
        header.insert(header.size() - 1, "\033[0m");
    }
    out += header;
    for (const std::vector<std::string>& row : m_rows) {
        out += line(row);
    }
    return out;
}

} // namespace farm::report
