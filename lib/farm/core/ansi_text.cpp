#include "farm/core/ansi_text.hpp"

#include <regex>

namespace farm::core {

std::string strip_ansi(std::string_view text) {
    // CSI sequences (ESC [ ... final byte) and the two-byte ones (ESC and one character).
    static const std::regex ansi("\x1b(?:\\[[0-?]*[ -/]*[@-~]|[@-Z\\\\-_])");
    return std::regex_replace(std::string(text), ansi, "");
}

} // namespace farm::core
