#include "farm/dev/reload_edit.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

using namespace farm::dev;
namespace fs = std::filesystem;

namespace {

std::string content_of(const fs::path& file) {
    std::ifstream in(file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("dev::comment_line: the default marker is a comment of the file's language") {
    CHECK(comment_line("src/App.tsx", "farm reload 1") == "// farm reload 1");
    CHECK(comment_line("a.TS", "farm reload 2") == "// farm reload 2");
    for (const char* script : {"a.js", "a.jsx", "a.mjs"}) {
        CHECK(comment_line(script, "m") == "// m");
    }
    CHECK(comment_line("a.css", "m") == "/* m */");
    CHECK(comment_line("a.scss", "m") == "/* m */");
    for (const char* markup : {"index.html", "App.vue", "App.svelte", "README.md"}) {
        CHECK(comment_line(markup, "m") == "<!-- m -->");
    }
    CHECK(comment_line("message.txt", "m") == "m");
}

TEST_CASE("dev::ReloadEdit appends a comment by default, the user's text as given, and restores") {
    fs::path folder = farm::test::fresh_folder("reload_edit", "append");
    fs::path tsx = folder / "App.tsx";
    farm::test::write_file(tsx, "export const title: string = \"Hello\";");
    {
        ReloadEdit edit(tsx, farm::core::DevReloadEdit::append, "");
        edit.apply(1);
        CHECK(content_of(tsx) == "export const title: string = \"Hello\";\n// farm reload 1\n");
        CHECK(edit.marker(1) == "farm reload 1");
    }
    CHECK(content_of(tsx) == "export const title: string = \"Hello\";"); // the destructor
    ReloadEdit mine(tsx, farm::core::DevReloadEdit::append, "/* x */");
    mine.apply(2);
    CHECK(content_of(tsx) == "export const title: string = \"Hello\";\n/* x */ 2\n");
    mine.restore();
}

TEST_CASE(
    "dev::ReloadEdit insert writes the marker after the given text, where the page shows it") {
    fs::path folder = farm::test::fresh_folder("reload_edit", "insert");
    fs::path page = folder / "page.jsx";
    farm::test::write_file(page, "<h1>Hello</h1><p>Hello</p>");
    ReloadEdit edit(page, farm::core::DevReloadEdit::insert, "", "Hello");
    edit.apply(3);
    CHECK(content_of(page) == "<h1>Hello farm reload 3</h1><p>Hello</p>");
    edit.apply(4); // from the original, not from the previous edit
    CHECK(content_of(page) == "<h1>Hello farm reload 4</h1><p>Hello</p>");
    edit.restore();
    CHECK(content_of(page) == "<h1>Hello</h1><p>Hello</p>");
    CHECK_THROWS_AS(ReloadEdit(page, farm::core::DevReloadEdit::insert, "", "Goodbye"),
                    farm::UsageError);
}
