// What each route of a Next.js build loads first, from the manifests `next build` writes into
// its dist folder (.next): app-build-manifest.json (app router: each page's and each layout's
// chunks) and build-manifest.json (pages router: each page's chunks, plus /_app's, which every
// page loads). A route's First Load JS is the JavaScript of its page and of every layout above it
// (app router), or of its page and /_app (pages router), each file once, as `next build` counts
// it in its "First Load JS" column. Polyfills (loaded only by old browsers) are left out, as
// Next leaves them out.
//
// A manifest that is missing, unreadable or not what Next writes gives no routes: the routes are
// an extra, the output's size stands without them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace farm::pnpm {

struct RouteFiles {
    std::string route;              // "/", "/blog/[slug]" (route groups left out)
    std::string router;             // "app" or "pages"
    std::vector<std::string> files; // relative to the dist folder: "static/chunks/…js"
};

// Sorted by router, then route.
std::vector<RouteFiles> next_route_files(const std::filesystem::path& dist_dir);

} // namespace farm::pnpm
