#include "farm/report/dashboard_view.hpp"
#include "farm/report/screen_text.hpp"
#include "support/report_text.hpp"

#include <doctest/doctest.h>

using namespace farm;

using farm::test::run_with_wall;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

report::DashboardData sample_data() {
    report::DashboardData d;
    d.generated_at = "2026-01-02T03:04:05.678Z";
    d.host = "box";
    d.system.cpu_busy_pct = 12.5;
    d.system.cores = 8;
    d.system.memory = {16LL << 30, 8LL << 30, 8LL << 30};
    d.system.disk.path = "/project";
    d.system.disk.used_bytes = 30LL << 30;
    d.system.disk.free_bytes = 70LL << 30;
    d.system.disk.used_pct = 30;
    d.system.load = {0.5, 0.25, 0.125};
    d.gpu_unavailable = "GPU telemetry: not available (no libnvidia-ml)";
    return d;
}

} // namespace

TEST_CASE("report::render_dashboard sections") {
    report::DashboardData d = sample_data();
    SUBCASE("no history: says which command fills it") {
        std::string text = report::render_dashboard(d, false);
        CHECK(text.starts_with("System  (box, 2026-01-02T03:04:05 UTC)\n"));
        // The monitor's meters, two spaces in, each line within the width (80 when none).
        CHECK(contains(text, "\n  CPU  ["));
        CHECK(contains(text, "]  12.5%  load 0.50 0.25 0.12 · 8 cores"));
        CHECK(contains(text, "\n  Mem  ["));
        CHECK(contains(text, "50.0%  8.000 GiB of 16.00 GiB"));
        CHECK(contains(text, "\n  Disk ["));
        CHECK(contains(text, "30.0%  30.00 GiB of 100.0 GiB"));
        CHECK(contains(report::render_dashboard(d, false, 132), "100.0 GiB · /project"));
        CHECK(contains(text, "\n  GPU  not available (no libnvidia-ml)\n"));
        for (std::size_t width : {0, 60, 80, 132}) {
            std::string fitted = report::render_dashboard(d, false, width);
            std::string system = fitted.substr(0, fitted.find("\nLatest results"));
            std::size_t widest = 0;
            for (const std::string& line : farm::test::lines_of(system)) {
                widest = std::max(widest, report::visible_width(line));
            }
            CHECK(widest <= (width == 0 ? 80 : width));
            CHECK(widest >= (width == 0 ? 80 : width) - 12); // the meters grow with the width
        }
        CHECK(contains(text, "\nLatest results\n"));
        CHECK(contains(text, "no history yet: `farm perf:build`"));
        CHECK(contains(text, "\nAlerts\n  none\n"));
        CHECK_FALSE(contains(text, "\033["));
    }
    SUBCASE("latest results with their trend, and alerts") {
        d.have_history = true;
        report::SubjectTrend trend;
        trend.kind = "build";
        trend.subject = "quick";
        trend.runs = {run_with_wall(1, 0.100), run_with_wall(2, 0.150)};
        d.subjects.push_back(trend);
        analysis::BudgetResult breached;
        breached.budget.path = "dist/*.js";
        breached.budget.limit_text = "1 kB";
        breached.budget.compression = core::Compression::none;
        breached.size.files = 1;
        breached.measured_bytes = 2048;
        analysis::BudgetResult kept = breached;
        kept.budget.path = "dist/*.css";
        kept.passed = true;
        d.budgets = {breached, kept};
        analysis::Recommendation slow;
        slow.priority = analysis::Priority::high;
        slow.subject = "build:web";
        slow.finding = "builds take 40 s";
        slow.action = "cache the build";
        d.alerts_advice = {slow};
        {
            sys::GpuReading g;
            g.index = 0;
            g.name = "Fake GPU";
            g.utilization_pct = 42;
            d.gpus.push_back(g);
        }
        std::string text = report::render_dashboard(d, false);
        CHECK(contains(text, "build · quick"));
        CHECK(contains(text, "wall time"));
        CHECK(contains(text, "150.0 ms"));
        CHECK(contains(text, "+50.0%"));
        CHECK(contains(text, "▁█"));
        CHECK(contains(text, "  GPU0 ["));
        CHECK(contains(text, "42%  mem ["));
        CHECK(contains(text, "Fake GPU"));
        CHECK_FALSE(contains(text, "not available"));
        std::string alerts = text.substr(text.find("\nAlerts\n"));
        CHECK(contains(alerts, "BUDGET  dist/*.js: 2.000 KiB none is over the budget of 1 kB"));
        CHECK_FALSE(contains(alerts, "dist/*.css"));
        CHECK(contains(alerts, "HIGH"));
        CHECK(contains(alerts, "builds take 40 s"));
        CHECK(contains(alerts, "-> cache the build"));

        nlohmann::json j = report::dashboard_to_json(d);
        CHECK(j["schema"] == "farm.dashboard/1");
        CHECK(j["system"]["cores"] == 8);
        CHECK(j["latest"][0]["metric"] == "wall_s");
        CHECK(j["latest"][0]["latest"] == 0.150);
        CHECK(j["latest"][0]["trend_pct"].get<double>() == doctest::Approx(50));
        CHECK(j["alerts"]["budgets"].size() == 1);
        CHECK(j["alerts"]["advice"][0]["priority"] == "HIGH");
        CHECK(j["system"]["gpus"][0]["memory_used_bytes"].is_null());
        CHECK(j["system"]["cores_busy_pct"].empty());
        CHECK(j["system"]["disk_io"].is_null()); // not measured
        d.system.core_busy_pct = {10, 90};
        d.system.disk_io = {true, "vda", 512, 1024};
        j = report::dashboard_to_json(d);
        CHECK(j["system"]["cores_busy_pct"][1] == 90);
        CHECK(j["system"]["disk_io"]["device"] == "vda");
        CHECK(j["system"]["disk_io"]["write_bytes_per_s"] == 1024);
    }
}

TEST_CASE("report::urgent_advice") {
    std::vector<analysis::Recommendation> all(3);
    all[0].priority = analysis::Priority::low;
    all[1].priority = analysis::Priority::medium;
    all[2].priority = analysis::Priority::high;
    std::vector<analysis::Recommendation> urgent = report::urgent_advice(all);
    REQUIRE(urgent.size() == 2);
    CHECK(urgent[0].priority == analysis::Priority::high);
    CHECK(urgent[1].priority == analysis::Priority::medium);
}
