// The plain text table of the terminal views, and the one place that makes output fit a width.
//
// Columns are sized to their widest cell (counting code points, not bytes, and skipping ANSI
// colour sequences); the first column is left-aligned, the others right-aligned. Given a width
// (the terminal's), the table fits it without ever breaking a cell: each column has a priority
// (0, the default, is never left out; larger numbers go first), the columns that do not fit are
// left out and named under the table (Overflow::drop) or shown on an indented line under each
// row as "header: value" (Overflow::stack). When even the columns of priority 0 are too wide,
// the first column (a subject's name, which can be long) gets a line of its own above the rest
// of its row. A number is never cut: a single cell wider than the line stays whole.
//
// The colour rule of the whole program lives here too: colour marks PASS/FAIL and significant
// changes only (paint); table headers are bold; NO_COLOR is honoured by the callers' `color`.
#pragma once

#include "farm/core/text.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace farm::report {

enum class Overflow { drop, stack };

class Table {
  public:
    explicit Table(std::vector<std::string> header);
    void add_row(std::vector<std::string> cells);
    // 0: never left out (the default); columns of larger numbers are left out first.
    void set_priority(std::size_t column, int priority);
    void set_overflow(Overflow overflow);
    // With color, the header is bold (ANSI); without, the output is plain text. `width` 0: no
    // limit; otherwise every line fits it unless a single cell is wider.
    std::string render(bool color, std::size_t width = 0) const;

  private:
    struct Layout {
        std::vector<bool> shown;
        bool label_alone = false;
    };
    Layout fit(std::size_t width) const;
    std::string render_line(const std::vector<std::string>& cells, const Layout& layout,
                            const std::vector<std::size_t>& widths) const;
    std::string render_stacked(const std::vector<std::string>& cells, const Layout& layout,
                               std::size_t width) const;
    std::vector<std::size_t> natural_widths() const;

    std::vector<std::string> m_header;
    std::vector<int> m_priority;
    std::vector<std::vector<std::string>> m_rows;
    Overflow m_overflow = Overflow::drop;
};

// Display width of a UTF-8 string: each code point counts 1, ANSI escape sequences count 0.
std::size_t display_width(const std::string& text);

// `text` wrapped at spaces so that no line is wider than `width` (0: no limit). A line that fits
// is kept as it is (its spaces too); a longer one continues on lines indented as it is plus
// `indent`. A word wider than the line (a path, a number) stays whole on a line of its own.
// Newlines in `text` are kept. For prose only: a table fits itself (Table::render).
std::string wrap_text(const std::string& text, std::size_t width, std::size_t indent = 0);

// The width output is fitted to: the terminal's columns when stdout is one; else $COLUMNS when
// it is set to a number (a pipe or a CI log that asked for a width); else 0, no limit, so that
// a redirected report keeps every column.
std::size_t output_width(std::optional<std::size_t> terminal_columns, const char* columns_env);

using core::count_of; // "1 run", "2 runs" (core/text.hpp)

enum class Tone { good, bad };
// PASS, faster (green) and FAIL, slower (red) when `color`; else the text as it is.
std::string paint(const std::string& text, Tone tone, bool color);
// Bold text when `color` (headings, the priority of advice); else the text as it is.
std::string bold(const std::string& text, bool color);

} // namespace farm::report
