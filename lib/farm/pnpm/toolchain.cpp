#include "farm/pnpm/toolchain.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/process.hpp"

#include <cstdlib>
#include <iterator>
#include <unistd.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

bool Version::at_least(int ma, int mi, int pa) const {
    if (major != ma) {
        return major > ma;
    }
    if (minor != mi) {
        return minor > mi;
    }
    return patch >= pa;
}

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The run of digits from `at` (none when text[at] is no digit).
std::string_view digits_at(std::string_view text, std::size_t at) {
    std::size_t end = at;
    while (end < text.size() && is_digit(text[end])) {
        ++end;
    }
    return text.substr(at, end - at);
}

// A number of digits; nullopt past int (a damaged packageManager field).
std::optional<int> whole_number(std::string_view digits) {
    int value = 0;
    return core::parse_number(digits, value) ? std::optional(value) : std::nullopt;
}

} // namespace

// The first MAJOR.MINOR[.PATCH] in the text, read once from left to right (what the search for
// `v?(\d+)\.(\d+)(?:\.(\d+))?` found; std::regex recursed once per digit, and a long
// packageManager field in a cloned repository's package.json overflowed the stack).
std::optional<Version> parse_version(const std::string& text) {
    std::string_view view(text);
    for (std::size_t at = 0; at < view.size();) {
        std::string_view major = digits_at(view, at);
        if (major.empty()) {
            ++at;
            continue;
        }
        std::size_t dot = at + major.size();
        std::string_view minor =
            dot < view.size() && view[dot] == '.' ? digits_at(view, dot + 1) : std::string_view();
        if (minor.empty()) {
            at = dot; // no shorter run of these digits is followed by a dot either
            continue;
        }
        std::size_t second_dot = dot + 1 + minor.size();
        std::string_view patch = second_dot < view.size() && view[second_dot] == '.'
                                     ? digits_at(view, second_dot + 1)
                                     : std::string_view();
        std::optional<int> ma = whole_number(major), mi = whole_number(minor);
        std::optional<int> pa = patch.empty() ? std::optional(0) : whole_number(patch);
        if (!ma || !mi || !pa) {
            return std::nullopt;
        }
        Version v;
        v.major = *ma;
        v.minor = *mi;
        v.patch = *pa;
        v.text =
            std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
        return v;
    }
    return std::nullopt;
}

std::optional<Version> parse_package_manager(const std::string& field) {
    if (!field.starts_with("pnpm@")) {
        return std::nullopt;
    }
    // Only what stands before the "+hash": parse_version searches its text for a version, and
    // in "pnpm@10+sha512.40ee..." it would find "512.40" in the hash.
    std::string version = field.substr(5);
    return parse_version(version.substr(0, version.find('+')));
}

namespace {

std::optional<std::string> find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) {
        return std::nullopt;
    }
    std::string entries = path;
    std::size_t start = 0;
    while (start <= entries.size()) {
        std::size_t colon = entries.find(':', start);
        if (colon == std::string::npos) {
            colon = entries.size();
        }
        fs::path candidate = fs::path(entries.substr(start, colon - start)) / name;
        if (access(candidate.c_str(), X_OK) == 0) {
            return candidate.string();
        }
        start = colon + 1;
    }
    return std::nullopt;
}

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

} // namespace

std::vector<std::pair<std::string, std::string>> pnpm_environment(const std::string& pnpm) {
    std::vector<std::pair<std::string, std::string>> env = {
        {"npm_config_manage_package_manager_versions", "false"},
        // pnpm 9/10 hand their settings to lifecycle scripts as npm_config_* and write `false`
        // as an empty value, which the nested pnpm reads as "not set" (default: on) and then
        // switches versions. It reads npm_config_* case-insensitively and skips empty values, so
        // this upper-case copy, which pnpm does not overwrite, keeps it off in nested calls.
        {"NPM_CONFIG_MANAGE_PACKAGE_MANAGER_VERSIONS", "false"},
        {"pnpm_config_manage_package_manager_versions", "false"},
        // pnpm 11+ only; both names all the same, as for every setting farm passes this way.
        {"npm_config_pm_on_fail", "ignore"},
        {"pnpm_config_pm_on_fail", "ignore"},
        {"npm_config_update_notifier", "false"},
        {"pnpm_config_update_notifier", "false"}};
    fs::path binary = pnpm;
    if (!binary.has_parent_path()) {
        return env; // a bare name: found through PATH, as the scripts' pnpm will be too
    }
    std::optional<std::string> on_path = find_in_path("pnpm");
    if (on_path && same_file(*on_path, binary)) {
        return env;
    }
    const char* path = std::getenv("PATH");
    std::string folder = fs::absolute(binary).parent_path().string();
    env.emplace_back("PATH", folder + (path && *path ? ":" + std::string(path) : ""));
    return env;
}

std::vector<std::string> pnpm_command(const std::string& pnpm, std::vector<std::string> args) {
    std::vector<std::string> argv = {pnpm, "--config.manage-package-manager-versions=false",
                                     "--config.pm-on-fail=ignore"};
    argv.insert(argv.end(), std::make_move_iterator(args.begin()),
                std::make_move_iterator(args.end()));
    return argv;
}

namespace {

std::string first_line_of(const std::string& binary, const std::string& argument,
                          const fs::path& cwd, bool required) {
    exec::SpawnOptions options;
    options.argv = {binary, argument};
    options.cwd = cwd;
    options.extra_env = pnpm_environment(binary);
    options.sample_hz = 0;
    options.timeout_s = 60;
    exec::ProcessResult result = exec::run_process(options);
    if (!result.succeeded()) {
        if (!required) {
            return {};
        }
        std::string tail = result.stderr_tail.empty() ? result.stdout_tail : result.stderr_tail;
        throw UsageError("`" + binary + " " + argument + "` failed (" + result.describe_failure() +
                         ")" + (tail.empty() ? "" : ":\n" + tail));
    }
    std::string out = result.stdout_tail;
    return out.substr(0, out.find('\n'));
}

} // namespace

Toolchain find_toolchain(const std::optional<std::string>& explicit_pnpm,
                         const fs::path& project_root) {
    Toolchain toolchain;
    if (explicit_pnpm) {
        toolchain.pnpm = *explicit_pnpm;
    } else if (const char* env = std::getenv("FARM_PNPM"); env && *env) {
        toolchain.pnpm = env;
    } else if (std::optional<std::string> found = find_in_path("pnpm")) {
        toolchain.pnpm = *found;
    } else {
        throw UsageError("pnpm is not installed (not found on PATH). Install it with "
                         "`npm install -g pnpm` or `corepack enable pnpm`, or point farm at it "
                         "with --pnpm PATH or FARM_PNPM.");
    }
    std::string said;
    try {
        said = first_line_of(toolchain.pnpm, "--version", project_root, true);
    } catch (const CommandError&) {
        throw UsageError("cannot run pnpm at `" + toolchain.pnpm +
                         "`: check --pnpm / FARM_PNPM, or install pnpm with "
                         "`npm install -g pnpm`");
    }
    std::optional<Version> version = parse_version(said);
    if (!version) {
        throw UsageError("`" + toolchain.pnpm + " --version` printed '" + said +
                         "', which is not a version");
    }
    toolchain.pnpm_version = *version;
    try {
        toolchain.node_version = first_line_of("node", "--version", project_root, false);
    } catch (const CommandError&) {
        toolchain.node_version.clear();
    }
    return toolchain;
}

} // namespace farm::pnpm
