#include "farm/report/dashboard_screen.hpp"

#include "farm/core/fixed_text.hpp"
#include "farm/report/format.hpp"
#include "farm/report/screen_text.hpp"
#include "farm/report/suite_view.hpp"
#include "farm/report/table.hpp"
#include "farm/report/trend_view.hpp"

#include <algorithm>
#include <cstdio>

namespace farm::report {

namespace {

constexpr std::size_t label_width = 5; // "CPU  ", "Mem  ", "GPU0 "

std::string percent(double value) {
    return core::fixed(value, 1) + "%";
}

// `text` + `part` when the result still fits `width` columns, else `text`: optional details.
std::string add_if_fits(const std::string& text, const std::string& part, std::size_t width) {
    return visible_width(text) + visible_width(part) <= width ? text + part : text;
}

// The columns after a main meter: the figures; the meter takes the rest, so it grows with the
// screen.
std::size_t tail_width(std::size_t width) {
    return std::clamp<std::size_t>(width / 3, 40, 60);
}

std::size_t main_meter_cells(std::size_t width) {
    std::size_t fixed_part = label_width + 3 + tail_width(width); // "[", "] "
    return width > fixed_part + 8 ? width - fixed_part : 8;
}

std::string meter_line(const std::string& label, double pct, const std::string& tail,
                       std::size_t width, bool color) {
    std::size_t cells = main_meter_cells(width);
    return pad_right(label, label_width) + "[" + meter(pct, cells, color) + "] " +
           fit(tail, tail_width(width));
}

std::string header(const DashboardData& d, std::size_t width, bool color) {
    std::string when = d.generated_at.substr(0, 19);
    std::replace(when.begin(), when.end(), 'T', ' ');
    std::string left = "farm perf · " + d.host + " · " + when + " UTC";
    const std::string right = "q or Ctrl-C to leave";
    std::size_t right_width = visible_width(right);
    // How to leave stays in view; a long host name is cut instead.
    if (width >= right_width + 22) {
        left = pad_right(left, width - right_width - 2) + "  " + right;
    }
    return bold(fit(left, width), color);
}

std::string section(const std::string& title, std::size_t width, bool color) {
    std::string line = "── " + title + " ";
    std::size_t used = visible_width(line);
    for (std::size_t i = used; i < width; ++i) {
        line += "─";
    }
    return bold(fit(line, width), color);
}

std::string used_of(std::int64_t used, std::int64_t total) {
    return format_value(double(used), "bytes") + " of " + format_value(double(total), "bytes");
}

double share_pct(double part, double whole) {
    return whole > 0 ? part / whole * 100 : 0;
}

std::vector<std::string> core_lines(const std::vector<double>& cores, std::size_t width,
                                    std::size_t max_rows, bool color) {
    std::vector<std::string> lines;
    if (cores.empty() || max_rows == 0) {
        return lines;
    }
    std::size_t digits = std::to_string(cores.size() - 1).size();
    std::size_t cells = std::clamp<std::size_t>(width / 10, 6, 16);
    std::size_t item = digits + cells + 8; // "N [" cells "]" + " 100%"
    std::size_t per_row = std::max<std::size_t>(1, (width - label_width + 2) / (item + 2));
    std::size_t rows = (cores.size() + per_row - 1) / per_row;
    if (rows <= max_rows) {
        for (std::size_t row = 0; row < rows; ++row) {
            std::string line(label_width, ' ');
            for (std::size_t i = row * per_row; i < std::min(cores.size(), (row + 1) * per_row);
                 ++i) {
                line += pad_left(std::to_string(i), digits) + " [" + meter(cores[i], cells, color) +
                        "]" + pad_left(core::fixed(cores[i], 0) + "%", 5) + "  ";
            }
            lines.push_back(line);
        }
        return lines;
    }
    // Too many cores for meters: one column each, as tall as the core is busy.
    std::size_t per_line = std::max<std::size_t>(1, width - label_width);
    for (std::size_t start = 0; start < cores.size() && lines.size() < max_rows;
         start += per_line) {
        std::string line = pad_right(lines.empty() ? "core" : "", label_width);
        for (std::size_t i = start; i < std::min(cores.size(), start + per_line); ++i) {
            line += vertical_bar(cores[i]);
        }
        lines.push_back(line);
    }
    return lines;
}

std::string gpu_line(const sys::GpuReading& g, std::size_t width, bool color) {
    std::size_t reserve = width >= 120 ? 36 : 0; // room for the memory figures and the name
    std::size_t cells =
        std::max<std::size_t>(6, (width > 39 + reserve ? width - 39 - reserve : 0) / 2);
    double util = g.utilization_pct.value_or(0);
    std::optional<double> memory;
    if (g.memory_used_bytes && g.memory_total_bytes) {
        memory = share_pct(double(*g.memory_used_bytes), double(*g.memory_total_bytes));
    }
    std::string line = pad_right("GPU" + std::to_string(g.index), label_width) + "[" +
                       meter(util, cells, color) + "]" +
                       pad_left(g.utilization_pct ? core::fixed(util, 0) + "%" : "-", 5) +
                       "  mem [" + meter(memory.value_or(0), cells, color) + "]" +
                       pad_left(memory ? core::fixed(*memory, 0) + "%" : "-", 5);
    if (g.temperature_c) {
        line += "  " + core::fixed(*g.temperature_c, 0) + " °C";
    }
    if (g.power_w) {
        line += "  " + core::fixed(*g.power_w, 0) + " W";
    }
    if (g.memory_used_bytes && g.memory_total_bytes) {
        line =
            add_if_fits(line, "  " + used_of(*g.memory_used_bytes, *g.memory_total_bytes), width);
    }
    return add_if_fits(line, "  " + g.name, width);
}

std::vector<std::string> gpu_lines(const DashboardData& d, std::size_t width, std::size_t max_rows,
                                   bool color) {
    if (d.gpus.empty()) {
        // NVML's reason reads "GPU telemetry: not available (WHY)"; the label names the GPU.
        std::string reason = d.gpu_unavailable;
        const std::string prefix = "GPU telemetry: ";
        if (reason.starts_with(prefix)) {
            reason = reason.substr(prefix.size());
        }
        return {pad_right("GPU", label_width) +
                (reason.empty() ? std::string("not available (no device)") : reason)};
    }
    std::vector<std::string> lines;
    bool all_fit = d.gpus.size() <= max_rows;
    for (std::size_t i = 0; i < d.gpus.size(); ++i) {
        if (!all_fit && lines.size() + 1 == max_rows) {
            lines.push_back(pad_right("GPU", label_width) + "… " +
                            std::to_string(d.gpus.size() - i) +
                            " more: farm perf --json lists every device");
            break;
        }
        lines.push_back(gpu_line(d.gpus[i], width, color));
    }
    return lines;
}

std::vector<std::string> system_lines(const DashboardData& d, ScreenSize size, bool color) {
    const sys::SystemSnapshot& s = d.system;
    std::size_t width = size.width;
    std::size_t spare_rows = std::max<std::size_t>(1, size.height / 6);
    std::vector<std::string> lines;
    std::string cpu = pad_left(percent(s.cpu_busy_pct), 6) + "  load " +
                      core::fixed(s.load.one, 2) + " " + core::fixed(s.load.five, 2) + " " +
                      core::fixed(s.load.fifteen, 2);
    cpu = add_if_fits(cpu, " · " + std::to_string(s.cores) + (s.cores == 1 ? " core" : " cores"),
                      tail_width(width));
    lines.push_back(meter_line("CPU", s.cpu_busy_pct, cpu, width, color));
    for (std::string& line : core_lines(s.core_busy_pct, width, spare_rows, color)) {
        lines.push_back(std::move(line));
    }
    double memory_pct = share_pct(double(s.memory.used_bytes), double(s.memory.total_bytes));
    std::string memory = pad_left(percent(memory_pct), 6) + "  " +
                         used_of(s.memory.used_bytes, s.memory.total_bytes);
    memory = add_if_fits(
        memory, " · " + format_value(double(s.memory.available_bytes), "bytes") + " available",
        tail_width(width));
    lines.push_back(meter_line("Mem", memory_pct, memory, width, color));
    std::string disk = pad_left(percent(s.disk.used_pct), 6) + "  " +
                       used_of(s.disk.used_bytes, s.disk.used_bytes + s.disk.free_bytes);
    disk = add_if_fits(disk, " · " + s.disk.path.string(), tail_width(width));
    lines.push_back(meter_line("Disk", s.disk.used_pct, disk, width, color));
    std::string io = pad_right("I/O", label_width);
    if (s.disk_io.known) {
        io += s.disk_io.device + " · read " + format_value(s.disk_io.read_bytes_per_s, "bytes") +
              "/s · write " + format_value(s.disk_io.write_bytes_per_s, "bytes") + "/s";
    } else {
        io += "not measured (no /proc/diskstats line for this file system)";
    }
    lines.push_back(io);
    for (std::string& line : gpu_lines(d, width, spare_rows, color)) {
        lines.push_back(std::move(line));
    }
    return lines;
}

std::vector<std::string> result_lines(const DashboardData& d, std::size_t width) {
    if (d.subjects.empty()) {
        return {std::string(d.have_history ? "no runs in the history yet" : "no history yet") +
                ": `farm perf:build` (or `farm perf:test`) records the first results"};
    }
    std::size_t subject_width = std::clamp<std::size_t>(width / 4, 16, 48);
    std::size_t spark_values = width >= 120 ? 20 : 10;
    std::vector<std::string> lines;
    for (const SubjectTrend& subject : d.subjects) {
        std::string line = pad_right(subject.kind + " · " + subject.subject, subject_width) + " ";
        const history::MetricSeries* primary = dashboard_primary_metric(subject);
        if (!primary) {
            lines.push_back(line + "no completed run");
            continue;
        }
        std::vector<double> medians = dashboard_medians(subject, primary->name);
        if (medians.size() > spark_values) {
            medians.erase(medians.begin(), medians.end() - long(spark_values));
        }
        line +=
            pad_right(metric_label(primary->name), 16) + " " +
            pad_left(format_value(primary->summary.median, primary->unit), 11) + " " +
            pad_left(medians.size() > 1 ? format_change(medians.front(), medians.back()) : "-", 8) +
            "  " + sparkline(medians);
        const history::MetricSeries* errors =
            subject.runs.back().metric(history::error_rate_series);
        if (errors && errors != primary) {
            line += "  error rate " + format_value(errors->summary.median, errors->unit);
        }
        if (subject.runs.back().status != history::RunStatus::ok) {
            line += std::string("  newest run ") + history::to_string(subject.runs.back().status);
        }
        lines.push_back(line);
    }
    return lines;
}

std::string alert_label(const std::string& label, bool urgent, bool color) {
    std::string padded = pad_right(label, 10) + " ";
    if (!color) {
        return padded;
    }
    return (urgent ? "\033[1;31m" : "\033[1;33m") + padded + "\033[0m";
}

std::vector<std::string> alert_lines(const DashboardData& d, bool color) {
    std::vector<std::string> lines;
    for (const analysis::BudgetResult& b : d.budgets) {
        if (b.passed) {
            continue;
        }
        std::string what = b.size.files == 0 ? "no file matches"
                                             : format_value(double(b.measured_bytes), "bytes") +
                                                   " " + core::to_string(b.budget.compression) +
                                                   ", over the budget of " + b.budget.limit_text;
        lines.push_back(alert_label("BUDGET", true, color) + b.budget.path + ": " + what);
    }
    for (const analysis::ThresholdAlert& t : d.thresholds) {
        lines.push_back(alert_label("THRESHOLD", true, color) + t.subject + ": " +
                        threshold_alert_text(t) + " (" + t.source + ", run " +
                        std::to_string(t.run_id) + ")");
    }
    for (const analysis::Recommendation& r : d.alerts_advice) {
        lines.push_back(alert_label(analysis::to_string(r.priority),
                                    r.priority == analysis::Priority::high, color) +
                        r.subject + ": " + r.finding + " → " + r.action);
    }
    if (lines.empty()) {
        lines.push_back("none");
    }
    return lines;
}

// The CPU busy share over the last frames, newest right, in the rows nothing else needs.
std::vector<std::string> cpu_history_lines(const std::vector<double>& history, std::size_t width,
                                           std::size_t rows, bool color) {
    std::vector<std::string> lines;
    if (rows < 3 || history.empty() || width <= label_width) {
        return lines;
    }
    lines.push_back(section("CPU busy, one column a frame", width, color));
    std::size_t columns = width - label_width;
    std::vector<double> shown(history.end() - long(std::min(columns, history.size())),
                              history.end());
    std::vector<std::string> chart = column_chart(shown, rows - 1);
    for (std::size_t row = 0; row < chart.size(); ++row) {
        std::string axis = row == 0 ? "100%" : row + 1 == chart.size() ? "  0%" : "";
        lines.push_back(pad_right(axis, label_width) + chart[row]);
    }
    return lines;
}

// The first `room` lines; when some do not fit, the last one says how many and where to see them.
void append_within(std::vector<std::string>& screen, const std::vector<std::string>& lines,
                   std::size_t room, const std::string& rest_where) {
    if (lines.size() <= room) {
        screen.insert(screen.end(), lines.begin(), lines.end());
        return;
    }
    if (room == 0) {
        return;
    }
    screen.insert(screen.end(), lines.begin(), lines.begin() + long(room - 1));
    screen.push_back("… " + std::to_string(lines.size() - room + 1) + " more: " + rest_where);
}

} // namespace

std::vector<std::string> dashboard_meters(const DashboardData& d, std::size_t width, bool color) {
    std::vector<std::string> lines = system_lines(d, ScreenSize{width, 24}, color);
    for (std::string& line : lines) {
        line = fit(line, width);
    }
    return lines;
}

std::vector<std::string> dashboard_screen(const DashboardData& d, ScreenSize size, bool color) {
    std::vector<std::string> screen = {header(d, size.width, color)};
    for (std::string& line : system_lines(d, size, color)) {
        screen.push_back(std::move(line));
    }
    std::vector<std::string> results = result_lines(d, size.width);
    std::vector<std::string> alerts = alert_lines(d, color);
    std::size_t room = size.height > screen.size() + 2 ? size.height - screen.size() - 2 : 0;
    // Alerts get at least half the room when they need it, and what the results leave.
    std::size_t alert_room = std::min(
        alerts.size(), std::max(room / 2, room > results.size() ? room - results.size() : 0));
    std::size_t result_room = std::min(results.size(), room - alert_room);
    alert_room = std::min(alerts.size(), room - result_room);

    // Rows left over (few results, few alerts) show the CPU over time, under the meters; half the
    // screen at most, so that new results and alerts take their place as they come.
    std::size_t spare = room - result_room - alert_room;
    std::vector<std::string> history =
        cpu_history_lines(d.cpu_history_pct, size.width, std::min(spare, size.height / 2), color);
    screen.insert(screen.end(), history.begin(), history.end());

    screen.push_back(section("Latest results", size.width, color));
    append_within(screen, results, result_room, "farm perf:report");
    screen.push_back(section("Alerts", size.width, color));
    append_within(screen, alerts, alert_room, "farm perf (without --watch) lists them all");

    screen.resize(size.height);
    for (std::string& line : screen) {
        line = fit(line, size.width);
    }
    return screen;
}

} // namespace farm::report
