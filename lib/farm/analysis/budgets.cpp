#include "farm/analysis/budgets.hpp"

#include "farm/core/glob.hpp"

namespace farm::analysis {

namespace fs = std::filesystem;

std::vector<BudgetResult> check_budgets(const std::vector<core::SizeBudget>& budgets,
                                        const fs::path& project_root) {
    std::vector<BudgetResult> results;
    for (const core::SizeBudget& budget : budgets) {
        BudgetResult result;
        result.budget = budget;
        fs::path base = project_root / std::string(core::glob_base(budget.path));
        std::error_code ec;
        if (fs::is_regular_file(base, ec)) {
            result.size += measure::measure_file(base);
        } else if (fs::is_directory(base, ec)) {
            for (fs::recursive_directory_iterator it(base, ec), end; !ec && it != end;
                 it.increment(ec)) {
                if (it->is_directory(ec) && it->path().filename() == "node_modules") {
                    it.disable_recursion_pending();
                    continue;
                }
                if (!it->is_regular_file(ec)) {
                    continue;
                }
                std::string relative = fs::relative(it->path(), project_root, ec).generic_string();
                if (core::glob_match(budget.path, relative)) {
                    result.size += measure::measure_file(it->path());
                }
            }
        }
        result.measured_bytes = result.size.in(budget.compression);
        result.passed = result.size.files > 0 && result.measured_bytes <= budget.limit_bytes;
        results.push_back(std::move(result));
    }
    return results;
}

} // namespace farm::analysis
