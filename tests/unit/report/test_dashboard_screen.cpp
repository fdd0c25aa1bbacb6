#include "farm/report/dashboard_screen.hpp"

#include "farm/report/screen_text.hpp"
#include "support/report_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm;
using report::ScreenSize;
using report::visible_width;

using farm::test::run_with_wall;

namespace {

const ScreenSize sizes[] = {{80, 24}, {120, 40}, {200, 60}};

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos;
         at = text.find(part, at + part.size())) {
        ++n;
    }
    return n;
}

std::string joined(const std::vector<std::string>& screen) {
    std::string text;
    for (const std::string& line : screen) {
        text += line + "\n";
    }
    return text;
}

// The first line that starts with `prefix`; "" when none does.
std::string line_starting(const std::vector<std::string>& screen, const std::string& prefix) {
    for (const std::string& line : screen) {
        if (line.starts_with(prefix)) {
            return line;
        }
    }
    return "";
}

// The meter after `label` in `line` ("[████···]"): its full cells and its width.
struct Meter {
    std::size_t full = 0;
    std::size_t cells = 0;
};
Meter meter_after(const std::string& line, const std::string& label) {
    std::size_t open = line.find(label + "[");
    REQUIRE(open != std::string::npos);
    open += label.size();
    std::size_t close = line.find(']', open);
    REQUIRE(close != std::string::npos);
    std::string bar = line.substr(open + 1, close - open - 1);
    return {count(bar, "█"), visible_width(bar)};
}

report::DashboardData sample_data(std::size_t subjects, std::size_t alerts) {
    report::DashboardData d;
    d.generated_at = "2026-01-02T03:04:05.678Z";
    d.host = "box";
    d.system.cpu_busy_pct = 40;
    d.system.cores = 4;
    d.system.core_busy_pct = {100, 50, 25, 0};
    d.system.memory = {16LL << 30, 8LL << 30, 8LL << 30}; // 50% used
    d.system.disk.path = "/project";
    d.system.disk.used_bytes = 30LL << 30;
    d.system.disk.free_bytes = 70LL << 30;
    d.system.disk.used_pct = 30;
    d.system.disk_io = {true, "vda", 1.5 * (1 << 20), 300 * 1024};
    d.system.load = {0.5, 0.25, 0.125};
    sys::GpuReading gpu;
    gpu.index = 0;
    gpu.name = "Fake GPU";
    gpu.utilization_pct = 75;
    gpu.memory_used_bytes = 20LL << 30;
    gpu.memory_total_bytes = 80LL << 30; // 25%
    gpu.temperature_c = 63;
    gpu.power_w = 120;
    d.gpus.push_back(gpu);
    d.have_history = true;
    for (std::size_t i = 0; i < 300; ++i) {
        d.cpu_history_pct.push_back(double(i % 101));
    }
    for (std::size_t i = 0; i < subjects; ++i) {
        report::SubjectTrend trend;
        trend.kind = "build";
        trend.subject = "subject-" + std::to_string(i);
        trend.runs = {run_with_wall(1, 0.100), run_with_wall(2, 0.150)};
        d.subjects.push_back(trend);
    }
    for (std::size_t i = 0; i < alerts; ++i) {
        analysis::Recommendation r;
        r.priority = analysis::Priority::high;
        r.subject = "build:web-" + std::to_string(i);
        r.finding = "builds take 40 s";
        r.action = "cache the build";
        d.alerts_advice.push_back(r);
    }
    return d;
}

void check_shape(const std::vector<std::string>& screen, ScreenSize size) {
    CHECK(screen.size() == size.height);
    for (const std::string& line : screen) {
        CAPTURE(line);
        CHECK(visible_width(line) <= size.width);
        CHECK(line.find('\n') == std::string::npos);
    }
}

} // namespace

TEST_CASE("report::dashboard_screen: exactly the screen, the header first, at every size") {
    for (ScreenSize size : sizes) {
        CAPTURE(size.width);
        for (bool color : {false, true}) {
            for (std::size_t many : {0u, 3u, 100u}) {
                std::vector<std::string> screen =
                    report::dashboard_screen(sample_data(many, many), size, color);
                check_shape(screen, size);
                CHECK(screen[0].find("farm perf · box · 2026-01-02 03:04:05 UTC") !=
                      std::string::npos);
                CHECK(screen[0].find("q or Ctrl-C to leave") != std::string::npos);
            }
        }
    }
    // Even a screen smaller than the system section keeps its shape and its header.
    std::vector<std::string> tiny = report::dashboard_screen(sample_data(5, 5), {30, 5}, false);
    check_shape(tiny, {30, 5});
    CHECK(tiny[0].starts_with("farm perf · box"));
}

