// report::hyperfine: the CSV and Markdown of hyperfine 1.20 (src/export/csv.rs, markup.rs), the
// format picked by extension, and an atomic write.
#include "farm/report/hyperfine_export.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace farm::report::hyperfine;
using farm::history::Run;
using farm::history::RunStatus;

namespace {

Run timed(const std::string& command, const std::vector<double>& walls) {
    Run run;
    run.kind = "build";
    run.subject = command;
    run.command = command;
    for (std::size_t i = 0; i < walls.size(); ++i) {
        farm::measure::IterationRecord it;
        it.index = int(i);
        it.metrics = {{"wall_s", "s", walls[i]}, {"user_s", "s", 0.5}, {"sys_s", "s", 0.125}};
        run.iterations.push_back(it);
    }
    return run;
}

std::string read(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("report::hyperfine::hyperfine_csv: hyperfine's columns and numbers") {
    Run a = timed("sleep 1", {1, 2, 3, 4, 10}); // mean 4, median 3, stddev sqrt(12.5)
    a.parameters = {{"size", "10"}, {"mode", "a,b"}};
    Run b = timed("echo \"hi\"", {0.0000001});
    b.parameters = {{"size", "2"}};
    CHECK(hyperfine_csv({a, b}) ==
          "command,mean,stddev,median,user,system,min,max,parameter_mode,parameter_size\n"
          "sleep 1,4,3.5355339059327378,3,0.5,0.125,1,10,\"a,b\",10\n"
          // one run: stddev 0 as hyperfine's unwrap_or(0.0); never an exponent (1e-7)
          "\"echo \"\"hi\"\"\",0.0000001,0,0.0000001,0.5,0.125,0.0000001,0.0000001,,2\n");
}

TEST_CASE("report::hyperfine::hyperfine_csv: a run with no completed iteration has no figures") {
    Run failed = timed("false", {0.25});
    failed.status = RunStatus::failed;
    failed.iterations[0].exit_code = 1;
    CHECK(hyperfine_csv({failed}) ==
          "command,mean,stddev,median,user,system,min,max\nfalse,,,,,,,\n");
}

TEST_CASE("report::hyperfine::hyperfine_markdown: hyperfine's table with its Relative column") {
    Run fast = timed("sleep 0.1", {0.1, 0.11});
    Run slow = timed("sleep 2 | cat", {2.0, 2.01});
    // As hyperfine's test_markup_export_auto_ms: the first run's mean picks ms for all rows;
    // the fastest is 1.00, the other is the ratio of means with the propagated stddev.
    CHECK(hyperfine_markdown({fast, slow}) ==
          "| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |\n"
          "|:---|---:|---:|---:|---:|\n"
          "| `sleep 0.1` | 105.0 ± 7.1 | 100.0 | 110.0 | 1.00 |\n"
          "| `sleep 2 \\| cat` | 2005.0 ± 7.1 | 2000.0 | 2010.0 | 19.10 ± 1.29 |\n");
    // Seconds from 1 s on, three decimals; in the given order, the fastest need not be first.
    CHECK(hyperfine_markdown({slow, fast}) ==
          "| Command | Mean [s] | Min [s] | Max [s] | Relative |\n"
          "|:---|---:|---:|---:|---:|\n"
          "| `sleep 2 \\| cat` | 2.005 ± 0.007 | 2.000 | 2.010 | 19.10 ± 1.29 |\n"
          "| `sleep 0.1` | 0.105 ± 0.007 | 0.100 | 0.110 | 1.00 |\n");
    // One run: no stddev, so no "±" anywhere in its row or in the ratio.
    CHECK(hyperfine_markdown({timed("x", {0.0005}), fast}) ==
          "| Command | Mean [µs] | Min [µs] | Max [µs] | Relative |\n"
          "|:---|---:|---:|---:|---:|\n"
          "| `x` | 500.0 | 500.0 | 500.0 | 1.00 |\n"
          "| `sleep 0.1` | 105000.0 ± 7071.1 | 100000.0 | 110000.0 | 210.00 |\n");
}

TEST_CASE("report::hyperfine::export_format_for: by extension, else a usage error") {
    CHECK(export_format_for("a.json") == ExportFormat::json);
    CHECK(export_format_for("dir/a.CSV") == ExportFormat::csv);
    CHECK(export_format_for("a.md") == ExportFormat::markdown);
    CHECK(export_format_for("a.markdown") == ExportFormat::markdown);
    CHECK_THROWS_WITH_AS(export_format_for("results.txt"), doctest::Contains("results.txt"),
                         farm::UsageError);
    CHECK_THROWS_AS(export_format_for("results"), farm::UsageError);
}

TEST_CASE("report::hyperfine::write_hyperfine_export: whole or not at all, naming the file") {
    std::filesystem::path dir = farm::test::fresh_folder("hyperfine_export", "write");
    write_hyperfine_export(dir / "r.md", {timed("true", {0.001, 0.002})});
    CHECK(read(dir / "r.md").rfind("| Command | Mean [ms]", 0) == 0);
    write_hyperfine_export(dir / "r.json", {timed("true", {0.001, 0.002})});
    CHECK(read(dir / "r.json").find("\"results\"") != std::string::npos);
    CHECK_THROWS_WITH_AS(write_hyperfine_export(dir / "missing" / "r.csv", {}),
                         doctest::Contains("missing/r.csv"), farm::Error);
    CHECK_FALSE(std::filesystem::exists(dir / "missing"));
}
