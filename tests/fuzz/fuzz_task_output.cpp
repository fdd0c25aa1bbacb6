// Fuzzes the reader of a task runner's stdout (turbo's prefixed lines, Nx's blocks, colours and
// pnpm's banners around a failed script): no crash, no undefined behaviour, and the same lines of
// every task whether the output comes whole or in pieces, as a pipe delivers it. The first byte
// picks the runner ('n' Nx, anything else turbo), the rest is its stdout.
#include "farm/core/ansi_text.hpp"
#include "farm/pnpm/task_output.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using farm::pnpm::TaskOutput;

TaskOutput fed(TaskOutput::Format format, const std::vector<std::string_view>& pieces) {
    TaskOutput output(format);
    for (std::string_view piece : pieces) {
        output.feed(piece);
    }
    return output;
}

// The words that may name a task ("@acme/web:build", "app:build:"): those with a colon.
std::vector<std::string> task_names_in(std::string_view text) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start < text.size() && names.size() < 32) {
        std::size_t end = text.find_first_of(" \n", start);
        std::string_view word =
            text.substr(start, end == std::string_view::npos ? end : end - start);
        if (word.find(':') != std::string_view::npos) {
            names.emplace_back(word);
            if (word.back() == ':') {
                names.emplace_back(word.substr(0, word.size() - 1));
            }
        }
        start = end == std::string_view::npos ? text.size() : end + 1;
    }
    return names;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto format = bytes.front() == 'n' ? TaskOutput::Format::nx : TaskOutput::Format::turbo;
    std::string_view output = bytes.substr(1);
    TaskOutput whole = fed(format, {output});
    TaskOutput cut = fed(format, farm::fuzz::cut_in_pieces(output));
    for (const std::string& name : task_names_in(farm::core::strip_ansi(output))) {
        std::vector<std::string> lines = whole.own_lines(name, farm::pnpm::shown_failure_lines);
        farm::fuzz::require(lines == cut.own_lines(name, farm::pnpm::shown_failure_lines));
        farm::fuzz::require(lines.size() <= farm::pnpm::shown_failure_lines);
        for (const std::string& line : lines) {
            farm::fuzz::require(line.size() <= farm::pnpm::max_task_line_bytes);
        }
    }
    (void)farm::pnpm::own_last_lines(output, farm::pnpm::shown_failure_lines);
    return 0;
}
