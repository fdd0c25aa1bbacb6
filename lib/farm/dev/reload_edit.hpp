// The file edit that causes a hot reload, and the undo of it.
//
// `touch` sets the file's modification time to now (content untouched); `append` writes the
// original content plus one line "TEXT N" (N the reload's number, so every edit differs from the
// one before, which a content-hashing watcher needs); `insert` writes " TEXT N" right after the
// first occurrence of a given text (a heading's words), so that the page shows the marker. The
// original content is written back by restore() and, at the latest, by the destructor, so an
// interrupted measurement never leaves a project's source edited.
//
// Without a TEXT of the user's, the appended line is "farm reload N" as a comment in the file's
// own syntax (// for scripts, /* */ for styles, <!-- --> for markup), so the edited code still
// compiles and the time measured is the time to a working update, not to a syntax error.
#pragma once

#include "farm/core/config.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace farm::dev {

class ReloadEdit {
  public:
    // Throws farm::UsageError when the file does not exist or cannot be read, or when an insert's
    // `after` is not in it. An empty `text` is the default (see above).
    ReloadEdit(std::filesystem::path file, core::DevReloadEdit how, std::string text,
               std::string after = {});
    ~ReloadEdit();
    ReloadEdit(const ReloadEdit&) = delete;
    ReloadEdit& operator=(const ReloadEdit&) = delete;

    // Throws farm::Error when the file cannot be written.
    void apply(std::size_t number);
    // Puts the original content back when it was changed; idempotent, never throws.
    void restore() noexcept;
    // The words reload `number` puts in the file ("farm reload 3"): what the browser waits for.
    std::string marker(std::size_t number) const;

  private:
    void write(const std::string& content) const;

    std::filesystem::path m_file;
    core::DevReloadEdit m_how;
    std::string m_text;
    std::string m_after;
    std::string m_original;
    bool m_changed = false;
};

// The line that appends `marker` to `file` as a comment of its language ("// farm reload 1" for
// a .tsx file); the marker alone for a file of no known language.
std::string comment_line(const std::filesystem::path& file, const std::string& marker);

} // namespace farm::dev
