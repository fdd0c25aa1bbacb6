#include "farm/report/progress_text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace farm::report;
using farm::measure::Progress;

namespace {

// Characters on the screen: UTF-8 continuation bytes and colour codes take no column.
std::size_t screen_width(const std::string& text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\033') {
            i = text.find('m', i);
            continue;
        }
        width += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
    }
    return width;
}

ProgressSnapshot building() {
    ProgressSnapshot s;
    s.label = "build @acme/api";
    s.counter = "run 4/10";
    s.details = {"mean 1.234 s"};
    s.fraction = 0.3;
    s.elapsed_s = 12;
    s.remaining_s = 18;
    return s;
}

} // namespace

TEST_CASE("report::progress_bar fills its width to the fraction") {
    CHECK(progress_bar(0, 10, BarGlyphs::ascii) == "----------");
    CHECK(progress_bar(0.5, 10, BarGlyphs::ascii) == "#####-----");
    CHECK(progress_bar(1, 10, BarGlyphs::ascii) == "##########");
    CHECK(progress_bar(7, 4, BarGlyphs::ascii) == "####");  // clamped
    CHECK(progress_bar(-1, 4, BarGlyphs::ascii) == "----"); // clamped
    CHECK(progress_bar(0.5, 4, BarGlyphs::unicode) == "██░░");
    // A partly filled cell in eighths: 0.3 of 4 cells is 1.2 cells, 1 full and 1/8 more.
    CHECK(progress_bar(0.3, 4, BarGlyphs::unicode) == "█▏░░");
    CHECK(progress_bar(1, 3, BarGlyphs::unicode) == "███");
    CHECK(screen_width(progress_bar(0.37, 17, BarGlyphs::unicode)) == 17);
    CHECK(progress_bar(0.5, 0, BarGlyphs::unicode).empty());
}

TEST_CASE("report::clock_text and duration_words say how long") {
    CHECK(clock_text(0) == "00:00");
    CHECK(clock_text(7.4) == "00:07");
    CHECK(clock_text(754) == "12:34");
    CHECK(clock_text(3723) == "1:02:03");
    CHECK(clock_text(-5) == "00:00");
    CHECK(duration_words(0.2) == "0 s");
    CHECK(duration_words(12) == "12 s");
    CHECK(duration_words(200) == "3 min 20 s");
    CHECK(duration_words(3900) == "1 h 05 min");
}

TEST_CASE("report::remaining_time is the snapshot's own, else estimated from the share done") {
    ProgressSnapshot s;
    CHECK_FALSE(remaining_time(s));
    s.fraction = 0;
    s.elapsed_s = 10;
    CHECK_FALSE(remaining_time(s)); // nothing done yet: no estimate
    s.fraction = 0.25;
    CHECK(*remaining_time(s) == doctest::Approx(30));
    s.remaining_s = 4;
    CHECK(*remaining_time(s) == doctest::Approx(4));
    s.remaining_s = -1;
    CHECK(*remaining_time(s) == 0);
}

TEST_CASE("report::progress_line shows the bar with the elapsed and remaining time") {
    std::string line = progress_line(building(), {80, BarGlyphs::unicode, false});
    CHECK(line.starts_with("build @acme/api  run 4/10  mean 1.234 s  █"));
    CHECK(line.ends_with("  00:12  ETA 00:18"));
    CHECK(line.find("░") != std::string::npos);
    CHECK(screen_width(line) <= 79);
    CHECK(line.find('\033') == std::string::npos);

    // The bar is 40 wide at most: a wide terminal does not stretch it across the screen.
    std::string wide = progress_line(building(), {200, BarGlyphs::ascii, false});
    CHECK(wide.find(std::string(12, '#') + std::string(28, '-')) != std::string::npos);
}

TEST_CASE("report::progress_line drops the details one by one, the last first") {
    ProgressSnapshot s = building();
    s.details = {"mean 1.234 s", "3 in flight", "0 errors", "12.5 req/s"};
    std::string line = progress_line(s, {100, BarGlyphs::ascii, false});
    CHECK(line.find("mean 1.234 s  3 in flight  0 errors  #") != std::string::npos);
    CHECK(line.find("req/s") == std::string::npos);
    CHECK(progress_line(s, {120, BarGlyphs::ascii, false}).find("0 errors  12.5 req/s  #") !=
          std::string::npos);
}

TEST_CASE("report::progress_line colours the bar only when asked") {
    std::string coloured = progress_line(building(), {80, BarGlyphs::ascii, true});
    CHECK(coloured.find("\033[36m#") != std::string::npos);
    CHECK(coloured.find("\033[0m") != std::string::npos);
    CHECK(screen_width(coloured) <= 79);
}

TEST_CASE("report::progress_line fits any width: details, then the bar, then the label go") {
    for (std::size_t columns = 0; columns <= 120; ++columns) {
        for (BarGlyphs glyphs : {BarGlyphs::ascii, BarGlyphs::unicode}) {
            std::string line = progress_line(building(), {columns, glyphs, false});
            CHECK(screen_width(line) <= (columns > 0 ? columns - 1 : 0));
            CHECK(line.find('\n') == std::string::npos);
        }
        // A bar, when there is one, is 10 to 40 wide.
        std::string line = progress_line(building(), {columns, BarGlyphs::ascii, false});
        std::size_t bar = line.find_first_of("#-");
        if (bar != std::string::npos) {
            std::size_t width = line.find_first_not_of("#-", bar) - bar;
            CHECK(width >= 10);
            CHECK(width <= 40);
        }
    }
    std::string narrow = progress_line(building(), {60, BarGlyphs::ascii, false});
    CHECK(narrow.find("mean") == std::string::npos); // the details went first
    CHECK(narrow.find("##") != std::string::npos);   // the bar stayed
    std::string narrower = progress_line(building(), {36, BarGlyphs::ascii, false});
    CHECK(narrower.find("--") == std::string::npos); // no room for a bar of 10
    CHECK(narrower.find("run 4/10  00:12  ETA 00:18") != std::string::npos);
    CHECK(narrower.find("~") != std::string::npos); // the label was cut, and says so
}

