#include "farm/measure/record_spool.hpp"

#include "farm/core/error.hpp"

#include "support/environment.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

using farm::measure::IterationRecord;
using farm::measure::RecordSpool;

namespace {

IterationRecord record(int index, int exit_code, std::vector<farm::measure::MetricValue> metrics) {
    IterationRecord r;
    r.index = index;
    r.exit_code = exit_code;
    r.signal = exit_code < 0 ? 9 : 0;
    r.metrics = std::move(metrics);
    return r;
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool identical(const IterationRecord& a, const IterationRecord& b) {
    if (a.index != b.index || a.exit_code != b.exit_code || a.signal != b.signal ||
        a.metrics.size() != b.metrics.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        if (a.metrics[i].name != b.metrics[i].name || a.metrics[i].unit != b.metrics[i].unit ||
            !same_bits(a.metrics[i].value, b.metrics[i].value)) {
            return false;
        }
    }
    return true;
}

void check_same(const IterationRecord& got, const IterationRecord& want) {
    CHECK(got.index == want.index);
    CHECK(got.exit_code == want.exit_code);
    CHECK(got.signal == want.signal);
    REQUIRE(got.metrics.size() == want.metrics.size());
    for (std::size_t i = 0; i < got.metrics.size(); ++i) {
        CHECK(got.metrics[i].name == want.metrics[i].name);
        CHECK(got.metrics[i].unit == want.metrics[i].unit);
        CHECK(same_bits(got.metrics[i].value, want.metrics[i].value));
    }
}

} // namespace

TEST_CASE("measure::RecordSpool gives back every record as appended") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<IterationRecord> appended = {
        record(2, 0, {{"ttft_ms", "ms", 12.5}, {"e2e_ms", "ms", -0.0}}),
        record(0, 1, {{"failed", "count", 1}}),
        record(1, -1, {{"e2e_ms", "ms", nan}, {"tokens", "count", 1e300}}),
        record(1, 0, {}),
    };
    RecordSpool spool;
    CHECK(spool.empty());
    for (const IterationRecord& r : appended) {
        spool.append(r);
    }
    CHECK(spool.size() == 4);
    CHECK(spool.succeeded() == 2);
    REQUIRE(spool.metrics().size() == 4);
    CHECK(spool.metrics()[0].name == "ttft_ms");
    CHECK(spool.metrics()[2].name == "failed");
    CHECK(spool.metrics()[2].unit == "count");

    std::vector<IterationRecord> seen;
    spool.for_each([&seen](const IterationRecord& r) { seen.push_back(r); });
    REQUIRE(seen.size() == appended.size());
    for (std::size_t i = 0; i < seen.size(); ++i) {
        check_same(seen[i], appended[i]);
    }

    std::vector<IterationRecord> by_index = spool.records();
    REQUIRE(by_index.size() == 4);
    check_same(by_index[0], appended[1]);
    check_same(by_index[1], appended[2]); // equal indices keep their appended order
    check_same(by_index[2], appended[3]);
    check_same(by_index[3], appended[0]);
}

TEST_CASE("measure::RecordSpool reads one metric's values") {
    RecordSpool spool;
    spool.append(record(3, 0, {{"e2e_ms", "ms", 30}}));
    spool.append(record(1, 1, {{"e2e_ms", "ms", 10}, {"failed", "count", 1}}));
    spool.append(record(2, 0, {{"ttft_ms", "ms", 5}}));
    spool.append(record(0, 0, {{"ttft_ms", "ms", 1}, {"e2e_ms", "ms", 4}}));

    CHECK(spool.values("e2e_ms") == std::vector<double>{30, 10, 4});
    CHECK(spool.values("e2e_ms", true) == std::vector<double>{30, 4});
    CHECK(spool.values("no_such_metric").empty());

    std::vector<double> e2e = spool.values_by_index("e2e_ms"); // indices 0, 1, 2, 3
    REQUIRE(e2e.size() == 4);
    CHECK(e2e[0] == 4);
    CHECK(e2e[1] == 10);
    CHECK(std::isnan(e2e[2]));
    CHECK(e2e[3] == 30);
    std::vector<double> missing = spool.values_by_index("no_such_metric");
    CHECK(missing.size() == 4);
    CHECK(std::isnan(missing[0]));

    RecordSpool in_order;
    in_order.append(record(0, 0, {{"wall_s", "s", 1}}));
    in_order.append(record(1, 0, {}));
    in_order.append(record(2, 0, {{"wall_s", "s", 3}}));
    std::vector<double> wall = in_order.values_by_index("wall_s");
    REQUIRE(wall.size() == 3);
    CHECK(wall[0] == 1);
    CHECK(std::isnan(wall[1]));
    CHECK(wall[2] == 3);
}

TEST_CASE("measure::RecordSpool holds more than its buffer, read while it grows") {
    // Thousands of records with a changing set of metrics cross the write buffer and the read
    // blocks at every possible offset; reads in between must see exactly what came before.
    std::mt19937 random(7);
    std::vector<IterationRecord> appended;
    RecordSpool spool;
    auto reads_back_all = [&] {
        std::size_t n = 0;
        bool same = true;
        spool.for_each([&](const IterationRecord& r) {
            same = same && n < appended.size() && identical(r, appended[n]);
            ++n;
        });
        return same && n == appended.size();
    };
    for (int i = 0; i < 20000; ++i) {
        std::vector<farm::measure::MetricValue> metrics;
        int count = int(random() % 12);
        for (int m = 0; m < count; ++m) {
            metrics.push_back({"metric_" + std::to_string((m * 7 + i) % 15), "ms",
                               std::ldexp(double(random()), -int(random() % 40))});
        }
        appended.push_back(record(int(random() % 50000), i % 9 == 0 ? 1 : 0, metrics));
        spool.append(appended.back());
        if (i == 3 || i == 9999) {
            CHECK(reads_back_all());
        }
    }
    CHECK(reads_back_all());
    CHECK(spool.size() == 20000);
    CHECK(spool.succeeded() == 20000 - (20000 + 8) / 9);
}

TEST_CASE("measure::RecordSpool moves, and says where it cannot write") {
    RecordSpool first;
    first.append(record(0, 0, {{"wall_s", "s", 1}}));
    RecordSpool second = std::move(first);
    CHECK(second.size() == 1);
    CHECK(second.values("wall_s") == std::vector<double>{1});
    CHECK(first.size() == 0);                                     // NOLINT(bugprone-use-after-move)
    CHECK_THROWS_AS(first.append(record(1, 0, {})), farm::Error); // NOLINT(bugprone-use-after-move)

    farm::test::ScopedEnvironment environment;
    environment.set("TMPDIR", "/nonexistent/farm-spool-test");
    try {
        RecordSpool nowhere;
        FAIL("a spool in a missing folder was created");
    } catch (const farm::Error& e) {
        std::string message = e.what();
        CHECK(message.find("/nonexistent/farm-spool-test") != std::string::npos);
        CHECK(message.find("TMPDIR") != std::string::npos);
    }
}
