#include "farm/core/unified_diff.hpp"

#include <doctest/doctest.h>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using farm::core::unified_diff;

namespace {

// Applies a unified diff to `before`, as patch(1) would, checking every context and removed line
// against the text; an independent reading of the format, so that the generator can be wrong.
std::string apply(const std::string& before, const std::string& diff) {
    std::vector<std::string> old_lines; // with their '\n' when they had one
    for (std::size_t start = 0; start < before.size();) {
        std::size_t end = before.find('\n', start);
        std::size_t stop = end == std::string::npos ? before.size() : end + 1;
        old_lines.push_back(before.substr(start, stop - start));
        start = stop;
    }
    std::vector<std::string> diff_lines;
    std::istringstream in(diff);
    for (std::string line; std::getline(in, line);) {
        diff_lines.push_back(line);
    }
    REQUIRE(diff_lines.size() >= 2);
    REQUIRE(diff_lines[0].rfind("--- ", 0) == 0);
    REQUIRE(diff_lines[1].rfind("+++ ", 0) == 0);
    std::string out;
    std::size_t next_old = 0; // 0-based index of the next old line not yet copied
    std::size_t i = 2;
    while (i < diff_lines.size()) {
        const std::string& header = diff_lines[i++];
        REQUIRE(header.rfind("@@ -", 0) == 0);
        std::size_t old_start = std::stoul(header.substr(4));
        std::size_t comma = header.find(',', 4), space = header.find(' ', 4);
        std::size_t old_count = comma < space ? std::stoul(header.substr(comma + 1)) : 1;
        std::size_t first = old_count == 0 ? old_start : old_start - 1;
        REQUIRE(first >= next_old);
        for (; next_old < first; ++next_old) {
            out += old_lines.at(next_old);
        }
        // Context lines are copied from the old text itself, so only an added line can need
        // its newline taken back by a "\\ No newline at end of file" marker.
        char previous = ' ';
        while (i < diff_lines.size() && diff_lines[i].rfind("@@", 0) != 0) {
            const std::string& line = diff_lines[i++];
            if (line == "\\ No newline at end of file") {
                if (previous == '+') {
                    REQUIRE(out.back() == '\n');
                    out.pop_back();
                }
                continue;
            }
            previous = line.at(0);
            std::string text = line.substr(1) + "\n";
            if (previous == ' ' || previous == '-') {
                std::string expected = old_lines.at(next_old);
                CHECK((expected == text || expected == text.substr(0, text.size() - 1)));
                if (previous == ' ') {
                    out += expected;
                }
                ++next_old;
            } else {
                REQUIRE(previous == '+');
                out += text;
            }
        }
    }
    for (; next_old < old_lines.size(); ++next_old) {
        out += old_lines[next_old];
    }
    return out;
}

} // namespace

TEST_CASE("core::unified_diff of equal texts is empty") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "a/x", "b/x").empty());
    CHECK(unified_diff("", "", "a/x", "b/x").empty());
}

TEST_CASE("core::unified_diff writes what diff -u writes for an appended line") {
    std::string before = "one\ntwo\nthree\nfour\nfive\n";
    std::string after = before + "six=true\n";
    CHECK(unified_diff(before, after, "a/.npmrc", "b/.npmrc") ==
          "--- a/.npmrc\n+++ b/.npmrc\n@@ -3,3 +3,4 @@\n three\n four\n five\n+six=true\n");
}

TEST_CASE("core::unified_diff of a changed value keeps CRLF and names a new file") {
    CHECK(unified_diff("a=1\r\nb=2\r\n", "a=1\r\nb=3\r\n", "a/f", "b/f") ==
          "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a=1\r\n-b=2\r\n+b=3\r\n");
    CHECK(unified_diff("", "x: 1\n", "/dev/null", "b/pnpm-workspace.yaml") ==
          "--- /dev/null\n+++ b/pnpm-workspace.yaml\n@@ -0,0 +1 @@\n+x: 1\n");
}

TEST_CASE("core::unified_diff marks a last line without a newline") {
    std::string diff = unified_diff("a\nb", "a\nb\nc\n", "a/f", "b/f");
    CHECK(diff == "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n"
                  "+b\n+c\n");
    CHECK(apply("a\nb", diff) == "a\nb\nc\n");
}

TEST_CASE("core::unified_diff splits far-apart changes into hunks") {
    std::string before, after;
    for (int i = 0; i < 30; ++i) {
        before += "line " + std::to_string(i) + "\n";
        after += (i == 2 || i == 25 ? "changed " : "line ") + std::to_string(i) + "\n";
    }
    std::string diff = unified_diff(before, after, "a/f", "b/f");
    CHECK(diff.find("@@ -1,6 +1,6 @@") != std::string::npos);
    CHECK(diff.find("@@ -23,7 +23,7 @@") != std::string::npos);
    CHECK(apply(before, diff) == after);
}

TEST_CASE("core::unified_diff round-trips random edits") {
    std::mt19937 random(7);
    for (int round = 0; round < 300; ++round) {
        std::vector<std::string> lines;
        int count = int(random() % 25);
        for (int i = 0; i < count; ++i) {
            lines.push_back("k" + std::to_string(random() % 6) + (random() % 5 == 0 ? "\r" : ""));
        }
        std::vector<std::string> edited = lines;
        int edits = int(random() % 5);
        for (int e = 0; e < edits; ++e) {
            std::size_t at = edited.empty() ? 0 : random() % (edited.size() + 1);
            switch (random() % 3) {
            case 0:
                edited.insert(edited.begin() + long(at), "new" + std::to_string(e));
                break;
            case 1:
                if (at < edited.size()) {
                    edited.erase(edited.begin() + long(at));
                }
                break;
            default:
                if (at < edited.size()) {
                    edited[at] = "changed" + std::to_string(e);
                }
            }
        }
        auto join = [&](const std::vector<std::string>& parts, bool final_newline) {
            std::string text;
            for (std::size_t i = 0; i < parts.size(); ++i) {
                text += parts[i];
                if (i + 1 < parts.size() || final_newline) {
                    text += "\n";
                }
            }
            return text;
        };
        std::string before = join(lines, random() % 4 != 0);
        std::string after = join(edited, random() % 4 != 0);
        std::string diff = unified_diff(before, after, "a/f", "b/f", int(random() % 4));
        if (before == after) {
            CHECK(diff.empty());
            continue;
        }
        INFO("before: " << before << "\nafter: " << after << "\ndiff:\n" << diff);
        CHECK(apply(before, diff) == after);
    }
}
