#include "farm/report/compare_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <cstdio>

namespace farm::report {

namespace {

std::string p_text(const std::optional<double>& p) {
    if (!p) {
        return "-";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, *p < 0.001 ? "%.1e" : "%.3f", *p);
    return buffer;
}

std::string colored_verdict(analysis::Verdict verdict, bool color) {
    std::string text = analysis::to_string(verdict);
    switch (verdict) {
    case analysis::Verdict::slower:
        return paint(text, Tone::bad, color);
    case analysis::Verdict::faster:
        return paint(text, Tone::good, color);
    default:
        return text;
    }
}

} // namespace

std::string render_comparison(const Comparison& c, bool color, std::size_t width) {
    if (c.rows.empty()) {
        return "Nothing to compare: no subject has a completed run in the chosen scope.\n";
    }
    Table table({"subject", "metric", "baseline", "candidate", "change", "p", "verdict"});
    table.set_overflow(Overflow::stack);
    table.set_priority(2, 3);
    table.set_priority(3, 2);
    table.set_priority(5, 4);
    for (const analysis::MetricComparison& row : c.rows) {
        table.add_row({row.subject, metric_label(row.metric),
                       row.baseline_n ? format_value(row.baseline_median, row.unit) +
                                            " (n=" + std::to_string(row.baseline_n) + ")"
                                      : "-",
                       format_value(row.candidate_median, row.unit) +
                           " (n=" + std::to_string(row.candidate_n) + ")",
                       row.change_pct ? format_change(100, 100 + *row.change_pct) : "-",
                       p_text(row.p_value), colored_verdict(row.verdict, color)});
    }
    if (c.geomean_ratio) {
        table.add_row({"geometric mean", "of " + std::to_string(c.geomean_rows) + " compared", "",
                       "", format_change(1, *c.geomean_ratio), "", ""});
    }
    std::string out = table.render(color, width);
    std::string notes;
    if (c.geomean_ratio) {
        notes += "\nThe geometric mean is over the primary metric of the " +
                 count_of(c.geomean_rows, "subject") +
                 " with a baseline; the others are left out of it.";
    }
    char rule[200];
    std::snprintf(rule, sizeof rule,
                  "\nA change counts when p < %.3g (Mann-Whitney U, two-sided) and it exceeds the "
                  "noise floor (%s); under 5 samples a side is not enough data.\n",
                  c.alpha,
                  c.rows.front().threshold_pct == c.rows.back().threshold_pct
                      ? format_value(c.rows.front().threshold_pct, "%").c_str()
                      : "per kind");
    notes += rule;
    notes += "baselines:\n";
    for (const auto& [subject, description] : c.baselines) {
        notes += "  " + subject + ": " + (description.empty() ? "none" : description) + "\n";
    }
    return out + wrap_text(notes, width, 2);
}

nlohmann::json comparison_to_json(const Comparison& c) {
    using nlohmann::json;
    json rows = json::array();
    for (const analysis::MetricComparison& r : c.rows) {
        rows.push_back({{"kind", r.kind},
                        {"subject", r.subject},
                        {"metric", r.metric},
                        {"unit", r.unit},
                        {"baseline_n", r.baseline_n},
                        {"candidate_n", r.candidate_n},
                        {"baseline_median", r.baseline_n ? json(r.baseline_median) : json(nullptr)},
                        {"candidate_median", r.candidate_median},
                        {"change_pct", r.change_pct ? json(*r.change_pct) : json(nullptr)},
                        {"p_value", r.p_value ? json(*r.p_value) : json(nullptr)},
                        {"threshold_pct", r.threshold_pct},
                        {"verdict", analysis::to_string(r.verdict)}});
    }
    json baselines = json::object();
    for (const auto& [subject, description] : c.baselines) {
        baselines[subject] = description;
    }
    return {{"schema", "farm.compare/1"},
            {"alpha", c.alpha},
            {"rows", rows},
            {"geomean_ratio", c.geomean_ratio ? json(*c.geomean_ratio) : json(nullptr)},
            {"geomean_rows", c.geomean_rows},
            {"baselines", baselines},
            {"regressed", c.any_slower()}};
}

} // namespace farm::report
