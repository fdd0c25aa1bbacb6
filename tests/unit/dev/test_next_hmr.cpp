#include "farm/dev/hmr_client.hpp"
#include "farm/dev/next_hmr.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace farm::dev;

// The page and chunks as `next dev --turbopack` (Next.js 15.5.9) serves the fixture's app.
TEST_CASE("dev::next_scripts: the page's scripts under /_next/, decoded as Turbopack does") {
    std::string html =
        R"(<html><head><script src="/_next/static/chunks/0ac63_next_dist_compiled_react-dom_b1e71358._.js" async=""></script>)"
        R"(<script src="/_next/static/chunks/69652_%40swc_helpers_cjs_77b72907._.js" async=""></script>)"
        R"(<script src="/_next/static/chunks/apps_web_app_page_jsx_84cabdc2._.js" async=""></script>)"
        R"(<script src="/_next/static/chunks/apps_web_app_page_jsx_84cabdc2._.js" async=""></script>)"
        R"(<script src="/_next/static/chunks/%5Bturbopack%5D_browser_dev_hmr-client_hmr-client_ts_e609e4ba._.js" id="_R_" async=""></script>)"
        R"(<script src="https://cdn.example/x.js"></script><script>self.__next_f.push([1,""])</script>)"
        R"(<script src="/docs/_next/static/chunks/b.js?v=1"></script></head></html>)";
    std::vector<NextScript> scripts = next_scripts(html);
    REQUIRE(scripts.size() == 5);
    CHECK(scripts[0].path == "static/chunks/0ac63_next_dist_compiled_react-dom_b1e71358._.js");
    CHECK(scripts[1].path == "static/chunks/69652_@swc_helpers_cjs_77b72907._.js");
    CHECK(scripts[1].src == "/_next/static/chunks/69652_%40swc_helpers_cjs_77b72907._.js");
    CHECK(scripts[2].path == "static/chunks/apps_web_app_page_jsx_84cabdc2._.js");
    CHECK(scripts[3].path ==
          "static/chunks/[turbopack]_browser_dev_hmr-client_hmr-client_ts_e609e4ba._.js");
    CHECK(scripts[4].path == "static/chunks/b.js"); // a basePath before /_next/, a query after
    CHECK(scripts[4].src == "/docs/_next/static/chunks/b.js?v=1");
}

TEST_CASE("dev::is_turbopack_chunk_list") {
    CHECK(is_turbopack_chunk_list(
        "(globalThis.TURBOPACK_CHUNK_LISTS || (globalThis.TURBOPACK_CHUNK_LISTS = [])).push({\n"
        "    script: typeof document === \"object\" ? document.currentScript : undefined,\n"
        "    chunks: [\n  \"static/chunks/_b0467ef1._.js\"\n],\n    source: \"dynamic\"\n});"));
    CHECK_FALSE(is_turbopack_chunk_list(
        "(globalThis.TURBOPACK || (globalThis.TURBOPACK = [])).push([typeof document === "
        "\"object\" ? document.currentScript : undefined,"));
    CHECK_FALSE(is_turbopack_chunk_list(""));
    CHECK(turbopack_subscribe_message("static/chunks/a._.js") ==
          R"({"path":"static/chunks/a._.js","type":"turbopack-subscribe"})");
}

TEST_CASE("dev::next_ping_messages: the app router's tree and the pages router's page") {
    using json = nlohmann::json;
    std::vector<std::string> root = next_ping_messages("/");
    REQUIRE(root.size() == 2);
    json app = json::parse(root[0]);
    CHECK(app["event"] == "ping");
    CHECK(app["appDirRoute"] == true);
    CHECK(app["tree"] == json::parse(R"(["", {"children": ["__PAGE__", {}]}])"));
    CHECK(json::parse(root[1]) == json::parse(R"({"event": "ping", "page": "/"})"));
    std::vector<std::string> nested = next_ping_messages("/blog/first/");
    CHECK(json::parse(nested[0])["tree"] ==
          json::parse(R"(["", {"children": ["blog", {"children": ["first", {"children":)"
                      R"( ["__PAGE__", {}]}]}]}])"));
    CHECK(json::parse(nested[1])["page"] == "/blog/first");
    CHECK(url_path("http://localhost:3000") == "/");
    CHECK(url_path("http://localhost:3000/blog?x=1") == "/blog");
}

// Turbopack's messages after `turbopack-subscribe` of the page's chunk list and an edit of
// app/page.jsx, as the server sent them (data shortened).
TEST_CASE("dev::classify_hmr_message: Turbopack's chunk updates end a reload, its built not") {
    auto kind = [](const std::string& message) {
        return classify_hmr_message(HmrProtocol::next_turbopack, message).kind;
    };
    CHECK(kind(R"({"action":"building"})") == HmrSignalKind::other);
    CHECK(kind(R"({"action":"turbopack-message","data":[{"resource":{"path":"static/chunks/)"
               R"(apps_web_app_page_jsx_84cabdc2._.js","headers":null},"type":"partial",)"
               R"("instruction":{"type":"ChunkListUpdate","merged":[]}}]})") ==
          HmrSignalKind::update);
    CHECK(kind(R"({"action":"turbopack-message","data":[{"resource":{"path":"a"},)"
               R"("type":"issues","issues":[]}]})") == HmrSignalKind::other);
    CHECK(kind(R"({"action":"built","hash":"3","errors":[],"warnings":[]})") ==
          HmrSignalKind::other);
    CHECK(kind(R"({"action":"sync","errors":[],"warnings":[],"hash":""})") == HmrSignalKind::other);
    HmrSignal broken = classify_hmr_message(
        HmrProtocol::next_turbopack,
        R"({"action":"built","hash":"4","errors":[{"message":"./app/page.jsx:3:1\nParsing ecmascript source code failed"}],"warnings":[]})");
    CHECK(broken.kind == HmrSignalKind::error);
    CHECK(broken.detail == "./app/page.jsx:3:1");
    CHECK(kind(R"({"action":"serverComponentChanges","hash":"5"})") == HmrSignalKind::update);
}

TEST_CASE("dev::classify_hmr_message: pings are never updates") {
    for (HmrProtocol protocol :
         {HmrProtocol::vite, HmrProtocol::next_webpack, HmrProtocol::next_turbopack}) {
        CHECK(classify_hmr_message(protocol, "ping").kind == HmrSignalKind::other);
        CHECK(classify_hmr_message(protocol, "\xF0\x9F\x92\x93").kind == HmrSignalKind::other);
        CHECK(classify_hmr_message(protocol, R"({"event":"ping"})").kind == HmrSignalKind::other);
        CHECK(classify_hmr_message(protocol, R"({"event":"pong","invalid":true})").kind ==
              HmrSignalKind::other);
        CHECK(classify_hmr_message(protocol, R"({"type":"ping"})").kind == HmrSignalKind::other);
        CHECK(classify_hmr_message(protocol, next_ping_messages("/")[0]).kind ==
              HmrSignalKind::other);
    }
}
