#include "farm/sys/context.hpp"

#include "farm/core/version.hpp"
#include "farm/exec/process.hpp"

#include <fstream>
#include <optional>
#include <sys/utsname.h>
#include <unistd.h>

namespace farm::sys {

namespace {

// Runs git quietly; an empty optional when git is missing or the command fails.
std::optional<std::string> git_output(const std::filesystem::path& folder,
                                      std::vector<std::string> args) {
    exec::SpawnOptions options;
    options.argv = {"git", "-C", folder.string()};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.sample_hz = 0;
    options.timeout_s = 10;
    try {
        exec::ProcessResult result = exec::run_process(options);
        if (!result.succeeded()) {
            return std::nullopt;
        }
        std::string out = result.stdout_tail;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
            out.pop_back();
        }
        return out;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string first_value_after_colon(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0) {
            std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::size_t begin = line.find_first_not_of(" \t", colon + 1);
                return begin == std::string::npos ? "" : line.substr(begin);
            }
        }
    }
    return {};
}

std::string os_pretty_name() {
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string value = line.substr(12);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            return value;
        }
    }
    return {};
}

} // namespace

GitContext collect_git(const std::filesystem::path& folder) {
    GitContext git;
    std::optional<std::string> commit = git_output(folder, {"rev-parse", "HEAD"});
    if (!commit) {
        return git;
    }
    git.available = true;
    git.commit = *commit;
    git.branch = git_output(folder, {"rev-parse", "--abbrev-ref", "HEAD"}).value_or("");
    std::optional<std::string> status =
        git_output(folder, {"status", "--porcelain", "--untracked-files=no"});
    git.dirty = status && !status->empty();
    return git;
}

std::optional<std::string> git_resolve_commit(const std::filesystem::path& folder,
                                              const std::string& revision) {
    if (revision.empty() || revision.starts_with("-")) {
        return std::nullopt; // never let a revision be read as an option
    }
    return git_output(folder, {"rev-parse", "--verify", "--quiet", revision + "^{commit}"});
}

namespace {

// Whether `folder` is inside a git work tree, without starting git (which costs tens of
// milliseconds a call): a .git entry in it or a parent.
bool inside_git_work_tree(const std::filesystem::path& folder) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(folder, ec);
    for (; !dir.empty(); dir = dir.parent_path()) {
        if (std::filesystem::exists(dir / ".git", ec)) {
            return true;
        }
        if (dir == dir.parent_path()) {
            break;
        }
    }
    return false;
}

} // namespace

std::optional<std::pair<std::string, std::string>>
git_merge_base_with_main(const std::filesystem::path& folder) {
    if (!inside_git_work_tree(folder)) {
        return std::nullopt;
    }
    // One call lists which of the usual main branches exist, in order of preference.
    std::optional<std::string> refs = git_output(
        folder, {"for-each-ref", "--format=%(refname)", "refs/heads/main", "refs/heads/master",
                 "refs/remotes/origin/main", "refs/remotes/origin/master"});
    if (!refs) {
        return std::nullopt;
    }
    for (const char* branch : {"main", "master", "origin/main", "origin/master"}) {
        std::string ref =
            std::string(std::string_view(branch).starts_with("origin/") ? "refs/remotes/"
                                                                        : "refs/heads/") +
            branch;
        if (("\n" + *refs + "\n").find("\n" + ref + "\n") == std::string::npos) {
            continue;
        }
        if (std::optional<std::string> base = git_output(folder, {"merge-base", "HEAD", branch})) {
            return std::make_pair(*base, std::string(branch));
        }
    }
    return std::nullopt;
}

HostContext collect_host() {
    HostContext host;
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0) {
        host.name = name;
    }
    host.cpu_model = first_value_after_colon("/proc/cpuinfo", "model name");
    host.cores = int(sysconf(_SC_NPROCESSORS_ONLN));
    std::string mem_kib = first_value_after_colon("/proc/meminfo", "MemTotal");
    if (!mem_kib.empty()) {
        host.memory_bytes = std::stoll(mem_kib) * 1024;
    }
    utsname uts{};
    if (uname(&uts) == 0) {
        host.kernel = uts.release;
    }
    host.os = os_pretty_name();
    return host;
}

RunContext collect_context(const std::filesystem::path& folder) {
    RunContext context;
    context.git = collect_git(folder);
    context.host = collect_host();
    context.tool_versions["farm"] = farm::version;
    return context;
}

} // namespace farm::sys