TEST_CASE("report::progress_line without a known share has no bar") {
    ProgressSnapshot s;
    s.label = "run 1/3: web ready in 412 ms";
    s.elapsed_s = 3;
    CHECK(progress_line(s, {80, BarGlyphs::unicode, false}) ==
          "run 1/3: web ready in 412 ms  00:03");
}

TEST_CASE("report::milestone_line is one plain line for a log") {
    CHECK(milestone_line("perf:build", building()) ==
          "perf:build: build @acme/api: run 4/10, mean 1.234 s, 12 s elapsed, about 18 s left");
    ProgressSnapshot s;
    s.counter = "run 1/5";
    s.elapsed_s = 0.4;
    CHECK(milestone_line("perf:build", s) == "perf:build: run 1/5, 0 s elapsed");
    s.label = "two\nlines";
    CHECK(milestone_line("perf:dev", s).find('\n') == std::string::npos);
}

TEST_CASE("report::MilestoneThrottle lets one line through every interval, and repeats slowly") {
    MilestoneThrottle throttle(5, 30);
    CHECK_FALSE(throttle.any_written());
    CHECK(throttle.due(0.1, "run 1/10"));
    CHECK(throttle.any_written());
    CHECK_FALSE(throttle.due(1, "run 2/10"));
    CHECK_FALSE(throttle.due(4.9, "run 5/10"));
    CHECK(throttle.due(5.2, "run 6/10"));
    // Nothing changed: silent until the repeat interval has passed.
    CHECK_FALSE(throttle.due(11, "run 6/10"));
    CHECK_FALSE(throttle.due(35, "run 6/10"));
    CHECK(throttle.due(35.3, "run 6/10"));
    // A line written by other means (a step's start) counts too.
    throttle.mark(40);
    CHECK_FALSE(throttle.due(44, "run 7/10"));
    CHECK(throttle.due(45, "run 7/10"));
}

TEST_CASE("report::MilestoneThrottle says when the log has been quiet for the interval") {
    MilestoneThrottle throttle(5, 30);
    CHECK(throttle.quiet(0)); // nothing written yet
    throttle.mark(1);
    CHECK_FALSE(throttle.quiet(1));
    CHECK_FALSE(throttle.quiet(5.9));
    CHECK(throttle.quiet(6));
    CHECK(throttle.interval_s() == 5);
}

TEST_CASE("report::run_progress counts runs and warm-ups") {
    ProgressSnapshot warm = run_progress("sleep 0.1", Progress{true, 1, 2, 0, 0});
    CHECK(warm.counter == "warm-up 1/2");
    CHECK_FALSE(warm.fraction);
    CHECK(warm.details.empty());
    ProgressSnapshot run = run_progress("sleep 0.1", Progress{false, 4, 10, 0.1, 0.7});
    CHECK(run.counter == "run 4/10");
    CHECK(*run.fraction == doctest::Approx(0.3));
    CHECK(*run.remaining_s == doctest::Approx(0.7));
    REQUIRE(run.details.size() == 1);
    CHECK(run.details[0].starts_with("mean 100"));
    CHECK(run_progress("step", Progress{}).counter.empty());
}

TEST_CASE("report::combine_runs covers every command measured together") {
    std::vector<std::optional<Progress>> latest(2);
    CHECK(combine_runs(latest).fraction == 0);
    CHECK_FALSE(combine_runs(latest).remaining_s);
    latest[0] = Progress{false, 6, 10, 1.0, 5.0}; // 5 done, 5 s left
    CombinedRuns one = combine_runs(latest);
    CHECK(one.fraction == doctest::Approx(5.0 / 20)); // the other is expected to take 10 too
    CHECK(*one.remaining_s == doctest::Approx(5 + 10 * 1.0));
    latest[1] = Progress{false, 3, 10, 2.0, 16.0};
    CombinedRuns both = combine_runs(latest);
    CHECK(both.fraction == doctest::Approx(7.0 / 20));
    CHECK(*both.remaining_s == doctest::Approx(21));
    latest[1] = Progress{true, 1, 3, 0, 0}; // warming up: its runs are not known yet
    CHECK(combine_runs(latest).fraction == doctest::Approx(5.0 / 20));
}

TEST_CASE("report::request_progress counts requests, in flight, errors and requests/s") {
    RequestCounts c{50, 41, 38, 1, 10, 0};
    ProgressSnapshot s = request_progress("ollama/llama3.1", c);
    CHECK(s.counter == "38/50 requests");
    CHECK(s.details == std::vector<std::string>{"3 in flight", "1 error", "3.8 req/s"});
    CHECK(*s.fraction == doctest::Approx(0.76));
    c.failed = 2;
    CHECK(request_progress("", c).details[1] == "2 errors");
    // With a deadline the time can be the larger share.
    RequestCounts timed{1000, 5, 4, 0, 30, 60};
    CHECK(*request_progress("", timed).fraction == doctest::Approx(0.5));
    RequestCounts none{20, 0, 0, 0, 0, 0};
    CHECK(request_progress("", none).details.size() == 2); // no rate before the first answer
}
