// What a browser downloads from one package's build: the files of the folders locate_output
// (output_dirs.hpp) finds, source maps counted on their own, and for a Next.js app the First Load
// JS of each route (next_routes.hpp). This is what `size:<package>` records and what the size
// advice reads.
#pragma once

#include "farm/measure/output_size.hpp"
#include "farm/measure/size_cache.hpp"
#include "farm/pnpm/output_dirs.hpp"
#include "farm/pnpm/project.hpp"

#include <string>
#include <vector>

namespace farm::pnpm {

struct RouteSize {
    std::string route;  // "/", "/blog/[slug]"
    std::string router; // "app" or "pages"
    measure::OutputSize first_load_js;
};

// The sizes (OutputSize: files, bytes, gzip, brotli, source maps) and where they come from.
struct PackageOutput : measure::OutputSize {
    std::string framework;            // "Next.js"; empty when configured or not recognised
    std::vector<std::string> folders; // measured, relative to the package
    std::string source;               // "Next.js: .next/static"; empty when nothing was found
    std::string hint;                 // when no folder was found: what to do
    std::vector<RouteSize> routes;    // Next.js only
};

// Throws farm::Error when a file of the output cannot be read.
PackageOutput measure_browser_output(const Package& package,
                                     const std::vector<std::string>& configured_dirs,
                                     measure::SizeCache* cache);

} // namespace farm::pnpm
