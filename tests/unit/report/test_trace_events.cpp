#include "farm/report/trace_events.hpp"

#include "farm/core/error.hpp"
#include "support/files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace farm::report;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

// Per lane, the spans in order of start must each begin at or after the previous one's end.
bool lanes_overlap(const std::vector<LaneSpan>& spans, const std::vector<std::size_t>& lanes) {
    std::map<std::size_t, std::vector<LaneSpan>> by_lane;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        by_lane[lanes[i]].push_back(spans[i]);
    }
    for (auto& [lane, list] : by_lane) {
        std::sort(list.begin(), list.end(),
                  [](const LaneSpan& a, const LaneSpan& b) { return a.start < b.start; });
        for (std::size_t i = 1; i < list.size(); ++i) {
            if (list[i].start < list[i - 1].end) {
                return true;
            }
        }
    }
    return false;
}

std::size_t lane_count(const std::vector<std::size_t>& lanes) {
    return lanes.empty() ? 0 : *std::max_element(lanes.begin(), lanes.end()) + 1;
}

} // namespace

TEST_CASE("report::assign_lanes") {
    SUBCASE("spans of one lane never overlap, and as many lanes as spans open at once") {
        // Three at once at most (10-20 overlaps 12-30 and 15-16), given out of order.
        std::vector<LaneSpan> spans = {{15, 16}, {0, 10}, {10, 20}, {12, 30}, {16, 17}, {31, 40}};
        std::vector<std::size_t> lanes = assign_lanes(spans);
        REQUIRE(lanes.size() == spans.size());
        CHECK_FALSE(lanes_overlap(spans, lanes));
        CHECK(lane_count(lanes) == 3);
    }
    SUBCASE("a span that starts when another ends takes its lane") {
        std::vector<std::size_t> lanes = assign_lanes({{0, 5}, {5, 9}, {9, 9}});
        CHECK(lanes == std::vector<std::size_t>{0, 0, 0});
    }
    SUBCASE("many spans at a fixed concurrency use that many lanes") {
        std::vector<LaneSpan> spans;
        for (int i = 0; i < 40; ++i) { // 4 in flight: each lasts 4 steps
            spans.push_back({double(i), double(i + 4)});
        }
        std::vector<std::size_t> lanes = assign_lanes(spans);
        CHECK_FALSE(lanes_overlap(spans, lanes));
        CHECK(lane_count(lanes) == 4);
    }
    SUBCASE("an end before its start counts as a moment") {
        std::vector<std::size_t> lanes = assign_lanes({{5, 1}, {5, 6}});
        CHECK(lanes == std::vector<std::size_t>{0, 0});
    }
}

TEST_CASE("report::TraceEvents") {
    TraceClock::time_point zero = TraceClock::now();
    TraceEvents trace(zero);

    SUBCASE("times are microseconds from zero, never negative") {
        CHECK(trace.us(zero + milliseconds(1500)) == doctest::Approx(1.5e6));
        CHECK(trace.us(zero - milliseconds(5)) == 0);
        CHECK(trace.us_from_epoch_ms(1e12 + 1000) - trace.us_from_epoch_ms(1e12) ==
              doctest::Approx(0)); // both before zero
        double now_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        CHECK(trace.us_from_epoch_ms(now_ms + 2000) - trace.us_from_epoch_ms(now_ms + 1000) ==
              doctest::Approx(1e6).epsilon(1e-6));
    }
    SUBCASE("the document: metadata first, then the events in order of time") {
        trace.complete(1, 1, "late", "run", 300, 50);
        trace.instant(1, 1, "mark", "run", 10);
        trace.counter(1, "tree RSS", 100, {{"MiB", 12.5}});
        trace.process_name(1, "farm");
        trace.thread_name(1, 1, "runs", 1);
        trace.complete(1, 1, "early", "run", 0, 20, {{"run", 1}});
        json doc = trace.document();
        CHECK(doc["displayTimeUnit"] == "ms");
        const json& events = doc["traceEvents"];
        REQUIRE(events.size() == 7);
        CHECK(events[0]["ph"] == "M");
        CHECK(events[0]["name"] == "process_name");
        CHECK(events[1]["name"] == "thread_name");
        CHECK(events[2]["name"] == "thread_sort_index");
        double last = -1;
        std::vector<std::string> names;
        for (std::size_t i = 3; i < events.size(); ++i) {
            CHECK(events[i]["ts"].get<double>() >= last);
            last = events[i]["ts"].get<double>();
            names.push_back(events[i]["name"]);
        }
        CHECK(names == std::vector<std::string>{"early", "mark", "tree RSS", "late"});
        CHECK(events[3]["dur"] == 20);
        CHECK(events[3]["args"]["run"] == 1);
        CHECK(events[4]["s"] == "t");
        CHECK(events[5]["args"]["MiB"] == 12.5);
    }
    SUBCASE("a negative duration becomes 0; a non-finite counter value is left out") {
        trace.complete(1, 1, "backwards", "run", 100, -5);
        trace.counter(1, "cpu", 1, {{"cores", std::nan("")}});
        trace.counter(1, "both", 2, {{"a", 1}, {"b", std::numeric_limits<double>::infinity()}});
        json events = trace.document()["traceEvents"];
        REQUIRE(events.size() == 2);
        CHECK(events[1]["dur"] == 0);
        CHECK(events[0]["args"] == json{{"a", 1}});
    }
    SUBCASE("a span that ends where the next starts still does after rounding") {
        // Rounded on its own, the start goes up and the duration stays: 0.1 + 1000.0 > 1000.0.
        trace.complete(1, 1, "a", "run", 0.06, 999.98);
        trace.complete(1, 1, "b", "run", 1000.04, 1);
        json events = trace.document()["traceEvents"];
        double end_a = events[0]["ts"].get<double>() + events[0]["dur"].get<double>();
        CHECK(end_a <= events[1]["ts"].get<double>() + 1e-9);
    }
}

TEST_CASE("report::check_trace_path and write_trace_file") {
    std::filesystem::path dir = farm::test::fresh_folder("trace", "paths");
    SUBCASE("a missing folder is refused in words") {
        try {
            check_trace_path(dir / "missing" / "t.json");
            FAIL("no error");
        } catch (const farm::UsageError& e) {
            CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
        }
    }
    SUBCASE("a folder is refused") {
        CHECK_THROWS_AS(check_trace_path(dir), farm::UsageError);
    }
    SUBCASE("a good path is accepted and nothing is left behind") {
        check_trace_path(dir / "t.json");
        CHECK(std::filesystem::is_empty(dir));
    }
    SUBCASE("the file is whole JSON and no temporary file is left") {
        TraceEvents trace;
        trace.process_name(1, "farm");
        trace.complete(1, 1, "run", "run", 5, 10);
        write_trace_file(dir / "t.json", trace);
        std::ifstream in(dir / "t.json");
        json doc = json::parse(in);
        CHECK(doc["traceEvents"].size() == 2);
        std::size_t files = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
            ++files;
        }
        CHECK(files == 1);
    }
}
