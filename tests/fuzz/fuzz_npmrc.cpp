// Fuzzes the byte-preserving .npmrc editor with what a cloned repository may hold: no crash, no
// undefined behaviour, and its guarantees hold for any bytes — parse(x).text() == x, a set()
// reads back as set and leaves every other line as it was, protected keys are never written.
#include "farm/core/error.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

std::size_t count_lines(const std::string& text) {
    std::size_t lines = 0;
    for (char c : text) {
        lines += c == '\n' ? 1 : 0;
    }
    return lines;
}

void check_set(const std::string& text, const char* key, const char* value) {
    farm::pnpm::Npmrc file = farm::pnpm::Npmrc::parse(text);
    if (!file.set(key, value)) {
        return;
    }
    farm::pnpm::Npmrc again = farm::pnpm::Npmrc::parse(file.text());
    farm::fuzz::require(again.get(key) == std::optional<std::string>(value));
    // One line changed or one added (with, at most, the newline the last line lacked).
    farm::fuzz::require(count_lines(file.text()) <= count_lines(text) + 2);
    if (file.erase(key)) {
        farm::fuzz::require(!farm::pnpm::Npmrc::parse(file.text()).get(key).has_value());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    farm::pnpm::Npmrc file = farm::pnpm::Npmrc::parse(text);
    farm::fuzz::require(file.text() == text);
    for (const farm::pnpm::NpmrcEntry& entry : file.entries()) {
        farm::fuzz::require(entry.line >= 1);
    }
    (void)file.malformed_lines();
    check_set(text, "side-effects-cache", "true");
    check_set(text, "network-concurrency", "16");
    // A protected key is refused whatever the file holds.
    farm::pnpm::Npmrc copy = farm::pnpm::Npmrc::parse(text);
    bool refused = false;
    try {
        copy.set("registry", "https://elsewhere.invalid/");
    } catch (const farm::UsageError&) {
        refused = true;
    }
    farm::fuzz::require(refused && copy.text() == text);
    return 0;
}
