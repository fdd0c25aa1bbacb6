// pnpm::clean_workspace_state: what --build-state clean removes before each run (the packages'
// outputs and the build caches inside the workspace) and what it never touches.
#include "farm/pnpm/runner_build.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace farm::pnpm;

namespace {

void write(const fs::path& file, const std::string& text = "x") {
    farm::test::write_file(file, text);
}

// A workspace of a Next.js app, a Vite app and a TypeScript library, each built before.
fs::path built_workspace() {
    fs::path root = farm::test::fresh_folder("runner_build", "clean");
    write(root / "package.json", R"({"name": "ws", "private": true})");
    write(root / "pnpm-workspace.yaml", "packages:\n  - \"apps/*\"\n  - \"packages/*\"\n");
    write(root / "apps/web/package.json",
          R"({"name": "web", "scripts": {"build": "next build"}, "dependencies": {"next": "15"}})");
    write(
        root / "apps/site/package.json",
        R"({"name": "site", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "6"}})");
    write(root / "packages/lib/package.json", R"({"name": "lib", "scripts": {"build": "tsc"}})");
    for (const char* file :
         {"apps/web/.next/static/chunks/app.js", "apps/web/.next/cache/webpack/0.pack",
          "apps/site/dist/index.js", "apps/site/node_modules/.vite/deps/react.js",
          "apps/site/node_modules/.cache/babel.json", "packages/lib/dist/index.js",
          "packages/lib/tsconfig.tsbuildinfo", "packages/lib/src/nested/x.tsbuildinfo",
          ".turbo/cache/abc.tar.zst", "node_modules/.cache/prettier.json",
          // kept: sources, installed packages, an unknown package's build/ and turbo's logs
          "packages/lib/src/index.ts", "packages/lib/build/script.mjs",
          "apps/site/node_modules/react/index.js", "node_modules/dep/x.tsbuildinfo",
          ".turbo/runs/run.json"}) {
        write(root / file);
    }
    return root;
}

} // namespace

TEST_CASE("pnpm::clean_workspace_state removes outputs and build caches, nothing else") {
    fs::path root = built_workspace();
    ProjectBenchmarkPlan plan;
    plan.project = load_project(root);
    clean_workspace_state(plan);
    for (const char* gone :
         {"apps/web/.next/static", "apps/web/.next/cache", "apps/site/dist",
          "apps/site/node_modules/.vite", "apps/site/node_modules/.cache", "packages/lib/dist",
          "packages/lib/tsconfig.tsbuildinfo", "packages/lib/src/nested/x.tsbuildinfo",
          ".turbo/cache", "node_modules/.cache"}) {
        CAPTURE(gone);
        CHECK_FALSE(fs::exists(root / gone));
    }
    for (const char* kept : {"packages/lib/src/index.ts", "packages/lib/build/script.mjs",
                             "apps/site/node_modules/react/index.js",
                             "node_modules/dep/x.tsbuildinfo", ".turbo/runs/run.json"}) {
        CAPTURE(kept);
        CHECK(fs::exists(root / kept));
    }

    SUBCASE("configured output folders replace the detected ones") {
        write(root / "apps/site/public-out/a.js");
        write(root / "apps/site/dist/index.js");
        plan.output_dirs = {"public-out"};
        clean_workspace_state(plan);
        CHECK_FALSE(fs::exists(root / "apps/site/public-out"));
        CHECK(fs::exists(root / "apps/site/dist/index.js"));
    }
}
