// `farm optimize`'s dev-service advice: the rules of dev_advice.hpp over the newest stored
// start-up and reload runs of each service, as recommendations that name their runs.
#include "farm/analysis/dev_advice.hpp"
#include "farm/analysis/optimize_advice.hpp"
#include "farm/history/store.hpp"

#include <algorithm>

namespace farm::analysis {

std::vector<Recommendation> advise_dev_from_history(history::Store& store,
                                                    const core::Config& config,
                                                    const AdviceWindow& window) {
    history::RunQuery query;
    query.kind = "dev";
    query.since = window.since;
    query.per_subject = 1;
    std::vector<history::Run> runs;
    for (const history::RunOverview& overview : store.recent_runs(query)) {
        runs.push_back(store.load_run(overview.id));
    }
    std::vector<Recommendation> out;
    for (const Advice& advice : advise_dev(dev_findings_from_runs(runs), config.thresholds.dev)) {
        Recommendation r;
        bool slow = advice.rule == "slow_startup" || advice.rule == "slow_reload";
        r.priority = slow ? Priority::medium : Priority::low;
        r.area = "dev";
        r.subject = advice.subject;
        r.rule = advice.rule;
        r.finding = advice.finding;
        for (const history::Run& run : runs) {
            if (run.subject == advice.subject) {
                r.evidence_runs.push_back(run.id);
            }
        }
        // The first suggestions; `farm perf:dev` prints them all.
        for (std::size_t i = 0; i < std::min<std::size_t>(2, advice.suggestions.size()); ++i) {
            r.action += (r.action.empty() ? "" : "; ") + advice.suggestions[i];
        }
        out.push_back(std::move(r));
    }
    sort_by_priority(out);
    return out;
}

} // namespace farm::analysis
