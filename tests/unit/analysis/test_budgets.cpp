#include "farm/analysis/budgets.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::analysis;
using farm::core::Compression;
using farm::core::SizeBudget;

namespace {

fs::path fresh(const std::string& name) {
    return farm::test::fresh_folder("budgets", name);
}

void write(const fs::path& file, const std::string& text) {
    farm::test::write_file(file, text);
}

std::string repetitive(std::size_t size) {
    std::string text;
    while (text.size() < size) {
        text += "export function add(a, b) { return a + b; }\n";
    }
    text.resize(size);
    return text;
}

SizeBudget budget(const std::string& path, std::int64_t limit,
                  Compression compression = Compression::brotli) {
    SizeBudget b;
    b.path = path;
    b.limit_bytes = limit;
    b.limit_text = std::to_string(limit) + " B";
    b.compression = compression;
    return b;
}

// A project with 2 JS files (40 000 + 20 000 bytes) and a CSS file under packages/web/dist.
fs::path project(const std::string& name) {
    fs::path root = fresh(name);
    write(root / "packages" / "web" / "dist" / "app.js", repetitive(40'000));
    write(root / "packages" / "web" / "dist" / "chunks" / "vendor.js", repetitive(20'000));
    write(root / "packages" / "web" / "dist" / "app.css", repetitive(5'000));
    // Never part of a budget, even where the glob would match.
    write(root / "packages" / "web" / "dist" / "node_modules" / "dep.js", repetitive(90'000));
    return root;
}

} // namespace

TEST_CASE("analysis::check_budgets passing, breached and unmatched") {
    fs::path root = project("mixed");
    std::vector<BudgetResult> results =
        check_budgets({budget("packages/web/dist/**/*.js", 10'000),
                       budget("packages/web/dist/**/*.js", 1'000, Compression::none),
                       budget("packages/api/dist/**/*.js", 1'000'000),
                       budget("packages/web/dist/**/*.mjs", 1'000'000)},
                      root);
    REQUIRE(results.size() == 4);

    const BudgetResult& passing = results[0];
    CHECK(passing.budget.path == "packages/web/dist/**/*.js");
    CHECK(passing.size.files == 2); // app.js and chunks/vendor.js; not the CSS, not node_modules
    CHECK(passing.size.bytes == 60'000);
    CHECK(passing.measured_bytes == passing.size.brotli_bytes);
    CHECK(passing.measured_bytes <= 10'000);
    CHECK(passing.passed);

    const BudgetResult& breached = results[1];
    CHECK(breached.size.files == 2);
    CHECK(breached.measured_bytes == 60'000);
    CHECK_FALSE(breached.passed);

    // A glob that selects no file fails: a moved output folder must not pass silently.
    CHECK(results[2].size.files == 0);
    CHECK(results[2].measured_bytes == 0);
    CHECK_FALSE(results[2].passed);
    CHECK(results[3].size.files == 0);
    CHECK_FALSE(results[3].passed);
}

TEST_CASE("analysis::check_budgets the compression chooses the column") {
    fs::path root = project("columns");
    const std::string glob = "packages/web/dist/*.js";
    std::vector<BudgetResult> results = check_budgets(
        {budget(glob, 1'000'000, Compression::none), budget(glob, 1'000'000, Compression::gzip),
         budget(glob, 1'000'000, Compression::brotli)},
        root);
    REQUIRE(results.size() == 3);
    for (const BudgetResult& r : results) {
        CHECK(r.size.files == 1); // app.js only: * does not cross into chunks/
        CHECK(r.size.bytes == 40'000);
    }
    CHECK(results[0].measured_bytes == results[0].size.bytes);
    CHECK(results[1].measured_bytes == results[1].size.gzip_bytes);
    CHECK(results[2].measured_bytes == results[2].size.brotli_bytes);
    // Highly repetitive text: compressed, it is a small fraction of its raw size.
    CHECK(results[2].size.brotli_bytes * 20 < results[2].size.bytes);
    CHECK(results[1].size.gzip_bytes * 20 < results[1].size.bytes);

    SUBCASE("the limit itself passes; one byte under it fails") {
        std::int64_t gz = results[1].measured_bytes;
        std::vector<BudgetResult> edge = check_budgets(
            {budget(glob, gz, Compression::gzip), budget(glob, gz - 1, Compression::gzip)}, root);
        CHECK(edge[0].passed);
        CHECK_FALSE(edge[1].passed);
    }
}

TEST_CASE("analysis::check_budgets a path without wildcards") {
    fs::path root = project("exact");
    std::vector<BudgetResult> results =
        check_budgets({budget("packages/web/dist/app.css", 5'000, Compression::none),
                       budget("./packages/web/dist/chunks/vendor.js", 100, Compression::none),
                       budget("packages/web/dist/missing.js", 100)},
                      root);
    REQUIRE(results.size() == 3);
    CHECK(results[0].size.files == 1);
    CHECK(results[0].measured_bytes == 5'000);
    CHECK(results[0].passed);
    CHECK(results[1].size.files == 1);
    CHECK_FALSE(results[1].passed);
    CHECK(results[2].size.files == 0);
    CHECK_FALSE(results[2].passed);
}

TEST_CASE("analysis::check_budgets a glob from the project root") {
    fs::path root = project("from-root");
    write(root / "packages" / "ui" / "dist" / "ui.js", repetitive(1'000));
    std::vector<BudgetResult> results =
        check_budgets({budget("**/*.js", 10'000'000, Compression::none),
                       budget("packages/*/dist/*.js", 10'000'000, Compression::none)},
                      root);
    REQUIRE(results.size() == 2);
    CHECK(results[0].size.files == 3); // app.js, chunks/vendor.js, ui.js; node_modules skipped
    CHECK(results[0].size.bytes == 61'000);
    CHECK(results[1].size.files == 2); // app.js, ui.js
    CHECK(results[1].size.bytes == 41'000);
    CHECK(check_budgets({}, root).empty());
}
