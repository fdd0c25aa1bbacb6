// Fuzzes the byte-preserving pnpm-workspace.yaml editor (and yaml-cpp under it) with what a
// cloned repository may hold: no crash, no undefined behaviour, no stack overflow on deep
// nesting; a file it accepts comes back byte for byte, and a value it sets reads back as set.
// A refused file or edit (farm::Error, located) is a correct answer.
#include "farm/core/error.hpp"
#include "farm/pnpm/workspace_yaml.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void check_set(const farm::pnpm::WorkspaceYaml& original, const char* key, const char* value) {
    farm::pnpm::WorkspaceYaml file = original;
    try {
        if (!file.set(key, value)) {
            return;
        }
    } catch (const farm::Error&) {
        farm::fuzz::require(file.text() == original.text()); // a refused edit changes nothing
        return;
    }
    farm::pnpm::WorkspaceYaml again = farm::pnpm::WorkspaceYaml::parse(file.text(), "fuzz.yaml");
    farm::fuzz::require(again.get(key) == std::optional<std::string>(value));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        farm::pnpm::WorkspaceYaml file = farm::pnpm::WorkspaceYaml::parse(text, "fuzz.yaml");
        farm::fuzz::require(file.text() == text);
        (void)file.get("packages");
        (void)file.get("nodeLinker");
        check_set(file, "sideEffectsCache", "true");
        check_set(file, "networkConcurrency", "16");
        farm::pnpm::WorkspaceYaml erased = file;
        try {
            erased.erase("nodeLinker");
        } catch (const farm::Error&) {
        }
    } catch (const farm::Error&) {
    }
    return 0;
}
