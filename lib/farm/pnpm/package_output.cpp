#include "farm/pnpm/package_output.hpp"

#include "farm/pnpm/next_routes.hpp"

#include <map>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

// "<dist>/static" -> "<dist>": the folder that holds Next's manifests.
std::optional<fs::path> next_dist_dir(const Package& package, const OutputPlace& place) {
    if (place.framework != "Next.js") {
        return std::nullopt;
    }
    for (const std::string& folder : place.folders) {
        fs::path p(folder);
        if (p.filename() == "static") {
            return package.dir / p.parent_path();
        }
    }
    return std::nullopt;
}

std::vector<RouteSize> route_sizes(const fs::path& dist_dir,
                                   const std::map<std::string, measure::OutputSize>& by_file) {
    std::vector<RouteSize> sizes;
    for (const RouteFiles& route : next_route_files(dist_dir)) {
        RouteSize size{route.route, route.router, {}};
        for (const std::string& file : route.files) {
            auto it = by_file.find((dist_dir / file).string());
            if (it != by_file.end()) {
                size.first_load_js += it->second;
            }
        }
        sizes.push_back(std::move(size));
    }
    return sizes;
}

} // namespace

PackageOutput measure_browser_output(const Package& package,
                                     const std::vector<std::string>& configured_dirs,
                                     measure::SizeCache* cache) {
    OutputPlace place = locate_output(package, configured_dirs);
    PackageOutput output;
    output.framework = place.framework;
    output.folders = place.folders;
    output.source = place.source;
    if (place.folders.empty()) {
        output.hint = missing_output_hint(package, place);
        return output;
    }
    std::vector<fs::path> folders;
    for (const std::string& folder : place.folders) {
        folders.push_back(package.dir / folder);
    }
    std::vector<fs::path> files = measure::files_under(folders);
    std::vector<measure::OutputSize> sizes = measure::measure_files(files, cache);
    std::map<std::string, measure::OutputSize> by_file;
    for (std::size_t i = 0; i < files.size(); ++i) {
        static_cast<measure::OutputSize&>(output) += sizes[i];
        by_file[files[i].string()] = sizes[i];
    }
    if (std::optional<fs::path> dist = next_dist_dir(package, place)) {
        output.routes = route_sizes(*dist, by_file);
    }
    return output;
}

} // namespace farm::pnpm
