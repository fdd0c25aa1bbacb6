#include "farm/dev/next_hmr.hpp"

#include "farm/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>

namespace farm::dev {

namespace {

using json = nlohmann::json;

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

} // namespace

std::vector<NextScript> next_scripts(const std::string& html) {
    static const std::regex script(R"re(<script[^>]*\bsrc="([^"]*/_next/[^"]*)")re",
                                   std::regex::icase);
    std::vector<NextScript> scripts;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), script);
         it != std::sregex_iterator(); ++it) {
        std::string src = (*it)[1].str();
        std::string decoded = percent_decoded(src.substr(0, src.find_first_of("?#")));
        std::string path = decoded.substr(decoded.find("/_next/") + 7);
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
    return json{{"type", "turbopack-subscribe"}, {"path", path}}.dump();
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
    return {json{{"event", "ping"}, {"tree", tree}, {"appDirRoute", true}}.dump(),
            json{{"event", "ping"}, {"page", page}}.dump()};
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
