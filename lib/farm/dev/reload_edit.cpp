#include "farm/dev/reload_edit.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>

namespace farm::dev {

ReloadEdit::ReloadEdit(std::filesystem::path file, core::DevReloadEdit how, std::string text)
    : m_file(std::move(file)), m_how(how), m_text(std::move(text)) {
    if (!std::filesystem::is_regular_file(m_file)) {
        throw UsageError("the reload file " + m_file.string() +
                         " does not exist; check dev.services[].reload.file in farm.config.json "
                         "(relative to the service's cwd)");
    }
    m_original = core::read_text_file(m_file); // refuses a FIFO put there since, at once
}

ReloadEdit::~ReloadEdit() {
    restore();
}

void ReloadEdit::write(const std::string& content) const {
    // Written in place, not replaced by a rename: watchers follow the file's inode.
    std::ofstream out(m_file, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
        throw Error("cannot write " + m_file.string() +
                        " to cause a reload: " + std::strerror(errno),
                    ExitCode::command_failed);
    }
}

void ReloadEdit::apply(std::size_t number) {
    if (m_how == core::DevReloadEdit::touch) {
        if (utimensat(AT_FDCWD, m_file.c_str(), nullptr, 0) != 0) {
            throw Error("cannot touch " + m_file.string() + ": " + std::strerror(errno),
                        ExitCode::command_failed);
        }
        return;
    }
    std::string content = m_original;
    if (!content.empty() && content.back() != '\n') {
        content += '\n';
    }
    m_changed = true;
    write(content + m_text + " " + std::to_string(number) + "\n");
}

void ReloadEdit::restore() noexcept {
    if (!m_changed) {
        return;
    }
    m_changed = false;
    try {
        write(m_original);
    } catch (const std::exception&) {
        // Nothing more can be done from here; the content is lost only if the disk refuses.
    }
}

} // namespace farm::dev
