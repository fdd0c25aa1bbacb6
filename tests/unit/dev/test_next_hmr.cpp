#include "farm/dev/hmr_client.hpp"
#include "farm/dev/next_hmr.hpp"

#include "support/random_text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

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

namespace {

// The srcs the search farm used before found (correct on short pages, recursive on long ones).
std::vector<std::string> reference_srcs(const std::string& html) {
    static const std::regex script(R"re(<script[^>]*\bsrc="([^"]*/_next/[^"]*)")re",
                                   std::regex::icase);
    std::vector<std::string> srcs;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), script);
         it != std::sregex_iterator(); ++it) {
        if (std::find(srcs.begin(), srcs.end(), (*it)[1].str()) == srcs.end()) {
            srcs.push_back((*it)[1].str());
        }
    }
    return srcs;
}

std::vector<std::string> srcs_of(const std::string& html) {
    std::vector<std::string> srcs;
    for (const NextScript& script : next_scripts(html)) {
        srcs.push_back(script.src);
    }
    return srcs;
}

} // namespace

TEST_CASE("dev::next_scripts finds the scripts the regular expression found") {
    const std::vector<std::string> pieces = {"<script",
                                             "<SCRIPT",
                                             " ",
                                             "src=\"",
                                             "SRC=\"",
                                             "xsrc=\"",
                                             "\"",
                                             ">",
                                             "</script>",
                                             "/_next/",
                                             "/_NEXT/",
                                             "a.js",
                                             "/",
                                             "_next",
                                             "async=\"\"",
                                             "<",
                                             "%40",
                                             "?v=1",
                                             "=",
                                             "\n",
                                             "<script src=\"/_next/static/a.js\"",
                                             "<script async src=\"/docs/_next/b.js?v=1\">",
                                             "<script src=\"/_next/",
                                             "src=\"/_next/c.js\"",
                                             "<script>self.__next_f.push([1])</script>"};
    std::uint64_t state = 0x5c41;
    int found = 0;
    for (int i = 0; i < 8000; ++i) {
        std::string html = farm::test::random_text(state, pieces, 18);
        INFO("page: [" << html << "]");
        std::vector<std::string> expected = reference_srcs(html);
        REQUIRE(srcs_of(html) == expected);
        found += expected.empty() ? 0 : 1;
    }
    CHECK(found > 800); // the pages hold scripts, not only their absence
}

TEST_CASE("dev::next_scripts reads a megabyte page in one pass") {
    // std::regex recursed once per character of a tag or a src: such a page crashed farm.
    std::string long_tag = "<script " + std::string(1 << 20, 'a') + " src=\"/_next/a.js\">";
    bool found_after_long_tag = srcs_of(long_tag) == std::vector<std::string>{"/_next/a.js"};
    CHECK(found_after_long_tag);
    std::string long_src = "<script src=\"/_next/" + std::string(1 << 20, 'b') + "\">";
    CHECK(next_scripts(long_src).size() == 1);
    std::string inline_scripts;
    for (int i = 0; i < 20000; ++i) {
        inline_scripts += "<script>self.__next_f.push([1,\"x\"])</script>";
    }
    CHECK(srcs_of(inline_scripts + "<script src=\"/_next/c.js\"></script>") ==
          std::vector<std::string>{"/_next/c.js"});
    CHECK(srcs_of(std::string(1 << 20, '<')).empty());
}

TEST_CASE("dev: a src that decodes to bytes that are no UTF-8 is sent, not thrown on") {
    std::vector<NextScript> scripts = next_scripts(R"(<script src="/_next/static/%FF%FE.js">)");
    REQUIRE(scripts.size() == 1);
    CHECK(turbopack_subscribe_message(scripts[0].path) ==
          "{\"path\":\"static/\xef\xbf\xbd\xef\xbf\xbd.js\",\"type\":\"turbopack-subscribe\"}");
    CHECK(next_ping_messages("/\xff").size() == 2);
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
