// The folder farm owns inside a project while it benchmarks the install, and the untimed removal
// of node_modules between runs.
//
// It lives at <project>/.farm/pnpm-scratch-XXXXXX: on the project's file system, so that the cold
// scenario's store is hard-linked or cloned into node_modules exactly as the user's own store is
// (a store under /tmp is often another file system, where pnpm silently copies every file), and
// hidden, so that neither pnpm's workspace globs nor farm's own package search look inside it.
//
// discard() renames a folder into the scratch folder's trash at once (a rename on one file
// system is instant, so the next run starts from nothing) and hands it to a deleting process
// farm starts with the scratch folder: one `sh` in a session of its own (a Ctrl-C meant for farm
// does not stop it) at the lowest best-effort I/O priority, deleting what it is given one folder
// after the other, untimed. It only ever removes folders named node_modules inside the project
// and folders inside the scratch folder itself: anything else is refused.
//
// farm does not wait for it: when the ScratchFolder is destroyed (also after an interrupt:
// farm's signal handlers only set a flag, so the stack unwinds normally), the deleting process
// finishes what it was given, removes the scratch folder (never .farm: a farm started meanwhile
// may be creating its history there) and exits on its own, after farm's call has ended. Deleting a
// node_modules of a thousand packages takes tens of seconds on a busy disk; waiting for it was most
// of farm's own time around the installs it measured. A scratch folder left by a farm that was
// killed (SIGKILL, power loss) is removed by the next one: each folder holds a lock file that its
// live owner, and then its deleting process, keep locked.
#pragma once

#include <filesystem>

namespace farm::pnpm {

class ScratchFolder {
  public:
    // Throws farm::Error when the folder cannot be created inside `project_root`.
    explicit ScratchFolder(const std::filesystem::path& project_root);
    ~ScratchFolder();
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    const std::filesystem::path& path() const { return m_path; }

    // Moves `folder` out of the way now and deletes it in the background; nothing when it does
    // not exist. Returns false (and leaves it) when it is neither a node_modules folder of the
    // project nor inside the scratch folder.
    bool discard(const std::filesystem::path& folder);

    // Blocks until every folder discarded so far is deleted (tests).
    void wait_for_deletions();

    // Blocks until the scratch folder at `path`, whose ScratchFolder was destroyed, is gone
    // (tests; farm itself never waits for it).
    static void wait_until_removed(const std::filesystem::path& path);

    // Scratch folders of `project_root` whose owner is gone; returns how many were removed.
    static std::size_t remove_abandoned(const std::filesystem::path& project_root);

  private:
    void start_deleter();

    std::filesystem::path m_root;
    std::filesystem::path m_path;
    int m_lock_fd = -1;
    int m_deleter_input = -1; // the write end of the deleting process's stdin; -1: none
    std::size_t m_discarded = 0;
};

} // namespace farm::pnpm
