#include "farm/report/dataset_builder.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/process.hpp"
#include "farm/sys/context.hpp"

#include <algorithm>
#include <cctype>

namespace farm::report {

namespace {

history::RunQuery base_query(const ReportQuery& q) {
    history::RunQuery query;
    query.kind = q.kind;
    query.subject_glob = q.subject_glob;
    query.since = q.since;
    query.branch = q.branch;
    query.per_subject = q.last;
    query.with_values = q.with_values;
    return query;
}

history::RunQuery subject_query(const history::RunOverview& candidate,
                                const std::vector<std::string>& metrics) {
    history::RunQuery query;
    query.value_metrics = metrics;
    query.kind = candidate.kind;
    query.subject_glob = glob_literal(candidate.subject);
    query.ok_only = true;
    query.with_values = true;
    query.per_subject = SIZE_MAX;
    return query;
}

bool looks_like_run_id(const std::string& text) {
    std::string digits = text.starts_with("#") ? text.substr(1) : text;
    return !digits.empty() && digits.size() < 7 &&
           std::all_of(digits.begin(), digits.end(),
                       [](unsigned char c) { return std::isdigit(c); });
}

bool looks_like_commit(const std::string& text) {
    return text.size() >= 7 && text.size() <= 40 &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

struct Baseline {
    std::vector<history::RunOverview> runs;
    std::string description;
};

void drop_candidate(std::vector<history::RunOverview>& runs, std::int64_t candidate_id) {
    std::erase_if(runs, [&](const history::RunOverview& r) { return r.id == candidate_id; });
}

std::string short_commit(const std::string& commit) {
    return commit.substr(0, 10);
}

std::string runs_text(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " run" : " runs");
}

Baseline previous_runs(history::Store& store, const history::RunOverview& candidate,
                       const std::vector<std::string>& metrics, std::size_t n) {
    history::RunQuery query = subject_query(candidate, metrics);
    query.before_run_id = candidate.id;
    query.per_subject = n;
    Baseline b{store.recent_runs(query), ""};
    b.description = b.runs.empty() ? "none: no earlier completed run"
                                   : "the previous " + runs_text(b.runs.size());
    return b;
}

Baseline explicit_baseline(history::Store& store, const history::RunOverview& candidate,
                           const std::vector<std::string>& metrics, const CompareRequest& request,
                           std::vector<std::string>& tried) {
    const std::string& wanted = *request.baseline;
    Baseline b;
    if (looks_like_run_id(wanted)) {
        std::int64_t id = std::stoll(wanted.starts_with("#") ? wanted.substr(1) : wanted);
        history::RunQuery query = subject_query(candidate, metrics);
        query.run_id = id;
        b.runs = store.recent_runs(query);
        b.description = "run #" + std::to_string(id);
        tried = {"run #" + std::to_string(id)};
        return b;
    }
    std::optional<std::string> commit = sys::git_resolve_commit(request.repository, wanted);
    if (!commit && looks_like_commit(wanted)) {
        commit = wanted; // a commit this clone does not have, but the history may
    }
    if (commit) {
        history::RunQuery query = subject_query(candidate, metrics);
        query.commit = *commit;
        b.runs = store.recent_runs(query);
        drop_candidate(b.runs, candidate.id);
        b.description = "commit " + short_commit(*commit) + " (" + runs_text(b.runs.size()) + ")";
        tried.push_back("commit " + short_commit(*commit));
        if (!b.runs.empty()) {
            return b;
        }
    }
    history::RunQuery query = subject_query(candidate, metrics);
    query.branch = wanted;
    query.before_run_id = candidate.id;
    query.per_subject = request.baseline_runs;
    b.runs = store.recent_runs(query);
    b.description = "branch " + wanted + " (last " + runs_text(b.runs.size()) + ")";
    tried.push_back("branch " + wanted);
    return b;
}

// Why a failed or interrupted run ended, from what the history keeps of it: its iterations'
// exit codes and signals ("exit code 3 in run 1 of 1"); an AI run's iterations are requests
// ("8 of 40 requests failed").
std::string failure_reason(const history::Run& full, history::RunStatus status) {
    if (status == history::RunStatus::interrupted) {
        return "interrupted";
    }
    if (full.kind == "ai") {
        std::size_t failed = 0;
        for (const measure::IterationRecord& it : full.iterations) {
            failed += it.exit_code != 0 ? 1 : 0;
        }
        return std::to_string(failed) + " of " + std::to_string(full.iterations.size()) +
               " requests failed";
    }
    for (std::size_t i = full.iterations.size(); i-- > 0;) {
        const measure::IterationRecord& it = full.iterations[i];
        if (it.exit_code != 0 || it.signal != 0) {
            exec::ProcessResult ended;
            ended.exit_code = it.exit_code;
            ended.signal = it.signal;
            return ended.describe_failure() + " in run " + std::to_string(i + 1) + " of " +
                   std::to_string(full.iterations.size());
        }
    }
    return full.iterations.empty() ? "failed before a run completed"
                                   : "failed after its runs (a hook command)";
}

std::vector<double> pooled_values(const std::vector<history::RunOverview>& runs,
                                  const std::string& metric) {
    std::vector<double> values;
    for (const history::RunOverview& run : runs) {
        if (const history::MetricSeries* m = run.metric(metric)) {
            values.insert(values.end(), m->values.begin(), m->values.end());
        }
    }
    return values;
}

} // namespace

std::string glob_literal(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '*' || c == '?' || c == '[') {
            out += '[';
            out += c;
            out += ']';
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

// "ai/m/chat_stream/c=2" before ".../c=16": runs of digits compare as numbers, so that the
// levels of a sweep are listed in the order of their load.
bool natural_less(const std::string& a, const std::string& b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) &&
            std::isdigit(static_cast<unsigned char>(b[j]))) {
            std::size_t end_a = a.find_first_not_of("0123456789", i);
            std::size_t end_b = b.find_first_not_of("0123456789", j);
            std::string digits_a = a.substr(i, end_a == std::string::npos ? end_a : end_a - i);
            std::string digits_b = b.substr(j, end_b == std::string::npos ? end_b : end_b - j);
            digits_a.erase(0, std::min(digits_a.find_first_not_of('0'), digits_a.size() - 1));
            digits_b.erase(0, std::min(digits_b.find_first_not_of('0'), digits_b.size() - 1));
            if (digits_a.size() != digits_b.size()) {
                return digits_a.size() < digits_b.size();
            }
            if (digits_a != digits_b) {
                return digits_a < digits_b;
            }
            i = end_a == std::string::npos ? a.size() : end_a;
            j = end_b == std::string::npos ? b.size() : end_b;
            continue;
        }
        if (a[i] != b[j]) {
            return a[i] < b[j];
        }
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

} // namespace

