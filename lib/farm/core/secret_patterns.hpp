// The patterns redact.hpp masks, as hand-written scanners: each reads the text once, left to
// right, with no backtracking and no recursion, so masking costs time in proportion to the text
// and never overflows the stack. (std::regex, which they replace, recursed once per character a
// quantifier spanned and backtracked quadratically: a 16 KB build log took 48 s to mask, and a
// 100 KB word crashed farm.)
//
// Each scanner finds what its regular expression in the comments of secret_patterns.cpp finds,
// leftmost match first, continuing after each match, and replaces the value with `***`, keeping
// the name; tests/unit/core/test_secret_patterns.cpp checks them against those expressions.
#pragma once

#include <string>
#include <string_view>

namespace farm::core {

// The text with every secret value of the patterns masked, applied in turn: option values,
// authorization headers, environment settings, URL credentials, key prefixes, URL query
// credentials, conninfo passwords.
std::string mask_secret_patterns(std::string_view text);

// A whole word that names a secret option: `-` or `--`, then letters, digits, `_` and `-` only,
// with token, password, passwd, secret, api-key (apikey, api_key) or auth (not followed by a
// letter) in it, in any case. In argv, the word after it is the secret.
bool is_secret_option_name(std::string_view word);

} // namespace farm::core
