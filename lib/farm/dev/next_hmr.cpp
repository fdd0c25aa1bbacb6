#include "farm/dev/next_hmr.hpp"

#include "farm/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace farm::dev {

namespace {

using json = nlohmann::json;
constexpr auto replace_bad_utf8 = json::error_handler_t::replace;

int hex_value(char c) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
        return c - '0';
    }
    c = char(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// As decodeURIComponent, which the Turbopack runtime applies to a chunk's src.
std::string percent_decoded(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out += char(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The path's segments ("/blog/a" -> blog, a); a query or fragment ends it.
std::vector<std::string> segments_of(const std::string& path) {
    return core::path_segments(std::string_view(path).substr(0, path.find_first_of("?#")));
}

// A script tag's src under /_next/ in a page: where its value starts and ends, and where the
// tag's match ends (after the closing quote).
struct ScriptSource {
    std::size_t value_start = 0, value_end = 0, end = 0;
};

bool is_word_byte(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool starts_with_ignoring_case(std::string_view text, std::size_t at, std::string_view word) {
    return at + word.size() <= text.size() &&
           core::equals_ignoring_case(text.substr(at, word.size()), word);
}

std::size_t find_ignoring_case(std::string_view text, std::string_view word, std::size_t from) {
    for (std::size_t at = from; at + word.size() <= text.size(); ++at) {
        if (starts_with_ignoring_case(text, at, word)) {
            return at;
        }
    }
    return std::string_view::npos;
}

// The value of the `src="…"` attribute at `at`, when it names a file under /_next/.
std::optional<ScriptSource> source_at(std::string_view html, std::size_t at) {
    std::size_t value = at + 5; // after src="
    std::size_t quote = html.find('"', value);
    if (quote == std::string_view::npos ||
        find_ignoring_case(html.substr(0, quote), "/_next/", value) == std::string_view::npos) {
        return std::nullopt;
    }
    return ScriptSource{value, quote, quote + 1};
}

// The first script tag from `from` on whose src names a file under /_next/, read as the search
// for `<script[^>]*\bsrc="([^"]*/_next/[^"]*)"` (case ignored) found it, in one pass: that
// expression recursed once per character in std::regex, and a page is any size. Of a tag's
// src attributes the last one that qualifies is taken, as the greedy `[^>]*` took it.
std::optional<ScriptSource> next_script_source(std::string_view html, std::size_t from) {
    constexpr std::string_view tag = "<script";
    for (std::size_t start = find_ignoring_case(html, tag, from);
         start != std::string_view::npos;) {
        std::size_t tag_end = html.find('>', start + tag.size());
        std::size_t limit = tag_end == std::string_view::npos ? html.size() : tag_end;
        std::string_view inside = html.substr(0, limit); // the attributes' end, not the page's
        std::optional<ScriptSource> last;
        for (std::size_t at = find_ignoring_case(inside, "src=\"", start + tag.size() + 1);
             at != std::string_view::npos; at = find_ignoring_case(inside, "src=\"", at + 1)) {
            if (!is_word_byte(html[at - 1])) {
                if (std::optional<ScriptSource> source = source_at(html, at)) {
                    last = source;
                }
            }
        }
        if (last) {
            return last;
        }
        // A later <script inside the same tag sees fewer src attributes than this one did.
        start =
            tag_end == std::string_view::npos ? tag_end : find_ignoring_case(html, tag, tag_end);
    }
    return std::nullopt;
}

} // namespace

std::vector<NextScript> next_scripts(const std::string& html) {
    std::vector<NextScript> scripts;
    for (std::size_t from = 0; from < html.size();) {
        std::optional<ScriptSource> found = next_script_source(html, from);
        if (!found) {
            break;
        }
        from = found->end;
        std::string src = html.substr(found->value_start, found->value_end - found->value_start);
        std::string decoded = percent_decoded(src.substr(0, src.find_first_of("?#")));
        std::size_t next_folder = find_ignoring_case(decoded, "/_next/", 0);
        std::string path =
            next_folder == std::string::npos ? decoded : decoded.substr(next_folder + 7);
        bool seen = std::any_of(scripts.begin(), scripts.end(),
                                [&](const NextScript& s) { return s.src == src; });
        if (!seen) {
            scripts.push_back({src, path});
        }
    }
    return scripts;
}

bool is_turbopack_chunk_list(const std::string& body) {
    static const std::string list_start = "(globalThis.TURBOPACK_CHUNK_LISTS";
    std::size_t start = body.find_first_not_of(" \t\r\n");
    return start != std::string::npos && body.compare(start, list_start.size(), list_start) == 0;
}

std::string turbopack_subscribe_message(const std::string& path) {
    // A page's src may percent-decode to bytes that are no UTF-8: replaced, never thrown on.
    return json{{"type", "turbopack-subscribe"}, {"path", path}}.dump(-1, ' ', false,
                                                                      replace_bad_utf8);
}

std::vector<std::string> next_ping_messages(const std::string& page_path) {
    // The app router's FlightRouterState: ["", {"children": [SEGMENT, {"children": …}]}], the
    // leaf ["__PAGE__", {}]; the server reads segments and parallel-route keys only.
    json tree = json::array({"__PAGE__", json::object()});
    std::vector<std::string> parts = segments_of(page_path);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        tree = json::array({*it, json{{"children", tree}}});
    }
    tree = json::array({"", json{{"children", tree}}});
    std::string page = "/";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        page += (i ? "/" : "") + parts[i];
    }
    return {json{{"event", "ping"}, {"tree", tree}, {"appDirRoute", true}}.dump(-1, ' ', false,
                                                                                replace_bad_utf8),
            json{{"event", "ping"}, {"page", page}}.dump(-1, ' ', false, replace_bad_utf8)};
}

std::string url_path(const std::string& url) {
    std::size_t scheme = url.find("://");
    std::size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (start == std::string::npos) {
        return "/";
    }
    std::string path = url.substr(start, url.find_first_of("?#", start) - start);
    return path.empty() ? "/" : path;
}

} // namespace farm::dev
