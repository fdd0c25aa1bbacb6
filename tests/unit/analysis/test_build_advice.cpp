#include "farm/analysis/build_advice.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using namespace farm::analysis;
using farm::core::Thresholds;

namespace {

PackageFindings package(const std::string& name, std::optional<double> build_s,
                        std::optional<std::int64_t> output = std::nullopt) {
    PackageFindings p;
    p.name = name;
    p.build_median_s = build_s;
    p.build_runs = 5;
    p.output_bytes = output;
    return p;
}

InstallFindings install(const std::string& scenario, double median_s, std::size_t reused,
                        std::size_t downloaded, const std::string& method = "hardlink") {
    InstallFindings f;
    f.scenario = scenario;
    f.median_s = median_s;
    f.runs = 4;
    f.reused = reused;
    f.downloaded = downloaded;
    f.import_method = method;
    f.store_dir = "/home/dev/.local/share/pnpm/store/v10";
    return f;
}

std::vector<std::string> rules(const std::vector<Advice>& advice) {
    std::vector<std::string> out;
    for (const Advice& a : advice) {
        out.push_back(a.rule);
    }
    return out;
}

bool has_rule(const std::vector<Advice>& advice, const std::string& rule) {
    return std::any_of(advice.begin(), advice.end(),
                       [&](const Advice& a) { return a.rule == rule; });
}

const Advice& find_rule(const std::vector<Advice>& advice, const std::string& rule) {
    auto it =
        std::find_if(advice.begin(), advice.end(), [&](const Advice& a) { return a.rule == rule; });
    REQUIRE(it != advice.end());
    return *it;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const Thresholds defaults;

} // namespace

TEST_CASE("analysis::advise_build nothing to say") {
    CHECK(advise_build(std::nullopt, {}, defaults).empty());
    CHECK(advise_build(std::nullopt, {package("a", 1.0, 1000)}, defaults).empty());
    CHECK(advise_build(std::nullopt, {package("no-data", std::nullopt)}, defaults).empty());
    CHECK(advise_build(install("warm", 5, 10, 0), {}, defaults).empty());
}

TEST_CASE("analysis::advise_build slow_build") {
    CHECK(rules(advise_build(std::nullopt, {package("a", 30.01)}, defaults)) ==
          std::vector<std::string>{"slow_build"});
    CHECK(advise_build(std::nullopt, {package("a", 29.99)}, defaults).empty());
    CHECK(advise_build(std::nullopt, {package("a", 30.0)}, defaults).empty()); // not over

    std::vector<Advice> advice =
        advise_build(std::nullopt, {package("@example/web", 42.04)}, defaults);
    const Advice& a = find_rule(advice, "slow_build");
    CHECK(a.subject == "build:@example/web");
    CHECK_MESSAGE(contains(a.finding, "42.0 s"), a.finding);
    CHECK_MESSAGE(contains(a.finding, "5 runs"), a.finding);
    CHECK_MESSAGE(contains(a.finding, "30 s"), a.finding);
    CHECK_FALSE(a.suggestions.empty());

    Thresholds t;
    t.build_slow_s = 5;
    CHECK(has_rule(advise_build(std::nullopt, {package("a", 5.01)}, t), "slow_build"));
    CHECK_FALSE(has_rule(advise_build(std::nullopt, {package("a", 4.99)}, t), "slow_build"));
}

TEST_CASE("analysis::advise_build large_output") {
    CHECK(rules(advise_build(std::nullopt, {package("a", std::nullopt, 5'000'001)}, defaults)) ==
          std::vector<std::string>{"large_output"});
    CHECK(advise_build(std::nullopt, {package("a", std::nullopt, 5'000'000)}, defaults).empty());
    CHECK(advise_build(std::nullopt, {package("a", std::nullopt, 4'999'999)}, defaults).empty());

    std::vector<Advice> advice =
        advise_build(std::nullopt, {package("@example/web", 1.0, 7'340'000)}, defaults);
    const Advice& a = find_rule(advice, "large_output");
    CHECK(a.subject == "build:@example/web");
    CHECK_MESSAGE(contains(a.finding, "7.0 MiB"), a.finding);
    CHECK_MESSAGE(contains(a.finding, "4.8 MiB"), a.finding);
    CHECK_FALSE(a.suggestions.empty());

    Thresholds t;
    t.output_large_bytes = 250'000;
    CHECK(has_rule(advise_build(std::nullopt, {package("a", std::nullopt, 250'001)}, t),
                   "large_output"));
    CHECK_FALSE(has_rule(advise_build(std::nullopt, {package("a", std::nullopt, 249'999)}, t),
                         "large_output"));
}

TEST_CASE("analysis::advise_build one item per package and rule") {
    std::vector<Advice> advice = advise_build(
        std::nullopt, {package("a", 45, 9'000'000), package("b", 1, 10), package("c", 31)},
        defaults);
    CHECK(rules(advice) == std::vector<std::string>{"slow_build", "large_output", "slow_build"});
    CHECK(advice[0].subject == "build:a");
    CHECK(advice[2].subject == "build:c");
}

TEST_CASE("analysis::advise_build low_store_hits") {
    SUBCASE("just under and just at the minimum") {
        // 69 of 100 from the store: 69% < 70%.
        std::vector<Advice> advice = advise_build(install("warm", 5, 69, 31), {}, defaults);
        CHECK(rules(advice) == std::vector<std::string>{"low_store_hits"});
        const Advice& a = advice[0];
        CHECK(a.subject == "install:warm");
        CHECK_MESSAGE(contains(a.finding, "69%"), a.finding);
        CHECK_MESSAGE(contains(a.finding, "69 reused"), a.finding);
        CHECK_MESSAGE(contains(a.finding, "31 downloaded"), a.finding);
        CHECK_MESSAGE(contains(a.finding, "4 runs"), a.finding);
        CHECK_MESSAGE(contains(a.finding, "70%"), a.finding);
        CHECK_FALSE(a.suggestions.empty());
        // 70 of 100: at the minimum, not under it.
        CHECK(advise_build(install("warm", 5, 70, 30), {}, defaults).empty());
        CHECK(
            has_rule(advise_build(install("warm", 5, 6999, 3001), {}, defaults), "low_store_hits"));
        CHECK(advise_build(install("noop", 5, 7001, 2999), {}, defaults).empty());
    }
    SUBCASE("a configured minimum") {
        Thresholds t;
        t.store_hit_rate_min = 0.5;
        CHECK(has_rule(advise_build(install("warm", 5, 49, 51), {}, t), "low_store_hits"));
        CHECK_FALSE(has_rule(advise_build(install("warm", 5, 51, 49), {}, t), "low_store_hits"));
    }
    SUBCASE("a cold install downloads by design") {
        CHECK_FALSE(
            has_rule(advise_build(install("cold", 5, 0, 100), {}, defaults), "low_store_hits"));
    }
    SUBCASE("nothing to fetch is not a 0% hit rate") {
        CHECK(advise_build(install("noop", 5, 0, 0), {}, defaults).empty());
        CHECK(advise_build(install("warm", 5, 0, 0), {}, defaults).empty());
    }
}

TEST_CASE("analysis::advise_build copy_import") {
    std::vector<Advice> advice = advise_build(install("warm", 5, 10, 0, "copy"), {}, defaults);
    CHECK(rules(advice) == std::vector<std::string>{"copy_import"});
    CHECK(advice[0].subject == "install:warm");
    CHECK_MESSAGE(contains(advice[0].finding, "/home/dev/.local/share/pnpm/store/v10"),
                  advice[0].finding);
    for (const char* method : {"hardlink", "clone", "clone-or-copy", ""}) {
        CHECK_FALSE(
            has_rule(advise_build(install("warm", 5, 10, 0, method), {}, defaults), "copy_import"));
    }
    InstallFindings no_store = install("cold", 5, 0, 10, "copy");
    no_store.store_dir.clear();
    std::vector<Advice> bare = advise_build(no_store, {}, defaults);
    REQUIRE(has_rule(bare, "copy_import"));
    CHECK_FALSE(contains(find_rule(bare, "copy_import").finding, "store:"));
}

TEST_CASE("analysis::advise_build slow_install") {
    CHECK(rules(advise_build(install("warm", 60.01, 10, 0), {}, defaults)) ==
          std::vector<std::string>{"slow_install"});
    CHECK(advise_build(install("warm", 59.99, 10, 0), {}, defaults).empty());
    CHECK(advise_build(install("warm", 60.0, 10, 0), {}, defaults).empty());

    std::vector<Advice> advice = advise_build(install("cold", 95.26, 0, 10), {}, defaults);
    const Advice& a = find_rule(advice, "slow_install");
    CHECK(a.subject == "install:cold");
    CHECK_MESSAGE(contains(a.finding, "95.3 s"), a.finding);
    CHECK_MESSAGE(contains(a.finding, "4 runs"), a.finding);
    CHECK_MESSAGE(contains(a.finding, "60 s"), a.finding);

    Thresholds t;
    t.install_slow_s = 10;
    CHECK(has_rule(advise_build(install("warm", 10.01, 10, 0), {}, t), "slow_install"));
    CHECK_FALSE(has_rule(advise_build(install("warm", 9.99, 10, 0), {}, t), "slow_install"));
}

TEST_CASE("analysis::advise_build everything at once") {
    std::vector<Advice> advice =
        advise_build(install("warm", 120, 1, 9, "copy"), {package("web", 40, 6'000'000)}, defaults);
    CHECK(rules(advice) == std::vector<std::string>{"slow_build", "large_output", "low_store_hits",
                                                    "copy_import", "slow_install"});
}

TEST_CASE("analysis::advise_build names the framework's cache and the browser-facing output") {
    PackageFindings next = package("@acme/web", 42.0, 6'000'000);
    next.framework = "Next.js";
    next.output_source = "Next.js: .next/static";
    std::vector<Advice> advice = advise_build(std::nullopt, {next}, defaults);
    const Advice& slow = find_rule(advice, "slow_build");
    bool names_next_cache =
        std::any_of(slow.suggestions.begin(), slow.suggestions.end(),
                    [](const std::string& s) { return contains(s, ".next/cache"); });
    CHECK(names_next_cache);
    for (const std::string& s : slow.suggestions) {
        CHECK_MESSAGE(!contains(s, "bundler's persistent cache"), s);
        CHECK_MESSAGE(!contains(s, "Vite"), s);
        CHECK_MESSAGE(!contains(s, ".vite"), s);
    }
    const Advice& large = find_rule(advice, "large_output");
    CHECK_MESSAGE(contains(large.finding, "browser output (Next.js: .next/static) is 5.7 MiB"),
                  large.finding);
    CHECK_MESSAGE(contains(large.finding, "source maps left out"), large.finding);

    PackageFindings plain = package("lib", 42.0);
    std::vector<Advice> plain_advice = advise_build(std::nullopt, {plain}, defaults);
    const Advice& generic = find_rule(plain_advice, "slow_build");
    CHECK(contains(generic.suggestions.front(), "tsc --incremental"));
}

TEST_CASE("analysis::advise_build with a task runner: its wall time, never \"adopt one\"") {
    Thresholds t;
    RunnerFindings turbo;
    turbo.runner = "turbo";
    turbo.command = "turbo run build --summarize --force";
    turbo.wall_median_s = t.build_slow_s + 10;
    turbo.runs = 3;
    // A package under the line; the runner's wall time over it.
    std::vector<Advice> advice = advise_build(std::nullopt, {package("web", 5.0)}, t, turbo);
    REQUIRE(advice.size() == 1);
    CHECK(advice[0].subject == "build:total");
    CHECK(advice[0].rule == "slow_build");
    CHECK(advice[0].finding.find("`turbo run build --summarize --force` takes") == 0);
    CHECK(advice[0].finding.find("wall time, median of 3 runs") != std::string::npos);
    // A slow package in a turbo repo: turbo's cache, not "use turbo or nx".
    advice = advise_build(std::nullopt, {package("web", t.build_slow_s + 1)}, t,
                          RunnerFindings{"turbo", "", std::nullopt, 0});
    REQUIRE(advice.size() == 1);
    for (const std::string& s : advice[0].suggestions) {
        CHECK(s.find("turbo or nx") == std::string::npos);
    }
    // Without a runner the advice to adopt one stays.
    advice = advise_build(std::nullopt, {package("web", t.build_slow_s + 1)}, t);
    bool adopt = false;
    for (const std::string& s : advice.at(0).suggestions) {
        adopt = adopt || s.find("turbo or nx") != std::string::npos;
    }
    CHECK(adopt);
}
