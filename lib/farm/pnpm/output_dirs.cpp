#include "farm/pnpm/output_dirs.hpp"

#include "farm/core/input_file.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

struct FrameworkRule {
    const char* name;
    std::vector<std::string> dependencies;
    const char* config_stem; // "<stem>.config.{js,mjs,...}" marks the framework too; may be null
    std::vector<std::string> folders;
};

// In order of precedence: a TanStack Start app also depends on vite, a Nuxt app on nitropack.
const std::vector<FrameworkRule>& rules() {
    static const std::vector<FrameworkRule> table = {
        {"Next.js", {"next"}, "next", {".next/static"}},
        {"TanStack Start",
         {"@tanstack/react-start", "@tanstack/solid-start", "@tanstack/start"},
         nullptr,
         {".output/public", "dist/client"}},
        {"Nuxt", {"nuxt"}, "nuxt", {".output/public"}},
        {"Nitro", {"nitropack", "nitro", "vinxi"}, "nitro", {".output/public"}},
        {"SvelteKit", {"@sveltejs/kit"}, "svelte", {".svelte-kit/output/client"}},
        {"React Router", {"@react-router/dev", "@remix-run/dev"}, nullptr, {"build/client"}},
        {"Astro", {"astro"}, "astro", {"dist"}},
        {"Vite", {"vite"}, "vite", {"dist"}},
    };
    return table;
}

const std::vector<std::string> generic_folders = {"dist", "build", "out"};

std::optional<fs::path> config_file(const fs::path& dir, const std::string& stem) {
    for (const char* ext : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"}) {
        fs::path file = dir / (stem + ".config" + ext);
        std::error_code ec;
        if (fs::is_regular_file(file, ec)) {
            return file;
        }
    }
    return std::nullopt;
}

bool depends_on(const Package& package, const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
        return std::find(package.dependencies.begin(), package.dependencies.end(), name) !=
               package.dependencies.end();
    });
}

bool script_mentions(const Package& package, const std::string& word) {
    return std::any_of(package.scripts.begin(), package.scripts.end(), [&](const auto& script) {
        return std::regex_search(script.second, std::regex("(^|[^\\w@/-])" + word + "\\b"));
    });
}

// vite is also a test dependency (vitest): it names the build only with its config file or a
// script that runs it.
bool matches(const Package& package, const FrameworkRule& rule) {
    bool config = rule.config_stem && config_file(package.dir, rule.config_stem);
    if (std::string(rule.name) == "Vite") {
        return config ||
               (depends_on(package, rule.dependencies) && script_mentions(package, "vite"));
    }
    return config || depends_on(package, rule.dependencies);
}

// A folder from a config file is used only when it stays inside the package.
bool inside_package(const std::string& folder) {
    fs::path p(folder);
    if (folder.empty() || p.is_absolute()) {
        return false;
    }
    return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
}

// The first literal value of `key: '...'` in a config file's text (quotes ', " or `), as the
// regular expression \bKEY\s*:\s*["'`]([^"'`]+)["'`] reads it. Scanned by hand: a config
// may hold a long string (an inlined image, say), and std::regex recursed once per character.
std::optional<std::string> literal_value_of(std::string_view text, std::string_view key) {
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    auto is_quote = [](char c) { return c == '"' || c == '\'' || c == '`'; };
    for (std::size_t at = text.find(key); at != std::string_view::npos;
         at = text.find(key, at + 1)) {
        if (at > 0 && is_word(text[at - 1])) {
            continue;
        }
        std::size_t i = at + key.size();
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
        if (i >= text.size() || text[i] != ':') {
            continue;
        }
        ++i;
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
        if (i >= text.size() || !is_quote(text[i])) {
            continue;
        }
        std::size_t value = i + 1;
        std::size_t end = value;
        while (end < text.size() && !is_quote(text[end])) {
            ++end;
        }
        if (end > value && end < text.size()) {
            return std::string(text.substr(value, end - value));
        }
    }
    return std::nullopt;
}

// The literal value of `key: '...'` in the framework's config file, if it has one.
std::optional<std::string> config_value(const Package& package, const char* stem,
                                        const std::string& key) {
    std::optional<fs::path> file = config_file(package.dir, stem);
    if (!file) {
        return std::nullopt;
    }
    std::string text;
    try {
        text = core::read_input_file(*file, "config file");
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::optional<std::string> literal = literal_value_of(text, key);
    if (!literal) {
        return std::nullopt;
    }
    std::string value = *literal;
    while (value.size() > 1 && value.back() == '/') {
        value.pop_back();
    }
    if (value.rfind("./", 0) == 0) {
        value = value.substr(2);
    }
    return value;
}

std::vector<std::string> candidates(const Package& package, const FrameworkRule& rule,
                                    std::string& label) {
    label = rule.name;
    std::string name = rule.name;
    if (name == "Next.js") {
        std::optional<std::string> dist = config_value(package, "next", "distDir");
        std::string static_dir = (dist && inside_package(*dist) ? *dist : ".next") + "/static";
        if (config_value(package, "next", "output") == std::optional<std::string>("export")) {
            label = "Next.js (output: 'export')";
            return {"out", static_dir};
        }
        return {static_dir};
    }
    if (name == "Vite") {
        std::optional<std::string> out = config_value(package, "vite", "outDir");
        if (out && inside_package(*out)) {
            return {*out};
        }
    }
    return rule.folders;
}

bool is_folder(const fs::path& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

} // namespace

std::string detect_framework(const Package& package) {
    for (const FrameworkRule& rule : rules()) {
        if (matches(package, rule)) {
            return rule.name;
        }
    }
    return {};
}

OutputPlace locate_output(const Package& package, const std::vector<std::string>& configured) {
    OutputPlace place;
    std::string label;
    if (!configured.empty()) {
        place.looked_for = configured;
        label = "configured";
    } else {
        for (const FrameworkRule& rule : rules()) {
            if (matches(package, rule)) {
                place.framework = rule.name;
                place.looked_for = candidates(package, rule, label);
                break;
            }
        }
        if (place.framework.empty()) {
            place.looked_for = generic_folders;
            label = "found";
        }
    }
    for (const std::string& folder : place.looked_for) {
        if (is_folder(package.dir / folder)) {
            place.folders.push_back(folder);
            // A framework's folders are alternatives (the first that exists is the output);
            // configured and generic folders all count, as before.
            if (!place.framework.empty()) {
                break;
            }
        }
    }
    if (!place.folders.empty()) {
        place.source = label + ": " + core::join(place.folders, ", ");
    }
    return place;
}

std::string missing_output_hint(const Package& package, const OutputPlace& place) {
    std::string what = place.framework.empty() ? "" : place.framework + " ";
    return "no " + what + "output folder found in " + package.name + " (looked for " +
           core::join(place.looked_for, ", ") +
           "): name it with --output-dir DIR or build.output_dirs in farm.config.json";
}

} // namespace farm::pnpm
