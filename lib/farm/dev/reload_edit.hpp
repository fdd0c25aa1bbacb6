// The file edit that causes a hot reload, and the undo of it.
//
// `touch` sets the file's modification time to now (content untouched); `append` writes the
// original content plus one line "TEXT N" (N the reload's number, so every edit differs from the
// one before, which a content-hashing watcher needs). The original content is written back by
// restore() and, at the latest, by the destructor, so an interrupted measurement never leaves a
// project's source edited.
#pragma once

#include "farm/core/config.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace farm::dev {

class ReloadEdit {
  public:
    // Throws farm::UsageError when the file does not exist or cannot be read.
    ReloadEdit(std::filesystem::path file, core::DevReloadEdit how, std::string text);
    ~ReloadEdit();
    ReloadEdit(const ReloadEdit&) = delete;
    ReloadEdit& operator=(const ReloadEdit&) = delete;

    // Throws farm::Error when the file cannot be written.
    void apply(std::size_t number);
    // Puts the original content back when it was changed; idempotent, never throws.
    void restore() noexcept;

  private:
    void write(const std::string& content) const;

    std::filesystem::path m_file;
    core::DevReloadEdit m_how;
    std::string m_text;
    std::string m_original;
    bool m_changed = false;
};

} // namespace farm::dev
