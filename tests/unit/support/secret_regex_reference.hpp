// The regular expressions farm masked secrets with before core/secret_patterns.hpp replaced them
// with scanners: the reference the unit test and the fuzz target compare the scanners with. On
// short texts std::regex is right; on long ones it recursed per character and backtracked
// quadratically, which is why farm no longer uses it.
#pragma once

#include <array>
#include <regex>
#include <string>

namespace farm::test {

// The patterns as farm wrote them before the scanners (kept here as the reference only: on short
// texts std::regex is correct, just not on long ones). Group 1 is kept, the rest becomes ***.
inline std::string reference_mask(std::string text) {
    static const std::array<std::regex, 7> patterns = {
        std::regex(
            R"re((--?[A-Za-z0-9_-]*(?:token|password|passwd|secret|api[-_]?key|auth(?![a-z]))[A-Za-z0-9_-]*[= ])[^\s'"]+)re",
            std::regex::icase),
        std::regex(
            R"re(((?:authorization|x-api-key|api-key)\s*:\s*(?:bearer\s+|basic\s+)?)[^\s'"]+)re",
            std::regex::icase),
        std::regex(
            R"re(([A-Za-z0-9_]*(?:_authToken|_auth|_password|_PWD|TOKEN|SECRET|PASSWORD|API_KEY)=)[^\s'"]+)re"),
        std::regex(R"re(([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(?=@))re", std::regex::icase),
        std::regex(
            R"re((\b(?:sk-|sk_|hf_|ghp_|gho_|github_pat_|npm_|xox[bp]-))[A-Za-z0-9_-]{8,})re"),
        std::regex(
            R"re(([?&;](?:(?:[A-Za-z0-9]+[_.-])*(?:token|secret|password|passwd|signature|credential)|(?:(?:api|access|private|secret|client|subscription)[_-]?)?key|apikey|sig|pwd|auth)=)[^&#\s'"]+)re",
            std::regex::icase),
        std::regex(R"re(((?:^|[\s'"])(?:password|passwd)=)[^\s'"&]+)re", std::regex::icase),
    };
    for (const std::regex& pattern : patterns) {
        text = std::regex_replace(text, pattern, "$1***");
    }
    return text;
}

inline bool reference_option_name(const std::string& word) {
    static const std::regex option(
        R"re(--?[A-Za-z0-9_-]*(?:token|password|passwd|secret|api[-_]?key|auth(?![a-z]))[A-Za-z0-9_-]*)re",
        std::regex::icase);
    return std::regex_match(word, option);
}

} // namespace farm::test
