// Text for a screen of fixed width: how many columns a string takes on a terminal, cutting and
// padding to a width, and the meters of the `farm perf --watch` monitor.
//
// Widths count UTF-8 code points (every character farm draws takes one column) and skip ANSI
// SGR escapes ("\033[...m"), so a coloured line measures what it shows. Nothing here returns a
// string wider than the width it was given.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace farm::report {

// Columns `text` takes: code points outside escape sequences.
std::size_t visible_width(const std::string& text);

// `text` cut to `width` columns, its last one "…" when something was cut; escapes are kept and a
// cut coloured text ends with a reset.
std::string fit(const std::string& text, std::size_t width);

// `text` fitted, then padded with spaces to exactly `width` columns (left- or right-aligned).
std::string pad_right(const std::string& text, std::size_t width);
std::string pad_left(const std::string& text, std::size_t width);

// A horizontal meter of exactly `cells` columns for `pct` (0-100, clamped): full blocks, one
// partial block in eighths, then "·" for the empty part. floor(pct / 100 * cells) cells are full.
// With colour the filled part is green below 60%, yellow below 85%, red from 85%.
std::string meter(double pct, std::size_t cells, bool color);

// One column for `pct` (0-100): a space for 0, else "▁" to "█" in eighths; for many cores on one
// row.
std::string vertical_bar(double pct);

// `rows` lines of a bar chart of `values` (0-100, one column each, oldest left), in eighths of a
// row: a column of 100 is full in every row, one of 0 is blank. The top line comes first.
std::vector<std::string> column_chart(const std::vector<double>& values, std::size_t rows);

} // namespace farm::report
