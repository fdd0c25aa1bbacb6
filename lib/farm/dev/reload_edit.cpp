#include "farm/dev/reload_edit.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sys/stat.h>

namespace farm::dev {

namespace {

const char* const default_text = "farm reload";

} // namespace

std::string comment_line(const std::filesystem::path& file, const std::string& marker) {
    std::string extension = file.extension().string();
    for (char& c : extension) {
        c = char(std::tolower(static_cast<unsigned char>(c)));
    }
    static const std::set<std::string> scripts = {".js",  ".jsx", ".ts",  ".tsx",
                                                  ".mjs", ".cjs", ".mts", ".cts"};
    static const std::set<std::string> styles = {".css", ".scss", ".less"};
    // A Vue or Svelte component ends with its last block; an HTML comment is valid after it.
    static const std::set<std::string> markup = {".html", ".htm", ".vue",  ".svelte",
                                                 ".md",   ".mdx", ".astro"};
    if (scripts.count(extension)) {
        return "// " + marker;
    }
    if (styles.count(extension)) {
        return "/* " + marker + " */";
    }
    if (markup.count(extension)) {
        return "<!-- " + marker + " -->";
    }
    return marker;
}

ReloadEdit::ReloadEdit(std::filesystem::path file, core::DevReloadEdit how, std::string text,
                       std::string after)
    : m_file(std::move(file)), m_how(how), m_text(std::move(text)), m_after(std::move(after)) {
    if (!std::filesystem::is_regular_file(m_file)) {
        throw UsageError("the reload file " + m_file.string() +
                         " does not exist; check dev.services[].reload.file in farm.config.json "
                         "(relative to the service's cwd)");
    }
    m_original = core::read_text_file(m_file); // refuses a FIFO put there since, at once
    if (m_how == core::DevReloadEdit::insert && m_original.find(m_after) == std::string::npos) {
        throw UsageError("the reload file " + m_file.string() + " does not contain \"" + m_after +
                         "\" (dev.services[].reload.after), so there is nowhere to insert the "
                         "reload's marker");
    }
}

std::string ReloadEdit::marker(std::size_t number) const {
    return (m_text.empty() ? std::string(default_text) : m_text) + " " + std::to_string(number);
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
    if (m_how == core::DevReloadEdit::insert) {
        content.insert(content.find(m_after) + m_after.size(), " " + marker(number));
    } else {
        if (!content.empty() && content.back() != '\n') {
            content += '\n';
        }
        content += (m_text.empty() ? comment_line(m_file, marker(number)) : marker(number)) + "\n";
    }
    m_changed = true;
    write(content);
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
