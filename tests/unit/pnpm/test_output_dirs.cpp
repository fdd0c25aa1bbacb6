#include "farm/pnpm/output_dirs.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::pnpm;
using Folders = std::vector<std::string>;

namespace {

Package package_in(const std::string& name, const std::vector<std::string>& deps,
                   const std::string& build = "build it") {
    Package p;
    p.name = "@acme/" + name;
    p.dir = farm::test::fresh_folder("output_dirs", name);
    p.dependencies = deps;
    p.scripts["build"] = build;
    return p;
}

void folder(const Package& p, const std::string& relative) {
    fs::create_directories(p.dir / relative);
}

void file(const Package& p, const std::string& relative, const std::string& text = "") {
    farm::test::write_file(p.dir / relative, text);
}

} // namespace

TEST_CASE("pnpm::locate_output Next.js") {
    SUBCASE("a next dependency: .next/static, never the rest of .next") {
        Package p = package_in("next-dep", {"react", "next"}, "next build");
        for (const char* f :
             {".next/static/chunks", ".next/cache", ".next/server", "out", "dist"}) {
            folder(p, f);
        }
        CHECK(detect_framework(p) == "Next.js");
        OutputPlace place = locate_output(p, {});
        CHECK(place.framework == "Next.js");
        CHECK(place.folders == Folders{".next/static"});
        CHECK(place.source == "Next.js: .next/static");
    }
    SUBCASE("next.config.* alone names Next.js too") {
        Package p = package_in("next-config", {});
        file(p, "next.config.ts", "export default {}\n");
        folder(p, ".next/static");
        CHECK(locate_output(p, {}).folders == Folders{".next/static"});
    }
    SUBCASE("distDir in next.config") {
        Package p = package_in("next-distdir", {"next"});
        file(p, "next.config.mjs", "const config = {\n  distDir: './build/',\n};\n");
        folder(p, "build/static");
        folder(p, ".next/static");
        CHECK(locate_output(p, {}).folders == Folders{"build/static"});
    }
    SUBCASE("distDir after a long string, a look-alike key and a comment") {
        // A 1 MB string crashed the regular expression that read the config before.
        Package p = package_in("next-long", {"next"});
        file(p, "next.config.js",
             "const logo = '" + std::string(1 << 20, 'A') +
                 "';\n// mydistDir: 'no'\nmodule.exports = {\n  distDir :\n \"gen\",\n};\n");
        folder(p, "gen/static");
        folder(p, ".next/static");
        CHECK(locate_output(p, {}).folders == Folders{"gen/static"});
    }
    SUBCASE("a distDir outside the package is not followed") {
        Package p = package_in("next-outside", {"next"});
        file(p, "next.config.js", "module.exports = { distDir: '../elsewhere' }\n");
        folder(p, ".next/static");
        CHECK(locate_output(p, {}).folders == Folders{".next/static"});
    }
    SUBCASE("output: 'export' is the whole static site in out") {
        Package p = package_in("next-export", {"next"});
        file(p, "next.config.mjs", "export default { output: \"export\" }\n");
        folder(p, "out/_next/static");
        folder(p, ".next/static");
        OutputPlace place = locate_output(p, {});
        CHECK(place.folders == Folders{"out"});
        CHECK(place.source == "Next.js (output: 'export'): out");
    }
    SUBCASE("not built: nothing found, and the hint says what to do") {
        Package p = package_in("next-unbuilt", {"next"});
        folder(p, ".next/cache");
        OutputPlace place = locate_output(p, {});
        CHECK(place.folders.empty());
        CHECK(place.source.empty());
        std::string hint = missing_output_hint(p, place);
        CHECK(hint.find("@acme/next-unbuilt") != std::string::npos);
        CHECK(hint.find(".next/static") != std::string::npos);
        CHECK(hint.find("--output-dir") != std::string::npos);
        CHECK(hint.find("build.output_dirs") != std::string::npos);
    }
}

TEST_CASE("pnpm::locate_output Nitro and TanStack Start") {
    SUBCASE("TanStack Start (which also depends on vite): .output/public") {
        Package p = package_in("start", {"@tanstack/react-start", "vite"}, "vite build");
        file(p, "vite.config.ts", "export default {}\n");
        folder(p, ".output/public/assets");
        folder(p, ".output/server");
        folder(p, "dist");
        OutputPlace place = locate_output(p, {});
        CHECK(place.framework == "TanStack Start");
        CHECK(place.folders == Folders{".output/public"});
    }
    SUBCASE("TanStack Start without Nitro: dist/client") {
        Package p = package_in("start-vite", {"@tanstack/react-start"});
        folder(p, "dist/client");
        folder(p, "dist/server");
        CHECK(locate_output(p, {}).folders == Folders{"dist/client"});
    }
    SUBCASE("Nuxt and Nitro") {
        Package nuxt = package_in("nuxt", {"nuxt"});
        folder(nuxt, ".output/public");
        CHECK(locate_output(nuxt, {}).source == "Nuxt: .output/public");
        Package nitro = package_in("nitro", {});
        file(nitro, "nitro.config.ts");
        folder(nitro, ".output/public");
        CHECK(locate_output(nitro, {}).source == "Nitro: .output/public");
    }
}

TEST_CASE("pnpm::locate_output Vite and the rest") {
    SUBCASE("vite in the build script: dist") {
        Package p = package_in("site", {"vite"}, "tsc && vite build");
        folder(p, "dist");
        folder(p, "build");
        CHECK(locate_output(p, {}).source == "Vite: dist");
    }
    SUBCASE("build.outDir from vite.config") {
        Package p = package_in("vite-outdir", {"vite"});
        file(p, "vite.config.ts",
             "export default defineConfig({ build: { outDir: 'public-build' } })");
        folder(p, "public-build");
        CHECK(locate_output(p, {}).folders == Folders{"public-build"});
    }
    SUBCASE("vite only for vitest is not the build") {
        Package p = package_in("lib", {"vite", "vitest", "typescript"}, "tsc -p .");
        CHECK(detect_framework(p).empty());
        folder(p, "dist");
        folder(p, "out");
        OutputPlace place = locate_output(p, {});
        CHECK(place.framework.empty());
        CHECK(place.folders == Folders{"dist", "out"});
        CHECK(place.source == "found: dist, out");
    }
    SUBCASE("SvelteKit, React Router, Astro") {
        Package kit = package_in("kit", {"@sveltejs/kit", "vite"}, "vite build");
        folder(kit, ".svelte-kit/output/client");
        CHECK(locate_output(kit, {}).folders == Folders{".svelte-kit/output/client"});
        Package rr = package_in("rr", {"@react-router/dev", "vite"}, "react-router build");
        folder(rr, "build/client");
        folder(rr, "build/server");
        CHECK(locate_output(rr, {}).folders == Folders{"build/client"});
        Package astro = package_in("astro", {"astro"});
        folder(astro, "dist");
        CHECK(locate_output(astro, {}).source == "Astro: dist");
    }
}

TEST_CASE("pnpm::locate_output configured folders replace the detection") {
    Package p = package_in("configured", {"next"}, "next build");
    folder(p, ".next/static");
    folder(p, "storybook-static");
    OutputPlace place = locate_output(p, {"storybook-static", "missing"});
    CHECK(place.framework.empty());
    CHECK(place.folders == Folders{"storybook-static"});
    CHECK(place.source == "configured: storybook-static");
    OutputPlace none = locate_output(p, {"missing"});
    CHECK(none.folders.empty());
    CHECK(missing_output_hint(p, none).find("(looked for missing)") != std::string::npos);
}
