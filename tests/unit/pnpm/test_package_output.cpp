#include "farm/pnpm/next_routes.hpp"
#include "farm/pnpm/package_output.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace farm::pnpm;
using farm::measure::measure_file;
using farm::measure::OutputSize;

namespace {

std::string chunk(std::size_t size, const std::string& name) {
    std::string text;
    while (text.size() < size) {
        text += "self.chunk_" + name + "=function(){return '" + name + "'};\n";
    }
    text.resize(size);
    return text;
}

// A .next folder as `next build` 15 leaves it (manifests trimmed to what farm reads).
Package next_app() {
    Package p;
    p.name = "@acme/web";
    p.dir = farm::test::fresh_folder("package_output", "web");
    p.dependencies = {"next", "react"};
    fs::path next = p.dir / ".next";
    for (const char* name : {"webpack", "framework", "main-app", "layout", "page", "blog-page",
                             "polyfills", "pages-app", "about"}) {
        farm::test::write_file(next / "static" / "chunks" / (std::string(name) + ".js"),
                               chunk(3'000 + std::string(name).size() * 100, name));
    }
    farm::test::write_file(next / "static" / "chunks" / "page.js.map", chunk(50'000, "map"));
    farm::test::write_file(next / "static" / "css" / "app.css", chunk(2'000, "css"));
    farm::test::write_file(next / "server" / "app" / "page.js", chunk(400'000, "server"));
    farm::test::write_file(next / "cache" / "webpack" / "pack", chunk(900'000, "cache"));
    farm::test::write_file(next / "trace", chunk(100'000, "trace"));
    farm::test::write_file(next / "app-build-manifest.json", R"({"pages": {
        "/layout": ["static/chunks/webpack.js", "static/chunks/main-app.js",
                    "static/chunks/layout.js", "static/css/app.css"],
        "/page": ["static/chunks/webpack.js", "static/chunks/main-app.js", "static/chunks/page.js"],
        "/(blog)/blog/[slug]/page": ["static/chunks/webpack.js", "static/chunks/blog-page.js"]
    }})");
    farm::test::write_file(next / "build-manifest.json", R"({"polyfillFiles":
        ["static/chunks/polyfills.js"], "pages": {
        "/_app": ["static/chunks/webpack.js", "static/chunks/framework.js",
                  "static/chunks/pages-app.js"],
        "/_error": ["static/chunks/webpack.js"],
        "/about": ["static/chunks/webpack.js", "static/chunks/about.js"]
    }})");
    return p;
}

OutputSize sum(const Package& p, const std::vector<std::string>& chunks) {
    OutputSize total;
    for (const std::string& c : chunks) {
        total += measure_file(p.dir / ".next" / "static" / "chunks" / (c + ".js"));
    }
    return total;
}

} // namespace

TEST_CASE("pnpm::next_route_files") {
    Package p = next_app();
    std::vector<RouteFiles> routes = next_route_files(p.dir / ".next");
    REQUIRE(routes.size() == 3);
    CHECK(routes[0].route == "/");
    CHECK(routes[0].router == "app");
    CHECK(routes[0].files ==
          std::vector<std::string>{"static/chunks/webpack.js", "static/chunks/main-app.js",
                                   "static/chunks/layout.js", "static/chunks/page.js"});
    CHECK(routes[1].route == "/blog/[slug]");
    CHECK(routes[1].files.size() == 4); // the root layout's three and its page, webpack once
    CHECK(routes[2].route == "/about");
    CHECK(routes[2].router == "pages");
    CHECK(routes[2].files.size() == 4);

    SUBCASE("a manifest that is not Next's gives no routes, and no error") {
        farm::test::write_file(p.dir / ".next" / "app-build-manifest.json", "{\"pages\": [1, 2");
        farm::test::write_file(p.dir / ".next" / "build-manifest.json", "{\"pages\": 3}");
        CHECK(next_route_files(p.dir / ".next").empty());
    }
}

TEST_CASE("pnpm::measure_browser_output Next.js: .next/static only, maps apart, routes") {
    Package p = next_app();
    PackageOutput out = measure_browser_output(p, {}, nullptr);
    CHECK(out.source == "Next.js: .next/static");
    CHECK(out.hint.empty());
    CHECK(out.files == 10); // nine chunks and the CSS file; no map, nothing outside static
    OutputSize expected = sum(p, {"webpack", "framework", "main-app", "layout", "page", "blog-page",
                                  "polyfills", "pages-app", "about"});
    expected += measure_file(p.dir / ".next" / "static" / "css" / "app.css");
    CHECK(out.bytes == expected.bytes);
    CHECK(out.brotli_bytes == expected.brotli_bytes);
    CHECK(out.source_map_files == 1);
    CHECK(out.source_map_bytes == 50'000);
    REQUIRE(out.routes.size() == 3);
    CHECK(out.routes[0].first_load_js.gzip_bytes ==
          sum(p, {"webpack", "main-app", "layout", "page"}).gzip_bytes);
    CHECK(out.routes[2].first_load_js.bytes ==
          sum(p, {"webpack", "framework", "pages-app", "about"}).bytes);

    SUBCASE("configured folders: measured as given, no routes") {
        PackageOutput all = measure_browser_output(p, {".next"}, nullptr);
        CHECK(all.source == "configured: .next");
        CHECK(all.bytes > out.bytes + 1'000'000);
        CHECK(all.routes.empty());
    }
    SUBCASE("no build yet: a hint") {
        fs::remove_all(p.dir / ".next");
        PackageOutput none = measure_browser_output(p, {}, nullptr);
        CHECK(none.files == 0);
        CHECK(none.hint.find("--output-dir") != std::string::npos);
    }
}
