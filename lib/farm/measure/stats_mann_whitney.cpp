// The Mann-Whitney U test of stats.hpp: midranks with ties, the exact distribution of U for small
// samples without ties, and the normal approximation with tie and continuity correction above.
#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace farm::measure {

namespace {

struct Ranking {
    std::vector<double> ranks; // midranks, in the order of the concatenated input
    double tie_term = 0;       // sum of t^3 - t over groups of tied values
    bool has_ties = false;
};

Ranking rank_with_ties(const std::vector<double>& values) {
    std::size_t n = values.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t l, std::size_t r) { return values[l] < values[r]; });
    Ranking result;
    result.ranks.resize(n);
    std::size_t i = 0;
    while (i < n) {
        std::size_t j = i + 1;
        while (j < n && values[order[j]] == values[order[i]]) {
            ++j;
        }
        // Ranks are 1-based: the group covers ranks i+1 .. j.
        double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
        for (std::size_t k = i; k < j; ++k) {
            result.ranks[order[k]] = midrank;
        }
        double t = static_cast<double>(j - i);
        if (j - i > 1) {
            result.has_ties = true;
            result.tie_term += t * t * t - t;
        }
        i = j;
    }
    return result;
}

// counts[k] = number of orderings of n1 + n2 distinct values in which the first sample wins
// exactly k of the n1 * n2 pairwise comparisons. Built from f(i, j) = f(i-1, j) shifted by j
// (the largest value belongs to the first sample and beats all j others) + f(i, j-1).
// The largest total, C(40, 20) ~ 1.4e11, is well inside uint64.
std::vector<std::uint64_t> exact_u_counts(std::size_t n1, std::size_t n2) {
    std::vector<std::vector<std::uint64_t>> previous(n2 + 1, std::vector<std::uint64_t>{1});
    for (std::size_t i = 1; i <= n1; ++i) {
        std::vector<std::vector<std::uint64_t>> current(n2 + 1);
        current[0] = {1};
        for (std::size_t j = 1; j <= n2; ++j) {
            std::vector<std::uint64_t> counts(i * j + 1, 0);
            const std::vector<std::uint64_t>& from_first = previous[j];
            for (std::size_t k = 0; k < from_first.size(); ++k) {
                counts[k + j] += from_first[k];
            }
            const std::vector<std::uint64_t>& from_second = current[j - 1];
            for (std::size_t k = 0; k < from_second.size(); ++k) {
                counts[k] += from_second[k];
            }
            current[j] = std::move(counts);
        }
        previous = std::move(current);
    }
    return previous[n2];
}

double exact_two_sided_p(double u, std::size_t n1, std::size_t n2) {
    std::vector<std::uint64_t> counts = exact_u_counts(n1, n2);
    // Without ties U is an integer; rounding only guards against representation noise.
    std::size_t observed = static_cast<std::size_t>(std::llround(u));
    std::uint64_t total = 0;
    std::uint64_t at_most = 0;
    std::uint64_t at_least = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
        total += counts[k];
        if (k <= observed) {
            at_most += counts[k];
        }
        if (k >= observed) {
            at_least += counts[k];
        }
    }
    double tail = static_cast<double>(std::min(at_most, at_least)) / static_cast<double>(total);
    return std::min(1.0, 2 * tail);
}

} // namespace

MannWhitneyResult mann_whitney_u(std::span<const double> a, std::span<const double> b) {
    if (a.empty() || b.empty()) {
        throw Error(std::string("cannot compare runs with the Mann-Whitney U test: the ") +
                    (a.empty() ? "first" : "second") + " run has no samples");
    }
    std::size_t n1 = a.size();
    std::size_t n2 = b.size();
    std::vector<double> combined(a.begin(), a.end());
    combined.insert(combined.end(), b.begin(), b.end());
    Ranking ranking = rank_with_ties(combined);

    double rank_sum = std::accumulate(ranking.ranks.begin(),
                                      ranking.ranks.begin() + static_cast<std::ptrdiff_t>(n1), 0.0);
    double d1 = static_cast<double>(n1);
    double d2 = static_cast<double>(n2);
    MannWhitneyResult result;
    result.u = rank_sum - d1 * (d1 + 1) / 2;

    if (n1 <= 20 && n2 <= 20 && !ranking.has_ties) {
        result.exact = true;
        result.p_value = exact_two_sided_p(result.u, n1, n2);
        return result;
    }

    double total = d1 + d2;
    double mu = d1 * d2 / 2;
    double variance = d1 * d2 / 12 * ((total + 1) - ranking.tie_term / (total * (total - 1)));
    result.exact = false;
    if (!(variance > 0)) {
        result.p_value = 1;
        return result;
    }
    double distance = std::max(0.0, std::abs(result.u - mu) - 0.5);
    double z = distance / std::sqrt(variance);
    result.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
    return result;
}

} // namespace farm::measure
