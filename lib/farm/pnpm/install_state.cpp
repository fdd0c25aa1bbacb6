#include "farm/pnpm/install_state.hpp"

#include "farm/core/input_file.hpp"

#include <yaml-cpp/yaml.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

bool flag(const YAML::Node& included, const char* key) {
    YAML::Node value = included[key];
    return value && value.IsScalar() && value.as<std::string>() == "true";
}

// The same folder, written either way (a trailing slash, a symlinked path).
bool same_folder(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::equivalent(a, b, ec)) {
        return true;
    }
    return a.lexically_normal() == b.lexically_normal();
}

} // namespace

std::optional<InstalledState> parse_modules_yaml(std::string_view text) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(text));
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
    if (!doc.IsMap() || !doc["storeDir"] || !doc["storeDir"].IsScalar()) {
        return std::nullopt;
    }
    InstalledState state;
    state.installed = true;
    state.store_dir = doc["storeDir"].as<std::string>();
    YAML::Node included = doc["included"];
    if (included && included.IsMap()) {
        state.dependencies = flag(included, "dependencies");
        state.dev_dependencies = flag(included, "devDependencies");
        state.optional_dependencies = flag(included, "optionalDependencies");
    }
    return state;
}

InstalledState read_installed_state(const Project& project) {
    fs::path modules = project.root / "node_modules" / ".modules.yaml";
    std::error_code ec;
    if (!fs::is_regular_file(modules, ec)) {
        return {};
    }
    std::optional<InstalledState> state;
    try {
        state = parse_modules_yaml(core::read_input_file(modules, "pnpm modules file"));
    } catch (const std::exception&) {
        return {};
    }
    if (!state) {
        return {};
    }
    if (project.lockfile) {
        fs::file_time_type lock_time = fs::last_write_time(*project.lockfile, ec);
        fs::file_time_type modules_time = ec ? lock_time : fs::last_write_time(modules, ec);
        state->lockfile_unchanged = !ec && lock_time <= modules_time;
    }
    return *state;
}

std::optional<fs::path> recorded_store_if_current(const InstalledState& state,
                                                  const std::vector<std::string>& named,
                                                  const fs::path& root,
                                                  const EnvironmentReader& get) {
    if (!state.installed || state.store_dir.empty()) {
        return std::nullopt;
    }
    if (named.empty() && !is_default_store(state.store_dir, root, get)) {
        return std::nullopt; // given on the last install's command line, or globally
    }
    for (const std::string& value : named) {
        std::optional<fs::path> store = resolve_store_setting(value, root, get);
        if (!store || !store_in_folder(state.store_dir, *store)) {
            return std::nullopt;
        }
    }
    return state.store_dir;
}

bool is_default_store(const fs::path& recorded, const fs::path& root,
                      const EnvironmentReader& get) {
    auto set = [&get](const char* name) -> std::optional<fs::path> {
        const char* value = get(name);
        return value && *value == '/' ? std::optional<fs::path>(value) : std::nullopt;
    };
    std::optional<fs::path> home = set("PNPM_HOME");
    if (!home) {
        if (std::optional<fs::path> data = set("XDG_DATA_HOME")) {
            home = *data / "pnpm";
        } else if (std::optional<fs::path> user = set("HOME")) {
            home = *user / ".local" / "share" / "pnpm";
        }
    }
    if (home && store_in_folder(recorded, *home / "store")) {
        return true;
    }
    for (fs::path folder = root.lexically_normal(); !folder.empty();
         folder = folder.parent_path()) {
        if (store_in_folder(recorded, folder / ".pnpm-store")) {
            return true;
        }
        if (folder == folder.root_path()) {
            break;
        }
    }
    return false;
}

bool store_in_folder(const fs::path& recorded, const fs::path& store_dir) {
    if (recorded.empty() || store_dir.empty()) {
        return false;
    }
    auto plain = [](const fs::path& p) { // no trailing slash: "/ci/store/" is "/ci/store"
        fs::path normal = p.lexically_normal();
        return normal.has_filename() ? normal : normal.parent_path();
    };
    fs::path store = plain(recorded), folder = plain(store_dir);
    if (same_folder(store, folder)) {
        return true;
    }
    std::string version = store.filename().string();
    bool versioned = version.size() > 1 && version[0] == 'v' &&
                     version.find_first_not_of("0123456789", 1) == std::string::npos;
    return versioned && same_folder(store.parent_path(), folder);
}

bool needs_priming(const InstalledState& state, const Project& project, InstallScenario scenario,
                   const fs::path& current_store) {
    if (!project.lockfile || !state.installed || !state.lockfile_unchanged ||
        current_store.empty() || !same_folder(state.store_dir, current_store)) {
        return true;
    }
    bool kinds_included = state.dependencies && state.optional_dependencies &&
                          (scenario == InstallScenario::prod || state.dev_dependencies);
    return !kinds_included;
}

} // namespace farm::pnpm
