// The context a measurement was taken in: the git state of the project, the host, and the
// versions of the tools involved. Stored with every run so that a comparison can tell a code
// change from a machine change. Nothing here reads or keeps the environment or any secret.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace farm::sys {

struct GitContext {
    bool available = false; // false outside a repository or without git
    std::string commit;
    std::string branch; // "HEAD" when detached
    bool dirty = false;
};

struct HostContext {
    std::string name;
    std::string cpu_model;
    int cores = 0;
    std::int64_t memory_bytes = 0;
    std::string kernel; // uname -r
    std::string os;     // PRETTY_NAME of /etc/os-release
};

struct RunContext {
    GitContext git;
    HostContext host;
    std::map<std::string, std::string> tool_versions; // "farm", "node", "pnpm", ...
    // Facts about the measured project: "lockfile_hash", "workspace_packages", ...
    std::map<std::string, std::string> project;
};

GitContext collect_git(const std::filesystem::path& folder);

// The full commit hash a revision names (a hash, a branch, a tag), if git knows it.
std::optional<std::string> git_resolve_commit(const std::filesystem::path& folder,
                                              const std::string& revision);
// The merge-base of HEAD with the main branch (main, else master, else origin/main, else
// origin/master), and the name of the branch it used.
std::optional<std::pair<std::string, std::string>>
git_merge_base_with_main(const std::filesystem::path& folder);
HostContext collect_host();
// Git and host, plus farm's own version under tool_versions["farm"].
RunContext collect_context(const std::filesystem::path& folder);

} // namespace farm::sys
