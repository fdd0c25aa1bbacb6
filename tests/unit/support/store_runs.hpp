// Runs and checks shared by the history store's unit tests: a run with given metrics, the
// timestamps they are stored under, a query for everything, and bit-exact comparison of values.
#pragma once

#include "farm/core/error.hpp"
#include "farm/history/store.hpp"
#include "farm/measure/sample.hpp"

#include <bit>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace farm::test {

// The message of the DatabaseError `f` throws; empty when it throws nothing.
template <typename F>
std::string database_error_of(F&& f) {
    try {
        f();
    } catch (const farm::DatabaseError& e) {
        return e.what();
    }
    return {};
}

// The same double to the last bit (NaN payloads and the sign of zero included).
inline bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// A run whose iteration i has, for each metric, the value values[metric][i].
inline history::Run
make_run(const std::string& kind, const std::string& subject, const std::string& started_at,
         const std::vector<std::pair<std::string, std::vector<double>>>& metrics = {}) {
    history::Run run;
    run.kind = kind;
    run.subject = subject;
    run.command = "make -j8 all";
    run.folder = "/home/dev/project";
    run.started_at = started_at;
    run.duration_s = 1.25;
    run.context.git = {true, "0123456789abcdef0123456789abcdef01234567", "main", false};
    run.context.host = {"builder", "Test CPU @ 3.0GHz", 16, 68719476736, "6.1.0-test", "Debian"};
    run.context.tool_versions = {{"farm", "0.1.0"}, {"node", "20.11.0"}};
    std::size_t count = metrics.empty() ? 0 : metrics.front().second.size();
    for (std::size_t i = 0; i < count; ++i) {
        measure::IterationRecord iteration;
        iteration.index = static_cast<int>(i);
        for (const auto& [name, values] : metrics) {
            iteration.metrics.push_back(
                {name, name == "max_rss_bytes" ? "bytes" : "s", values.at(i)});
        }
        run.iterations.push_back(iteration);
    }
    return run;
}

// 2024-03-DAY at 12:00:SECOND UTC, as runs store their start.
inline std::string timestamp(int day, int second = 0) {
    char text[40];
    std::snprintf(text, sizeof text, "2024-03-%02dT12:00:%02d.000Z", day, second);
    return text;
}

// Every run of every subject.
inline history::RunQuery everything() {
    history::RunQuery query;
    query.per_subject = 1000000;
    return query;
}

} // namespace farm::test