std::vector<SubjectTrend> load_trends(history::Store& store, const ReportQuery& q) {
    std::vector<SubjectTrend> trends;
    for (history::RunOverview& run : store.recent_runs(base_query(q))) {
        history::fold_ai_series(run);
        history::fold_failure_flags(run);
        if (trends.empty() || trends.back().kind != run.kind ||
            trends.back().subject != run.subject) {
            trends.push_back(SubjectTrend{run.kind, run.subject, {}});
        }
        trends.back().runs.push_back(std::move(run));
    }
    std::stable_sort(
        trends.begin(), trends.end(), [](const SubjectTrend& a, const SubjectTrend& b) {
            return a.kind != b.kind ? a.kind < b.kind : natural_less(a.subject, b.subject);
        });
    for (SubjectTrend& t : trends) {
        std::reverse(t.runs.begin(), t.runs.end()); // oldest first
        auto newest_failure = std::find_if(t.runs.rbegin(), t.runs.rend(),
                                           [](const auto& run) { return !is_completed(run); });
        if (newest_failure != t.runs.rend()) {
            history::Run full = store.load_run(newest_failure->id, std::vector<std::string>{});
            newest_failure->failure_reason = failure_reason(full, newest_failure->status);
        }
    }
    return trends;
}

Comparison compare_history(history::Store& store, const CompareRequest& request) {
    Comparison comparison;
    comparison.alpha = request.alpha;
    history::RunQuery latest = base_query(request.scope);
    latest.ok_only = true;
    latest.per_subject = 1;
    latest.with_values = true;
    std::vector<history::RunOverview> candidates = store.recent_runs(latest);

    std::optional<std::pair<std::string, std::string>> merge_base;
    if (!request.baseline) {
        merge_base = sys::git_merge_base_with_main(request.repository);
    }
    std::vector<std::string> tried;
    bool any_baseline = false;
    std::vector<analysis::MetricComparison> primary_rows;
    for (const history::RunOverview& candidate : candidates) {
        std::vector<std::string> metrics;
        bool all = request.metrics.size() == 1 && request.metrics[0] == "all";
        const history::MetricSeries* primary = candidate.primary_metric();
        for (const history::MetricSeries& m : candidate.metrics) {
            bool wanted = all || (request.metrics.empty()
                                      ? &m == primary
                                      : std::find(request.metrics.begin(), request.metrics.end(),
                                                  m.name) != request.metrics.end());
            if (wanted) {
                metrics.push_back(m.name);
            }
        }
        Baseline baseline;
        if (request.baseline) {
            baseline = explicit_baseline(store, candidate, metrics, request, tried);
        } else if (merge_base) {
            history::RunQuery query = subject_query(candidate, metrics);
            query.commit = merge_base->first;
            baseline.runs = store.recent_runs(query);
            drop_candidate(baseline.runs, candidate.id);
            baseline.description = "merge-base " + short_commit(merge_base->first) +
                                   " of HEAD and " + merge_base->second + " (" +
                                   runs_text(baseline.runs.size()) + ")";
        }
        if (!request.baseline && baseline.runs.empty()) {
            baseline = previous_runs(store, candidate, metrics, request.baseline_runs);
        }
        any_baseline = any_baseline || !baseline.runs.empty();
        comparison.baselines.emplace_back(candidate.subject, baseline.description);

        analysis::CompareSettings settings;
        settings.alpha = request.alpha;
        auto kind_threshold = request.threshold_by_kind.find(candidate.kind);
        settings.threshold_pct = request.threshold_pct ? *request.threshold_pct
                                 : kind_threshold != request.threshold_by_kind.end()
                                     ? kind_threshold->second
                                     : analysis::default_threshold_pct(candidate.kind);
        for (const std::string& metric : metrics) {
            const history::MetricSeries* c = candidate.metric(metric);
            std::vector<double> base = pooled_values(baseline.runs, metric);
            analysis::MetricComparison row =
                analysis::compare_samples(base, c->values, metric, settings);
            row.kind = candidate.kind;
            row.subject = candidate.subject;
            row.unit = c->unit;
            // The geometric mean reads the rows that were compared: a baseline and a change.
            if (primary && metric == primary->name && row.change_pct) {
                primary_rows.push_back(row);
            }
            comparison.rows.push_back(std::move(row));
            comparison.samples.push_back({std::move(base), c->values, candidate.id});
        }
    }
    if (request.baseline && !candidates.empty() && !any_baseline) {
        std::sort(tried.begin(), tried.end());
        tried.erase(std::unique(tried.begin(), tried.end()), tried.end());
        std::string list;
        for (const std::string& t : tried) {
            list += (list.empty() ? "" : ", ") + t;
        }
        throw UsageError("the baseline '" + *request.baseline +
                         "' matches no completed run of "
                         "the compared subjects (tried " +
                         list +
                         "). Give a run id (#12), a "
                         "commit or a branch that has runs; `farm perf:report` lists them.");
    }
    if (primary_rows.size() > 1) {
        comparison.geomean_ratio = analysis::geometric_mean_ratio(primary_rows);
        comparison.geomean_rows = primary_rows.size();
    }
    return comparison;
}

} // namespace farm::report
