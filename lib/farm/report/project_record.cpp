#include "farm/report/project_record.hpp"

#include "farm/core/text.hpp"
#include "farm/measure/stats.hpp"
#include "farm/report/format.hpp"
#include "farm/report/runner_record.hpp"
#include "farm/report/table.hpp"

#include <algorithm>
#include <filesystem>

namespace farm::report {

std::string display_command(std::vector<std::string> argv) {
    if (!argv.empty()) {
        argv[0] = std::filesystem::path(argv[0]).filename().string();
    }
    return core::join_command_line(core::redact_secrets(argv));
}

namespace {

history::Run run_like(const history::Run& base, const std::string& kind, const std::string& subject,
                      const std::vector<std::string>& argv, const measure::RunResult& run) {
    history::Run r = base;
    r.kind = kind;
    r.subject = subject;
    r.command = display_command(argv);
    r.status = history::status_for(run.outcome);
    r.duration_s = run.total_wall_s;
    for (const measure::Iteration& it : run.iterations) {
        r.iterations.push_back(measure::to_iteration_record(it));
    }
    return r;
}

// Adds a metric to every iteration, but only when every iteration has a value for it: a metric
// is either measured in all runs or not shown at all.
template <typename Get>
void add_metric_if_everywhere(history::Run& run, const std::vector<pnpm::InstallStats>& stats,
                              const std::string& name, const std::string& unit, Get get) {
    if (stats.size() != run.iterations.size() || stats.empty()) {
        return;
    }
    for (const pnpm::InstallStats& s : stats) {
        if (!get(s)) {
            return;
        }
    }
    for (std::size_t i = 0; i < stats.size(); ++i) {
        run.iterations[i].metrics.push_back({name, unit, *get(stats[i])});
    }
}

std::optional<double> median_of(const history::Run& run, const std::string& metric) {
    std::vector<double> values;
    for (const measure::IterationRecord& it : run.iterations) {
        if (std::optional<double> v = it.metric(metric)) {
            values.push_back(*v);
        }
    }
    if (values.empty()) {
        return std::nullopt;
    }
    return measure::median(values);
}

} // namespace

ProjectReport project_runs(const pnpm::ProjectBenchmarkPlan& plan,
                           const pnpm::ProjectBenchmarkResult& result, const history::Run& base) {
    ProjectReport report;
    if (result.install) {
        const pnpm::InstallOutcome& install = *result.install;
        std::string scenario = pnpm::to_string(plan.install);
        history::Run run =
            run_like(base, "install", "install:" + scenario, install.argv, install.run);
        using S = pnpm::InstallStats;
        auto count = [](std::size_t S::*field) {
            return [field](const S& s) { return std::optional<double>(double(s.*field)); };
        };
        add_metric_if_everywhere(run, install.stats, "resolved", "count", count(&S::resolved));
        add_metric_if_everywhere(run, install.stats, "downloaded", "count", count(&S::downloaded));
        add_metric_if_everywhere(run, install.stats, "reused", "count", count(&S::reused));
        add_metric_if_everywhere(run, install.stats, "added", "count", count(&S::added));
        add_metric_if_everywhere(run, install.stats, "bytes_downloaded", "bytes", [](const S& s) {
            return std::optional<double>(double(s.bytes_downloaded));
        });
        add_metric_if_everywhere(run, install.stats, "store_hit_rate", "%", [](const S& s) {
            std::optional<double> rate = s.store_hit_rate();
            return rate ? std::optional<double>(*rate * 100) : std::nullopt;
        });
        add_metric_if_everywhere(run, install.stats, "resolution_s", "s",
                                 [](const S& s) { return s.resolution_s; });
        add_metric_if_everywhere(run, install.stats, "importing_s", "s",
                                 [](const S& s) { return s.importing_s; });
        add_metric_if_everywhere(run, install.stats, "lifecycle_s", "s",
                                 [](const S& s) { return s.lifecycle_s(); });
        std::string warnings;
        for (const pnpm::InstallWarning& w : pnpm::distinct_warnings(install.stats)) {
            warnings += (warnings.empty() ? "" : "\n") + w.text;
        }
        if (!warnings.empty()) {
            run.context.project["pnpm_warnings"] = warnings;
        }

        analysis::InstallFindings findings;
        findings.scenario = scenario;
        findings.median_s = median_of(run, "wall_s").value_or(0);
        findings.runs = run.iterations.size();
        for (const S& s : install.stats) {
            findings.reused += s.reused;
            findings.downloaded += s.downloaded;
            if (!s.import_method.empty()) {
                findings.import_method = s.import_method;
            }
            if (!s.store_dir.empty()) {
                findings.store_dir = s.store_dir;
            }
        }
        if (run.status == history::RunStatus::ok) { // a failed install is never a number
            report.install = findings;
        } else {
            run.failure = install.run.failure.empty()
                              ? "install " + std::string(history::to_string(run.status))
                              : "install: " + install.run.failure;
        }
        report.runs.push_back(std::move(run));
    }

    if (result.runner_build) {
        add_runner_runs(plan, *result.runner_build, base, report);
    }
    std::size_t common_runs = SIZE_MAX;
    bool every_package_ok = true;
    for (const pnpm::PackageBuild& build : result.builds) {
        every_package_ok = every_package_ok && build.status == pnpm::PackageStatus::ok;
        if (build.status == pnpm::PackageStatus::skipped ||
            build.status == pnpm::PackageStatus::not_run) {
            continue; // never ran: nothing to record
        }
        history::Run run =
            run_like(base, "build", "build:" + build.package->name, build.argv, build.run);
        common_runs = std::min(common_runs, run.iterations.size());
        if (build.status == pnpm::PackageStatus::ok) { // a failed build is never a number
            analysis::PackageFindings findings;
            findings.name = build.package->name;
            findings.build_median_s = median_of(run, "wall_s");
            findings.build_runs = run.iterations.size();
            if (build.output) {
                findings.output_bytes = build.output->bytes;
                findings.output_source = build.output->source;
                findings.framework = build.output->framework;
            }
            report.packages.push_back(findings);
        } else {
            run.failure = pnpm::build_failure_message(*build.package, build.run);
        }
        report.runs.push_back(std::move(run));
    }

    // build:total, run k = the sum of every package's run k; only when every package's build
    // completed, as a sum over some packages would read as a faster build.
    if (every_package_ok && result.builds.size() > 1 && common_runs > 0 &&
        common_runs != SIZE_MAX) {
        history::Run total = base;
        total.kind = "build";
        total.subject = "build:total";
        total.command = "every package's " + plan.script.value_or("build") + " script, in order";
        total.status = history::RunStatus::ok;
        for (const history::Run& r : report.runs) {
            if (r.kind == "build" && r.status != history::RunStatus::ok) {
                total.status = r.status;
            }
        }
        for (std::size_t k = 0; k < common_runs; ++k) {
            measure::IterationRecord sum;
            sum.index = int(k);
            double wall = 0, user = 0, sys = 0;
            for (const pnpm::PackageBuild& build : result.builds) {
                const exec::ProcessResult& p = build.run.iterations[k].process;
                wall += p.wall_s;
                user += p.user_s;
                sys += p.sys_s;
                if (!p.succeeded()) {
                    sum.exit_code = p.exit_code;
                    sum.signal = p.signal;
                }
            }
            sum.metrics = {{"wall_s", "s", wall}, {"user_s", "s", user}, {"sys_s", "s", sys}};
            total.iterations.push_back(std::move(sum));
        }
        report.runs.push_back(std::move(total));
    }

    for (const pnpm::PackageBuild& build : result.builds) {
        if (!build.output || build.output->files == 0) {
            continue;
        }
        history::Run size = base;
        size.kind = "size";
        size.subject = "size:" + build.package->name;
        size.command = build.output->source;
        if (build.output->source_map_files > 0) {
            size.command += " (source maps left out)";
        }
        size.duration_s = 0;
        measure::IterationRecord only;
        only.metrics = {{"files", "count", double(build.output->files)},
                        {"bytes", "bytes", double(build.output->bytes)},
                        {"gzip_bytes", "bytes", double(build.output->gzip_bytes)},
                        {"brotli_bytes", "bytes", double(build.output->brotli_bytes)}};
        size.iterations.push_back(std::move(only));
        report.runs.push_back(std::move(size));
    }
    if (!result.runner_build) {
        add_serial_sum_of_packages(report);
    }
    return report;
}

} // namespace farm::report
