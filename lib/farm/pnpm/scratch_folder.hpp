// The folder farm owns inside a project while it benchmarks the install, and the untimed removal
// of node_modules between runs.
//
// It lives at <project>/.farm/pnpm-scratch-XXXXXX: on the project's file system, so that the cold
// scenario's store is hard-linked or cloned into node_modules exactly as the user's own store is
// (a store under /tmp is often another file system, where pnpm silently copies every file), and
// hidden, so that neither pnpm's workspace globs nor farm's own package search look inside it.
//
// discard() renames a folder into the scratch folder's trash at once (a rename on one file
// system is instant, so the next run starts from nothing) and deletes it on a background thread
// at the lowest best-effort I/O priority, untimed. It only ever removes folders named node_modules
// inside the project and folders inside the scratch folder itself: anything else is refused.
//
// The destructor waits for the deletions and removes the scratch folder, also after an
// interrupt (farm's signal handlers only set a flag, so the stack unwinds normally). A scratch
// folder left by a farm that was killed (SIGKILL, power loss) is removed by the next one: each
// folder holds a lock file that its live owner keeps locked.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

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

    // Blocks until every discarded folder is deleted.
    void wait_for_deletions();

    // Scratch folders of `project_root` whose owner is gone; returns how many were removed.
    static std::size_t remove_abandoned(const std::filesystem::path& project_root);

  private:
    void delete_in_background();

    std::filesystem::path m_root;
    std::filesystem::path m_path;
    bool m_created_farm_folder = false;
    int m_lock_fd = -1;
    std::size_t m_discarded = 0;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::filesystem::path> m_queue;
    bool m_busy = false;
    bool m_stopping = false;
    std::thread m_worker;
};

} // namespace farm::pnpm
