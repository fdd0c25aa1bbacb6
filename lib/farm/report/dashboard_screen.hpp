// The `farm perf --watch` screen: the dashboard as a monitor, laid out for one terminal size.
//
//   farm perf · HOST · DATE UTC                                   q or Ctrl-C to leave
//   CPU  [██████████▌·····················]  33.0%  load 0.50 0.25 0.12 · 8 cores
//        0 [███·····]  40%   1 [█▌······]  20%   2 [········]   0%   3 ...
//   Mem  [████████████████················]  50.0%  8.000 GiB of 16.00 GiB
//   Disk [█████████·······················]  30.0%  30.00 GiB of 100.0 GiB · /project
//   I/O  vda · read 1.200 MiB/s · write 300.0 KiB/s
//   GPU0 [util meter] 42%  mem [memory meter] 19%  63 °C  120 W  NAME
//   ── CPU busy, one column a frame ─────────────────────────────────────────────────
//   100%                                                    ▂▅█
//     0%                                   ▁▁▂▃▅▇████████████████
//   ── Latest results ──────────────────────────────────────────────────────────────
//   build · quick         wall time        150.0 ms   +50.0%  ▁█
//   ── Alerts ──────────────────────────────────────────────────────────────────────
//   BUDGET     dist/*.js: 2.000 KiB none, over the budget of 1 kB
//
// Guarantees, for any data and any size: exactly `height` lines, none wider than `width` columns
// (screen_text's visible_width), none with a newline; so a screen redrawn line by line in place
// never scrolls. The header is always the first line. A meter's filled cells are proportional to
// its value (screen_text's meter). A larger screen gets longer meters, more cores per row and
// more result and alert lines; rows that results and alerts leave over (up to half the screen)
// chart the CPU busy share of the past frames. What does not fit ends with a "… N more" line that
// says where to see the rest. Many cores (more rows than the screen can spare) become one column
// each; many GPUs, the first ones and a count.
#pragma once

#include "farm/report/dashboard_view.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace farm::report {

struct ScreenSize {
    std::size_t width = 80;
    std::size_t height = 24;
};

std::vector<std::string> dashboard_screen(const DashboardData& data, ScreenSize size, bool color);

// The meters of a frame `width` columns wide and 24 rows high, as dashboard_screen() draws them
// under its header: CPU and each core, memory, disk and its I/O, each GPU (or why there is none).
// `farm perf` without --watch prints them under its System heading. No line is wider than `width`.
std::vector<std::string> dashboard_meters(const DashboardData& data, std::size_t width, bool color);

} // namespace farm::report
