// Fuzzes the readers of task runners' records (turbo's run summary, Nx's task profile) and what
// farm computes from them: no crash, no undefined behaviour, no endless loop on a dependency
// cycle, whatever the file holds. A refused file (farm::Error) is a correct answer.
#include "farm/core/error.hpp"
#include "farm/pnpm/nx_profile.hpp"
#include "farm/pnpm/turbo_summary.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void use(const farm::pnpm::RunSummary& summary) {
    std::vector<std::string> path = farm::pnpm::critical_path(summary);
    farm::fuzz::require(path.size() <= summary.tasks.size());
    double sum = farm::pnpm::serial_sum_s(summary);
    farm::fuzz::require(sum >= 0);
    (void)farm::pnpm::parallelism(summary);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        use(farm::pnpm::parse_turbo_summary(text, "summary.json"));
    } catch (const farm::Error&) {
    }
    try {
        use(farm::pnpm::parse_nx_profile(text, "profile.json"));
    } catch (const farm::Error&) {
    }
    return 0;
}
