// Fuzzes the readers of files a user, a colleague or a cloned repository hands farm: the config
// (farm.config.json), a hyperfine JSON import, an AI dataset, a turbo.json (JSONC), the values a
// history database stores as text, node_modules/.modules.yaml, pnpm-workspace.yaml's `include:`,
// Next.js's build manifests, package.json's packageManager, and JSON read with located errors.
// The first byte picks the reader ('c', 'h', 'd', 't', 'v', 'p', 'm', 'i', 'n', 'k', anything
// else: plain JSON), the rest is the file. No crash, no undefined behaviour, no stack overflow on
// deep nesting: a file farm cannot use is refused with farm::Error, which is a correct answer.
#include "farm/ai/dataset.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/history/import_hyperfine.hpp"
#include "farm/history/values_codec.hpp"
#include "farm/pnpm/install_state.hpp"
#include "farm/pnpm/next_routes.hpp"
#include "farm/pnpm/settings_include.hpp"
#include "farm/pnpm/task_runner.hpp"
#include "farm/pnpm/toolchain.hpp"
#include "fuzz_pieces.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

using farm::fuzz::require;

// One folder for the whole fuzzing process, removed when it exits.
const std::filesystem::path& scratch_folder() {
    static const std::filesystem::path folder = [] {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "farm-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            std::abort();
        }
        std::atexit([] { std::filesystem::remove_all(scratch_folder()); });
        return std::filesystem::path(pattern);
    }();
    return folder;
}

std::filesystem::path write_file(const char* name, std::string_view content) {
    std::filesystem::path path = scratch_folder() / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(content.data(), static_cast<std::streamsize>(content.size()));
    return path;
}

void read_plain_json(std::string_view text) {
    (void)farm::core::position_of(text, text.size() / 2);
    nlohmann::json value = farm::core::parse_json_text("fuzz.json", text);
    (void)farm::core::json_value_offset(text, "ai.providers[0].type");
    (void)value;
}

// A history's values read back, written and read again: the same values (NaN for null).
void read_values(std::string_view text) {
    std::vector<double> values = farm::history::decode_values(text);
    std::vector<double> again = farm::history::decode_values(farm::history::encode_values(values));
    require(values.size() == again.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        require(values[i] == again[i] || (std::isnan(values[i]) && std::isnan(again[i])));
    }
}

void read_parameters(std::string_view text) {
    farm::history::ParameterList parameters = farm::history::parameters_from_json(text);
    require(farm::history::parameters_from_json(farm::history::parameters_json(parameters)) ==
            parameters);
}

// Both of Next.js's manifests hold the file, in a dist folder of their own.
void read_next_manifests(std::string_view content) {
    std::filesystem::path dist = scratch_folder() / "next-dist";
    std::filesystem::create_directories(dist);
    write_file("next-dist/app-build-manifest.json", content);
    write_file("next-dist/build-manifest.json", content);
    (void)farm::pnpm::next_route_files(dist);
}

void read_as(char reader, std::string_view content) {
    switch (reader) {
    case 'c':
        (void)farm::core::load_config(scratch_folder(), write_file("farm.config.json", content));
        break;
    case 'h':
        (void)farm::history::runs_from_hyperfine(write_file("hyperfine.json", content),
                                                 std::nullopt);
        break;
    case 'd':
        (void)farm::ai::load_dataset(write_file("prompts.jsonl", content));
        break;
    case 't':
        farm::pnpm::check_turbo_json(write_file("turbo.json", content));
        (void)farm::pnpm::blank_jsonc_comments(content);
        break;
    case 'v':
        read_values(content);
        break;
    case 'p':
        read_parameters(content);
        break;
    case 'm':
        (void)farm::pnpm::parse_modules_yaml(content);
        break;
    case 'i':
        (void)farm::pnpm::include_sources(std::string(content),
                                          write_file("pnpm-workspace.yaml", content));
        break;
    case 'n':
        read_next_manifests(content);
        break;
    case 'k':
        (void)farm::pnpm::parse_package_manager(std::string(content));
        break;
    default:
        read_plain_json(content);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        read_as(bytes.front(), bytes.substr(1));
    } catch (const farm::Error&) {
    }
    return 0;
}
