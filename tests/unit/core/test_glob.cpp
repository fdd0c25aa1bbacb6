#include "farm/core/glob.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace farm::core;

TEST_CASE("core::glob_match exact paths") {
    CHECK(glob_match("packages/web", "packages/web"));
    CHECK(glob_match("dist/index.js", "dist/index.js"));
    CHECK_FALSE(glob_match("packages/web", "packages/we"));
    CHECK_FALSE(glob_match("packages/web", "packages/web2"));
    CHECK_FALSE(glob_match("packages/web", "packages/web/src"));
    CHECK_FALSE(glob_match("packages/web/src", "packages/web"));
    CHECK_FALSE(glob_match("Dist", "dist")); // case matters, as on Linux
}

TEST_CASE("core::glob_match * stays within a segment") {
    CHECK(glob_match("packages/*", "packages/a"));
    CHECK(glob_match("packages/*", "packages/web-app"));
    CHECK_FALSE(glob_match("packages/*", "packages/a/b"));
    CHECK_FALSE(glob_match("packages/*", "packages"));
    CHECK_FALSE(glob_match("packages/*", "other/a"));
    CHECK(glob_match("*.js", "index.js"));
    CHECK_FALSE(glob_match("*.js", "dist/index.js"));
    CHECK(glob_match("dist/*.js", "dist/.js"));
    CHECK(glob_match("dist/*.js", "dist/a.b.js"));
    CHECK_FALSE(glob_match("dist/*.js", "dist/a.jsx"));
    CHECK(glob_match("dist/main-*.js", "dist/main-3f2a.js"));
    CHECK_FALSE(glob_match("dist/main-*.js", "dist/vendor-3f2a.js"));
    CHECK(glob_match("dist/*-*.js", "dist/a-b-c.js")); // backtracking over several stars
    CHECK(glob_match("*/*", "a/b"));
    CHECK_FALSE(glob_match("*/*", "a/b/c"));
}

TEST_CASE("core::glob_match ** spans segments, zero included") {
    CHECK(glob_match("dist/**/*.js", "dist/a.js"));
    CHECK(glob_match("dist/**/*.js", "dist/x/a.js"));
    CHECK(glob_match("dist/**/*.js", "dist/x/y/a.js"));
    CHECK_FALSE(glob_match("dist/**/*.js", "dist/a.css"));
    CHECK_FALSE(glob_match("dist/**/*.js", "dist/x/y/a.css"));
    CHECK_FALSE(glob_match("dist/**/*.js", "src/dist/a.js"));
    CHECK(glob_match("apps/**", "apps/web"));
    CHECK(glob_match("apps/**", "apps/group/admin"));
    CHECK(glob_match("apps/**", "apps")); // zero segments
    CHECK_FALSE(glob_match("apps/**", "applications/web"));
    CHECK(glob_match("**/*.map", "a.map"));
    CHECK(glob_match("**/*.map", "packages/web/dist/a.map"));
    CHECK(glob_match("**", "anything/at/all"));
    CHECK(glob_match("packages/**/dist/**/*.js", "packages/web/dist/a.js"));
    CHECK(glob_match("packages/**/dist/**/*.js", "packages/a/b/dist/c/d.js"));
    CHECK_FALSE(glob_match("packages/**/dist/**/*.js", "packages/a/b/build/c/d.js"));
    CHECK(glob_match("a/**/b", "a/b"));
    CHECK(glob_match("a/**/b", "a/x/y/b"));
    CHECK_FALSE(glob_match("a/**/b", "a/x/y/c"));
}

TEST_CASE("core::glob_match ? and character classes") {
    CHECK(glob_match("file?.js", "file1.js"));
    CHECK_FALSE(glob_match("file?.js", "file.js"));
    CHECK_FALSE(glob_match("file?.js", "file12.js"));
    CHECK_FALSE(glob_match("a?b", "a/b")); // ? never matches a slash
    CHECK(glob_match("chunk-[abc].js", "chunk-a.js"));
    CHECK(glob_match("chunk-[abc].js", "chunk-c.js"));
    CHECK_FALSE(glob_match("chunk-[abc].js", "chunk-d.js"));
    CHECK(glob_match("chunk-[!abc].js", "chunk-d.js"));
    CHECK_FALSE(glob_match("chunk-[!abc].js", "chunk-a.js"));
    CHECK(glob_match("chunk-[^abc].js", "chunk-z.js"));
    CHECK(glob_match("v[0-9].txt", "v7.txt"));
    CHECK_FALSE(glob_match("v[0-9].txt", "vx.txt"));
    CHECK(glob_match("[a-z][a-z]", "ok"));
    CHECK_FALSE(glob_match("[a-z][a-z]", "OK"));
    CHECK(glob_match("[a-cx-z]", "y"));
    CHECK_FALSE(glob_match("[a-cx-z]", "m"));
    CHECK(glob_match("*[0-9].js", "chunk42.js")); // a class after a star backtracks
    CHECK(glob_match("[[]x", "[x"));
    CHECK(glob_match("a[b", "a[b")); // an unclosed bracket is literal
    CHECK_FALSE(glob_match("a[b", "ab"));
}

TEST_CASE("core::glob_match leading ./ and slashes") {
    CHECK(glob_match("./packages/*", "packages/a"));
    CHECK(glob_match("packages/*", "./packages/a"));
    CHECK(glob_match("./dist/**/*.js", "./dist/a/b.js"));
    CHECK(glob_match("packages/*/", "packages/a")); // a trailing slash is ignored
    CHECK_FALSE(glob_match("./packages/*", "packages"));
}

TEST_CASE("core::glob_base") {
    CHECK(glob_base("packages/web/dist/**/*.js") == "packages/web/dist");
    CHECK(glob_base("dist/*.js") == "dist");
    CHECK(glob_base("packages/*/dist/*.js") == "packages");
    CHECK(glob_base("dist/main-*.js") == "dist");
    CHECK(glob_base("dist/v?.js") == "dist");
    CHECK(glob_base("dist/[ab].js") == "dist");
    CHECK(glob_base("*.js") == "");
    CHECK(glob_base("**/*.js") == "");
    CHECK(glob_base("./dist/**") == "dist");
    CHECK(glob_base("dist/index.js") == "dist/index.js"); // no wildcard: the path itself
    CHECK(glob_base("") == "");
}
