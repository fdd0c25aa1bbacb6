// Fuzzes the masking of secrets (core/redact.hpp), which every command line, URL, failure and
// server message passes through before it is shown or stored: no crash and time in proportion
// to the input at any length, and on short inputs the same result as the regular expressions
// the scanners replaced (the reference of the unit tests).
#include "../unit/support/secret_regex_reference.hpp"
#include "farm/core/redact.hpp"
#include "farm/core/secret_patterns.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    (void)farm::core::redact_secrets(text);
    std::vector<std::string> argv;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == ' ') {
            argv.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    (void)farm::core::redact_secrets(argv);
    if (size <= 256) { // std::regex is trustworthy on short texts only
        if (farm::core::mask_secret_patterns(text) != farm::test::reference_mask(text)) {
            std::abort();
        }
        for (const std::string& word : argv) {
            if (farm::core::is_secret_option_name(word) !=
                farm::test::reference_option_name(word)) {
                std::abort();
            }
        }
    }
    return 0;
}
