// Fuzzes the reader of pnpm's ndjson reporter output (what an install prints, including a
// postinstall script's own lines): no crash, no undefined behaviour, no deep-nesting stack
// overflow, and the same figures whether the output comes whole or in pieces, as a pipe delivers
// it.
#include "farm/pnpm/install_log.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

farm::pnpm::InstallStats parse(const std::vector<std::string_view>& pieces) {
    farm::pnpm::InstallLogParser parser;
    for (std::string_view piece : pieces) {
        parser.feed(piece);
    }
    parser.finish();
    return parser.stats();
}

bool same(const farm::pnpm::InstallStats& a, const farm::pnpm::InstallStats& b) {
    return a.resolved == b.resolved && a.downloaded == b.downloaded && a.reused == b.reused &&
           a.added == b.added && a.bytes_downloaded == b.bytes_downloaded &&
           a.import_method == b.import_method && a.error_message == b.error_message &&
           a.lines == b.lines && a.non_json_lines == b.non_json_lines &&
           a.ignored_build_scripts == b.ignored_build_scripts &&
           a.lifecycle_scripts.size() == b.lifecycle_scripts.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    farm::pnpm::InstallStats whole = parse({bytes});
    farm::pnpm::InstallStats cut = parse(farm::fuzz::cut_in_pieces(bytes));
    farm::fuzz::require(same(whole, cut));
    (void)whole.store_hit_rate();
    (void)whole.warnings();
    (void)whole.error_in_words();
    (void)whole.lifecycle_s();
    (void)farm::pnpm::distinct_warnings({whole, cut});
    (void)farm::pnpm::without_ndjson_lines(bytes);
    return 0;
}
