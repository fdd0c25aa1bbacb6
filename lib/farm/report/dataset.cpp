#include "farm/report/dataset.hpp"

#include <algorithm>

namespace farm::report {

bool Comparison::any_slower() const {
    return std::any_of(rows.begin(), rows.end(), [](const analysis::MetricComparison& c) {
        return c.verdict == analysis::Verdict::slower;
    });
}

} // namespace farm::report
