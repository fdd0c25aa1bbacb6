#include "farm/pnpm/store_location.hpp"

#include "farm/exec/process.hpp"

#include <sys/stat.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

// The device of `path`, or of its nearest existing ancestor: a store that pnpm has not created
// yet will be created there.
std::optional<dev_t> device_of(fs::path path) {
    path = fs::absolute(path).lexically_normal();
    while (true) {
        struct stat info {};
        if (stat(path.c_str(), &info) == 0) {
            return info.st_dev;
        }
        if (!path.has_parent_path() || path.parent_path() == path) {
            return std::nullopt;
        }
        path = path.parent_path();
    }
}

} // namespace

bool on_same_filesystem(const fs::path& a, const fs::path& b) {
    std::optional<dev_t> da = device_of(a), db = device_of(b);
    return da && db && *da == *db;
}

fs::path mount_point_of(const fs::path& path) {
    fs::path current = fs::absolute(path).lexically_normal();
    std::optional<dev_t> device = device_of(current);
    while (current.has_parent_path() && current.parent_path() != current) {
        fs::path parent = current.parent_path();
        if (device_of(parent) != device) {
            break;
        }
        current = parent;
    }
    return current;
}

std::optional<StoreLocation> locate_store(const Toolchain& toolchain, const fs::path& root) {
    exec::SpawnOptions options;
    options.argv = {toolchain.pnpm, "store", "path"};
    options.cwd = root;
    options.extra_env = pnpm_environment(toolchain.pnpm);
    options.timeout_s = 60;
    options.sample_hz = 0;
    exec::ProcessResult result;
    try {
        result = exec::run_process(options);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string out = result.stdout_tail;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    out = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
    if (!result.succeeded() || out.empty() || out.front() != '/') {
        return std::nullopt;
    }
    StoreLocation location;
    location.store = out;
    location.same_filesystem = on_same_filesystem(location.store, root);
    location.project_mount = mount_point_of(root);
    return location;
}

} // namespace farm::pnpm
