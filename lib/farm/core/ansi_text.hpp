// Text that tools printed for a terminal, made plain: dev servers, pnpm and Nx colour their
// output even into a pipe (Nx runs tasks in a pseudo-terminal), and farm matches and quotes it.
#pragma once

#include <string>
#include <string_view>

namespace farm::core {

// `text` without its ANSI escape sequences (colours, bold, cursor moves).
std::string strip_ansi(std::string_view text);

} // namespace farm::core
