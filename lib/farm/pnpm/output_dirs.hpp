// Where a package's build puts what a browser downloads, found from the package itself: its
// dependencies (package.json, every dependency field) and its framework's config file.
//
//   Next.js (`next`, next.config.*)          <distDir>/static (default .next/static); `out` with
//                                            `output: 'export'`. Never .next/cache, .next/server
//                                            or the build traces: the browser gets none of them.
//   TanStack Start, Nuxt, Nitro, vinxi        .output/public (TanStack Start without Nitro:
//   dist/client) SvelteKit                                 .svelte-kit/output/client React Router 7
//   / Remix                    build/client Astro                                     dist Vite
//   (`vite`, vite.config.*)              build.outDir when the config names it, else dist anything
//   else                             dist, build, out (those that exist)
//
// The config files are read as text for one literal value (distDir, output, outDir): a value
// computed in code is not seen, and then the default applies. Folders configured by the user
// (farm.config.json build.output_dirs, --output-dir) replace the detection.
#pragma once

#include "farm/pnpm/project.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace farm::pnpm {

struct OutputPlace {
    std::string framework;               // "Next.js", "Vite", ...; empty when configured or unknown
    std::vector<std::string> folders;    // relative to the package folder: the ones that exist
    std::vector<std::string> looked_for; // every candidate, in order
    std::string source; // what was measured and why: "Next.js: .next/static", "configured: dist"
};

// The framework's name ("Next.js") when one is recognised, else "".
std::string detect_framework(const Package& package);

// `configured` empty: detected as above. Call it after the build: only existing folders count.
OutputPlace locate_output(const Package& package, const std::vector<std::string>& configured);

// The hint for a package that built but left no output folder farm knows of.
std::string missing_output_hint(const Package& package, const OutputPlace& place);

} // namespace farm::pnpm
