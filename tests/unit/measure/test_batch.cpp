#include "farm/measure/batch.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace farm::measure;

TEST_CASE("measure::RoundOrder: a seed gives one sequence of permutations") {
    RoundOrder a(4, 42);
    RoundOrder b(4, 42);
    std::set<std::vector<std::size_t>> seen;
    for (int round = 0; round < 20; ++round) {
        std::vector<std::size_t> order = a.next();
        CHECK(order == b.next());
        std::vector<std::size_t> sorted = order;
        std::sort(sorted.begin(), sorted.end());
        CHECK(sorted == std::vector<std::size_t>{0, 1, 2, 3});
        seen.insert(order);
    }
    CHECK(seen.size() > 5); // shuffled, not one order repeated
    RoundOrder other(4, 43);
    bool differs = false;
    RoundOrder again(4, 42);
    for (int round = 0; round < 5; ++round) {
        differs = differs || other.next() != again.next();
    }
    CHECK(differs);
}
