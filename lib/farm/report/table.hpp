// A plain text table for the terminal: columns sized to their widest cell (counting UTF-8
// characters, not bytes), the first column left-aligned, the others right-aligned.
#pragma once

#include <string>
#include <vector>

namespace farm::report {

class Table {
  public:
    explicit Table(std::vector<std::string> header);
    void add_row(std::vector<std::string> cells);
    // With color, the header is bold (ANSI); without, the output is plain text.
    std::string render(bool color) const;

  private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows;
};

// Display width of a UTF-8 string (each code point counts 1).
std::size_t display_width(const std::string& text);

} // namespace farm::report
