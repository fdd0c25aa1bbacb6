// report::Table fitted to a width: every line fits 80, 100 and 200 columns, the columns left
// out are the least important and are named (drop) or shown under their row (stack), and a cell
// (a number) is never cut, even when it is wider than the line. Also wrap_text, output_width,
// count_of and display_width, the helpers the views fit their prose with.
#include "farm/report/table.hpp"
#include "support/report_text.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace farm::report;

using farm::test::lines_of;

namespace {

std::size_t widest_line(const std::string& text) {
    std::size_t widest = 0;
    for (const std::string& line : lines_of(text)) {
        widest = std::max(widest, display_width(line));
    }
    return widest;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Whether `cell` stands whole on one line of `text`.
bool whole_on_a_line(const std::string& text, const std::string& cell) {
    for (const std::string& line : lines_of(text)) {
        if (contains(line, cell)) {
            return true;
        }
    }
    return false;
}

// The statistics table of perf:build, as run_view makes it (132 columns unfitted).
Table statistics_table() {
    Table table({"metric", "median", "mean ± σ", "min … max", "p95", "95% CI of median"});
    table.add_row({"wall time", "3.907 ms", "3.665 ms ± 462.8 µs", "3.131 ms … 3.957 ms",
                   "3.952 ms", "3.131 ms … 3.957 ms"});
    table.add_row({"max RSS (largest process)", "5.996 MiB", "5.996 MiB ± 0 B",
                   "5.996 MiB … 5.996 MiB", "5.996 MiB", "5.996 MiB … 5.996 MiB"});
    table.set_priority(2, 1);
    table.set_priority(3, 3);
    table.set_priority(4, 2);
    table.set_priority(5, 4);
    return table;
}

} // namespace

TEST_CASE("report::Table fits 80, 100 and 200 columns and never cuts a number") {
    Table table = statistics_table();
    std::string unfitted = table.render(false);
    CHECK(widest_line(unfitted) > 110);
    for (std::size_t width : {80u, 100u, 200u}) {
        CAPTURE(width);
        std::string text = table.render(false, width);
        CHECK(widest_line(text) <= width);
        for (const char* cell : {"3.907 ms", "5.996 MiB", "max RSS (largest process)"}) {
            CHECK(whole_on_a_line(text, cell));
        }
    }
    std::string at_200 = table.render(false, 200);
    CHECK(at_200 == unfitted);
    std::string at_80 = table.render(false, 80);
    CHECK(contains(at_80, "mean ± σ"));
    CHECK(contains(at_80, "p95")); // the narrower p95 fits where min … max did not
    CHECK(contains(at_80, "left out at 80 columns: min … max, 95% CI of median"));
    std::string at_100 = table.render(false, 100);
    CHECK(contains(at_100, "min … max"));
    CHECK(contains(at_100, "left out at 100 columns: 95% CI of median"));
}

TEST_CASE("report::Table stacks the left-out cells under their row, whole") {
    Table table = statistics_table();
    table.set_overflow(Overflow::stack);
    std::string text = table.render(false, 80);
    CHECK(widest_line(text) <= 80);
    CHECK(whole_on_a_line(text, "min … max: 3.131 ms … 3.957 ms"));
    CHECK(whole_on_a_line(text, "95% CI of median: 5.996 MiB … 5.996 MiB"));
    CHECK_FALSE(contains(text, "left out"));
}

TEST_CASE(
    "report::Table: a first column too wide gets a line of its own; a wide cell stays whole") {
    std::string subject = "openai/some-long-model-name/chat_stream/in=200,out=100,seed=7";
    std::string number = "123456789012345678901234567890123456789012345678901234567890";
    Table table({"subject", "value", "verdict"});
    table.add_row({subject, number, "fast"});
    std::string text = table.render(false, 80);
    CHECK(whole_on_a_line(text, subject));
    CHECK(whole_on_a_line(text, number));
    CHECK(widest_line(text) <= 80);
    // Narrower than its one number: the number is still whole (the line is as wide as it must).
    std::string narrow = table.render(false, 40);
    CHECK(whole_on_a_line(narrow, number));
    CHECK(whole_on_a_line(narrow, subject));
}

TEST_CASE("report::Table without a width and at a width where it fits is unchanged") {
    Table table({"metric", "value"});
    table.add_row({"wall time", "1.000 s"});
    CHECK(table.render(false) == "   metric       value\n   wall time  1.000 s\n");
    CHECK(table.render(false, 80) == table.render(false));
}

TEST_CASE("report::display_width counts code points and skips colour") {
    CHECK(display_width("µs") == 2);
    CHECK(display_width("\033[31mslower\033[0m") == 6);
}

TEST_CASE("report::wrap_text breaks at spaces and never inside a word") {
    std::string text = "Statistics over 3 timed runs. RSS: 'largest process' is wait4's "
                       "ru_maxrss; 'process tree' is the sampled sum over all descendants.";
    std::string wrapped = wrap_text("  " + text, 40, 2);
    CHECK(widest_line(wrapped) <= 40);
    CHECK(whole_on_a_line(wrapped, "ru_maxrss;"));
    CHECK(wrapped.starts_with("  Statistics"));
    CHECK(wrap_text(text, 0) == text);
    std::string path = "/a/very/long/path/that/is/wider/than/the/line/of/twenty";
    CHECK(wrap_text("recorded in " + path, 20) == "recorded in\n" + path);
    CHECK(wrap_text("a b\nc d", 3) == "a b\nc d");
}

TEST_CASE("report::output_width: the terminal, else COLUMNS, else no limit") {
    CHECK(output_width(100, "120") == 100);
    CHECK(output_width(std::nullopt, "120") == 120);
    CHECK(output_width(std::nullopt, nullptr) == 0);
    CHECK(output_width(std::nullopt, "") == 0);
    CHECK(output_width(std::nullopt, "wide") == 0);
}

TEST_CASE("report::count_of") {
    CHECK(count_of(1, "run") == "1 run");
    CHECK(count_of(2, "run") == "2 runs");
    CHECK(count_of(0, "file") == "0 files");
    CHECK(count_of(1, "match", "matches") == "1 match");
    CHECK(count_of(3, "match", "matches") == "3 matches");
}
