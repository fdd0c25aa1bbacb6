#include "farm/pnpm/task_output.hpp"

#include "farm/core/ansi_text.hpp"

#include <sstream>

namespace farm::pnpm {

namespace {

// Enough of a block to find its last own lines under pnpm's closing ones.
constexpr std::size_t kept_lines = 60;

// The text of a line after its indentation: spaces, tabs and the thin spaces (U+2009) pnpm puts
// around "ELIFECYCLE" and "WARN".
std::string_view without_indent(std::string_view line) {
    const std::string_view thin_space = "\xe2\x80\x89";
    while (!line.empty()) {
        if (line.front() == ' ' || line.front() == '\t' || line.front() == '\r') {
            line.remove_prefix(1);
        } else if (line.starts_with(thin_space)) {
            line.remove_prefix(thin_space.size());
        } else {
            break;
        }
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    return line;
}

// The task a line of Nx's stdout opens ("> nx run @acme/lib:build", or "✔  nx run ..." for a
// task whose output Nx hides), or empty.
std::string task_header(std::string_view plain) {
    plain = without_indent(plain);
    for (std::string_view mark : {"> ", "\xe2\x9c\x94 ", "\xe2\x9c\x96 "}) { // >, ✔, ✖
        if (plain.starts_with(mark)) {
            plain = without_indent(plain.substr(mark.size()));
            const std::string_view run = "nx run ";
            if (plain.starts_with(run)) {
                std::string_view id = plain.substr(run.size());
                return std::string(id.substr(0, id.find(' ')));
            }
        }
    }
    return {};
}

// Nx's own lines after the tasks' blocks: " NX   Ran target ...", where its profile went
// (NX_PROFILE) and the run's figures.
bool ends_task_blocks(std::string_view plain) {
    plain = without_indent(plain);
    return plain.starts_with("NX ") || plain.starts_with("Run duration:") ||
           plain.starts_with("Performance Profile:") || plain.starts_with("Successfully ran") ||
           plain.starts_with("Ran target");
}

} // namespace

bool is_pnpm_line(std::string_view line) {
    std::string_view text = without_indent(line);
    return text.empty() || text.starts_with("> ") || text.starts_with("ERR_PNPM_") ||
           text.starts_with("ELIFECYCLE") || text.starts_with("Exit status ") ||
           text.starts_with("WARN ") || text.starts_with("WARN\xe2\x80\x89") ||
           text.starts_with("undefined") || (text.ends_with(":") && text.starts_with("/"));
}

std::vector<std::string> own_last_lines(std::string_view text, std::size_t count) {
    std::vector<std::string> own;
    std::istringstream lines(core::strip_ansi(text));
    for (std::string line; std::getline(lines, line);) {
        if (!is_pnpm_line(line)) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
                line.pop_back();
            }
            own.push_back(std::move(line));
        }
    }
    if (own.size() > count) {
        own.erase(own.begin(), own.end() - std::ptrdiff_t(count));
    }
    return own;
}

void TaskOutput::feed(std::string_view piece) {
    m_lines.feed(piece, [this](std::string line) { take_line(std::move(line)); });
}

void TaskOutput::take_line(std::string line) {
    std::string plain = core::strip_ansi(line);
    if (m_format == Format::nx) {
        take_nx_line(std::move(plain));
    } else {
        take_turbo_line(plain);
    }
}

void TaskOutput::take_nx_line(std::string plain) {
    if (std::string id = task_header(plain); !id.empty()) {
        m_current = id;
        m_blocks[m_current].clear(); // a task printed again (a retry) says it anew
        return;
    }
    if (ends_task_blocks(plain)) {
        m_current.clear();
        return;
    }
    if (!m_current.empty()) {
        keep(m_current, std::move(plain));
    }
}

void TaskOutput::take_turbo_line(const std::string& plain) {
    // "@acme/site:build: site: VITE_API_URL is not set": the task is what comes before the
    // first ": ", a package and a task without spaces.
    std::size_t end = plain.find(": ");
    if (end == std::string::npos && plain.ends_with(":")) {
        end = plain.size() - 1; // an empty line of the task: "@acme/site:build:"
    }
    if (end == std::string::npos) {
        return;
    }
    std::string task = plain.substr(0, end);
    if (task.find(':') == std::string::npos || task.find(' ') != std::string::npos) {
        return;
    }
    std::string rest = end + 2 <= plain.size() ? plain.substr(end + 2) : std::string();
    if (rest.starts_with("cache ")) {
        return; // turbo's own "cache miss, executing 7d45e7fe98d532cd"
    }
    keep(task, std::move(rest));
}

void TaskOutput::keep(const std::string& task, std::string line) {
    std::vector<std::string>& block = m_blocks[task];
    block.push_back(std::move(line));
    if (block.size() > 2 * kept_lines) {
        block.erase(block.begin(), block.end() - std::ptrdiff_t(kept_lines));
    }
}

std::vector<std::string> TaskOutput::own_lines(const std::string& task_id,
                                               std::size_t count) const {
    auto it = m_blocks.find(task_id);
    if (it == m_blocks.end()) {
        return {};
    }
    std::string text;
    for (const std::string& line : it->second) {
        text += line + "\n";
    }
    return own_last_lines(text, count);
}

void TaskOutput::clear() {
    m_lines.clear();
    m_current.clear();
    m_blocks.clear();
}

} // namespace farm::pnpm