TEST_CASE("report::dashboard_screen: meters in proportion to their values") {
    for (ScreenSize size : sizes) {
        CAPTURE(size.width);
        std::vector<std::string> screen = report::dashboard_screen(sample_data(1, 1), size, false);
        Meter cpu = meter_after(line_starting(screen, "CPU  "), "CPU  ");
        CHECK(cpu.full == cpu.cells * 40 / 100);
        Meter memory = meter_after(line_starting(screen, "Mem  "), "Mem  ");
        CHECK(memory.full == memory.cells / 2);
        CHECK(memory.cells == cpu.cells);
        Meter disk = meter_after(line_starting(screen, "Disk "), "Disk ");
        CHECK(disk.full == disk.cells * 30 / 100);
        std::string gpu = line_starting(screen, "GPU0 ");
        Meter util = meter_after(gpu, "GPU0 ");
        CHECK(util.full == util.cells * 75 / 100);
        Meter gpu_memory = meter_after(gpu, "mem ");
        CHECK(gpu_memory.full == gpu_memory.cells / 4);
        CHECK(gpu.find("63 °C") != std::string::npos);
        CHECK(gpu.find("120 W") != std::string::npos);
        // The cores: core 0 is full, core 3 empty.
        std::string cores = screen[2];
        Meter core0 = meter_after(cores, "0 ");
        CHECK(core0.full == core0.cells);
        Meter core3 = meter_after(cores, "3 ");
        CHECK(core3.full == 0);
        CHECK(line_starting(screen, "I/O  ").find("vda · read 1.500 MiB/s · write 300.0 KiB/s") !=
              std::string::npos);
    }
}

TEST_CASE("report::dashboard_screen: a larger screen shows more") {
    report::DashboardData d = sample_data(100, 3);
    d.system.cores = 8; // meters at every size: 4 a row at 80 columns, 7 at 200
    d.system.core_busy_pct.assign(8, 50);
    std::vector<std::string> small = report::dashboard_screen(d, sizes[0], false);
    std::vector<std::string> large = report::dashboard_screen(d, sizes[2], false);
    // Longer meters, more cores per row.
    CHECK(meter_after(line_starting(large, "CPU  "), "CPU  ").cells >
          meter_after(line_starting(small, "CPU  "), "CPU  ").cells);
    CHECK(count(large[2], "[") > count(small[2], "["));
    CHECK(meter_after(large[2], "0 ").cells > meter_after(small[2], "0 ").cells);
    // More results, and the rest counted where they can be seen.
    CHECK(count(joined(large), "build · subject-") > count(joined(small), "build · subject-"));
    CHECK(line_starting(small, "… ").find("more: farm perf:report") != std::string::npos);
    // Every alert fits on the large screen; the small one keeps them before old results.
    CHECK(count(joined(small), "HIGH") == 3);
}

TEST_CASE("report::dashboard_screen: many cores, many GPUs, no GPU, no history") {
    report::DashboardData d = sample_data(0, 0);
    d.have_history = false;
    d.system.cores = 64;
    d.system.core_busy_pct.assign(64, 0);
    d.system.core_busy_pct[1] = 100;
    d.gpus.assign(8, d.gpus[0]);
    std::vector<std::string> screen = report::dashboard_screen(d, sizes[0], false);
    check_shape(screen, sizes[0]);
    // 64 cores do not fit as meters in 4 rows at 80 columns: one column each.
    CHECK(screen[2] == "core  █" + std::string(62, ' '));
    // 8 GPUs in 4 rows: 3 and a count.
    CHECK(count(joined(screen), "GPU0 ") == 3);
    CHECK(line_starting(screen, "GPU  ").find("… 5 more") != std::string::npos);
    CHECK(joined(screen).find("no history yet: `farm perf:build`") != std::string::npos);
    CHECK(joined(screen).find("── Alerts ─") != std::string::npos);
    CHECK(joined(screen).find("\nnone\n") != std::string::npos);

    d.gpus.clear();
    d.gpu_unavailable = "GPU telemetry: not available (no libnvidia-ml)";
    screen = report::dashboard_screen(d, sizes[0], false);
    CHECK(line_starting(screen, "GPU  ") == "GPU  not available (no libnvidia-ml)");
    d.system.disk_io.known = false;
    screen = report::dashboard_screen(d, sizes[0], false);
    CHECK(line_starting(screen, "I/O  ").starts_with("I/O  not measured"));
}

TEST_CASE("report::dashboard_screen: the rows left over chart the CPU over time") {
    report::DashboardData d = sample_data(1, 0);
    d.cpu_history_pct.assign(500, 0);
    d.cpu_history_pct.back() = 100; // the newest frame: a full column at the right end
    std::vector<std::string> screen = report::dashboard_screen(d, sizes[0], false);
    check_shape(screen, sizes[0]);
    std::size_t top = 0;
    while (top < screen.size() && !screen[top].starts_with("── CPU busy")) {
        ++top;
    }
    REQUIRE(top + 2 < screen.size());
    CHECK(screen[top + 1].starts_with("100% "));
    CHECK(screen[top + 1].ends_with("█"));
    CHECK(visible_width(screen[top + 1]) == 80); // as many frames as columns: 75
    CHECK(screen[top + 1] == "100% " + std::string(74, ' ') + "█");
    // Results and alerts come after it, and nothing is left empty but what they do not need.
    CHECK(joined(screen).find("build · subject-0") > joined(screen).find("── CPU busy"));
    // Crowded: no chart, the rows go to the results.
    screen = report::dashboard_screen(sample_data(100, 0), sizes[0], false);
    CHECK(joined(screen).find("── CPU busy") == std::string::npos);
}
