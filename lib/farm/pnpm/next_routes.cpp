#include "farm/pnpm/next_routes.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

namespace farm::pnpm {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The manifest's "pages" object, or an empty object when the file is not usable.
json pages_of(const fs::path& manifest) {
    std::error_code ec;
    if (!fs::is_regular_file(manifest, ec)) {
        return json::object();
    }
    try {
        json doc = core::parse_json_or_discarded(core::read_input_file(manifest, "Next manifest"));
        if (doc.is_object() && doc.contains("pages") && doc["pages"].is_object()) {
            return doc["pages"];
        }
    } catch (const Error&) {
    }
    return json::object();
}

bool ends_with(const std::string& text, const std::string& tail) {
    return text.size() >= tail.size() &&
           text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// Adds the JavaScript files of pages[key] that are not there yet.
void add_files(const json& pages, const std::string& key, std::vector<std::string>& files) {
    auto it = pages.find(key);
    if (it == pages.end() || !it->is_array()) {
        return;
    }
    for (const json& file : *it) {
        if (file.is_string() && ends_with(file.get<std::string>(), ".js") &&
            std::find(files.begin(), files.end(), file.get<std::string>()) == files.end()) {
            files.push_back(file.get<std::string>());
        }
    }
}

std::vector<std::string> segments_of(const std::string& key) {
    return core::path_segments(key);
}

// "/(shop)/cart/page" -> "/cart": groups and parallel-route slots are not in the URL.
std::string app_route(const std::vector<std::string>& folders) {
    std::string route;
    for (const std::string& part : folders) {
        if ((part.front() == '(' && part.back() == ')') || part.front() == '@') {
            continue;
        }
        route += "/" + part;
    }
    return route.empty() ? "/" : route;
}

void app_routes(const json& pages, std::vector<RouteFiles>& out) {
    for (const auto& item : pages.items()) {
        const std::string& key = item.key();
        std::vector<std::string> parts = segments_of(key);
        if (parts.empty() || parts.back() != "page") {
            continue;
        }
        parts.pop_back();
        RouteFiles route{app_route(parts), "app", {}};
        std::string prefix;
        add_files(pages, "/layout", route.files);
        for (const std::string& part : parts) {
            prefix += "/" + part;
            add_files(pages, prefix + "/layout", route.files);
        }
        add_files(pages, key, route.files);
        out.push_back(std::move(route));
    }
}

void pages_routes(const json& pages, std::vector<RouteFiles>& out) {
    for (const auto& item : pages.items()) {
        const std::string& key = item.key();
        if (key.rfind("/_", 0) == 0) {
            continue; // /_app, /_document, /_error: parts of every page, not routes
        }
        RouteFiles route{key, "pages", {}};
        add_files(pages, "/_app", route.files);
        add_files(pages, key, route.files);
        out.push_back(std::move(route));
    }
}

} // namespace

std::vector<RouteFiles> next_route_files(const fs::path& dist_dir) {
    std::vector<RouteFiles> routes;
    app_routes(pages_of(dist_dir / "app-build-manifest.json"), routes);
    pages_routes(pages_of(dist_dir / "build-manifest.json"), routes);
    std::sort(routes.begin(), routes.end(), [](const RouteFiles& a, const RouteFiles& b) {
        return std::tie(a.router, a.route) < std::tie(b.router, b.route);
    });
    return routes;
}

} // namespace farm::pnpm
