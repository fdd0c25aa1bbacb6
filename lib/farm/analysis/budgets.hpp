// Size budgets, size-limit style: the files a glob selects under the project root, their total
// size after the budget's compression, against its limit. A budget whose glob selects no file is
// a failed check too (a moved output folder must not pass silently).
#pragma once

#include "farm/core/config.hpp"
#include "farm/measure/output_size.hpp"

#include <filesystem>
#include <vector>

namespace farm::analysis {

struct BudgetResult {
    core::SizeBudget budget;
    measure::OutputSize size;        // of the selected files
    std::int64_t measured_bytes = 0; // in the budget's compression
    bool passed = false;
};

std::vector<BudgetResult> check_budgets(const std::vector<core::SizeBudget>& budgets,
                                        const std::filesystem::path& project_root);

} // namespace farm::analysis
