// Text that tools printed for a terminal, made plain: dev servers, pnpm and Nx colour their
// output even into a pipe (Nx runs tasks in a pseudo-terminal), and farm matches and quotes it.
//
// Guarantees: one pass over the text, no recursion, whatever its length or content (a build's
// output can hold megabyte lines; std::regex, used here before, recursed once per character of a
// sequence and overflowed the stack on a long one).
#pragma once

#include <string>
#include <string_view>

namespace farm::core {

// `text` without its ANSI escape sequences: CSI sequences (ESC `[`, parameter bytes 0x30-0x3f,
// intermediate bytes 0x20-0x2f, a final byte 0x40-0x7e: colours, cursor moves) and two-byte
// escapes (ESC and one byte of 0x40-0x5a or 0x5c-0x5f). An ESC that starts neither is kept.
std::string strip_ansi(std::string_view text);

} // namespace farm::core
