#include "farm/core/secret_patterns.hpp"

#include "farm/core/secret_scan.hpp"

namespace farm::core {

using namespace secret_scan;

namespace {

// An option's name with a secret in it: token, password, passwd, secret, api[-_]?key, or auth
// not followed by a letter.
bool names_a_secret(std::string_view name) {
    for (std::size_t i = 0; i < name.size(); ++i) {
        for (std::string_view word :
             {"token", "password", "passwd", "secret", "apikey", "api-key", "api_key"}) {
            if (icase_at(name, i, word)) {
                return true;
            }
        }
        if (icase_at(name, i, "auth") && !(i + 4 < name.size() && is_alpha(name[i + 4]))) {
            return true;
        }
    }
    return false;
}

// (--?[A-Za-z0-9_-]*(?:token|password|passwd|secret|api[-_]?key|auth(?![a-z]))[A-Za-z0-9_-]*[= ])
// [^\s'"]+, any case. A run of name characters from a '-' either names a secret and is followed
// by '=' or ' ' and a value, or no '-' inside it starts a match either (same end, less name).
std::string mask_option_values(std::string_view text) {
    Masked out(text);
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '-') {
            ++i;
            continue;
        }
        std::size_t name_end = run_end(text, i, is_option_char);
        bool separated = name_end < text.size() && (text[name_end] == '=' || text[name_end] == ' ');
        // The value is looked at only for a secret's name: scanning it for every option would
        // read `-a=-a=-a=...` once per option, quadratic time again.
        std::size_t value_end = separated && names_a_secret(text.substr(i, name_end - i))
                                    ? plain_value_end(text, name_end + 1)
                                    : name_end;
        if (value_end > name_end + 1) {
            out.value(name_end + 1, value_end);
            i = value_end;
        } else {
            i = name_end;
        }
    }
    return out.finish();
}

// ((?:authorization|x-api-key|api-key)\s*:\s*(?:bearer\s+|basic\s+)?)[^\s'"]+, any case.
std::string mask_authorization_headers(std::string_view text) {
    Masked out(text);
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t name_end = i;
        for (std::string_view name : {"authorization", "x-api-key", "api-key"}) {
            if (icase_at(text, i, name)) {
                name_end = i + name.size();
                break;
            }
        }
        if (name_end == i) {
            ++i;
            continue;
        }
        std::size_t colon = run_end(text, name_end, is_space);
        if (colon >= text.size() || text[colon] != ':') {
            ++i;
            continue;
        }
        std::size_t value = run_end(text, colon + 1, is_space);
        for (std::string_view scheme : {"bearer", "basic"}) {
            std::size_t after = value + scheme.size();
            if (icase_at(text, value, scheme) && after < text.size() && is_space(text[after])) {
                std::size_t credential = run_end(text, after, is_space);
                if (plain_value_end(text, credential) > credential) {
                    value = credential; // else the scheme's word itself is the value
                }
                break;
            }
        }
        std::size_t value_end = plain_value_end(text, value);
        if (value_end > value) {
            out.value(value, value_end);
            i = value_end;
        } else {
            ++i;
        }
    }
    return out.finish();
}

// ([A-Za-z0-9_]*(?:_authToken|_auth|_password|_PWD|TOKEN|SECRET|PASSWORD|API_KEY)=)[^\s'"]+,
// case as written. Checked at each '=' against the name characters just before it.
std::string mask_environment_settings(std::string_view text) {
    Masked out(text);
    std::size_t name_start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_word(text[i])) {
            ++i;
            continue;
        }
        std::string_view name = text.substr(name_start, i - name_start);
        bool secret = false;
        for (std::string_view suffix : {"_authToken", "_auth", "_password", "_PWD", "TOKEN",
                                        "SECRET", "PASSWORD", "API_KEY"}) {
            secret = secret || name.ends_with(suffix);
        }
        std::size_t value_end = secret && text[i] == '=' ? plain_value_end(text, i + 1) : i;
        if (value_end > i + 1) {
            out.value(i + 1, value_end);
            i = value_end;
        } else {
            ++i;
        }
        name_start = i;
    }
    return out.finish();
}

bool is_scheme_char(char c) {
    return is_alnum(c) || c == '+' || c == '.' || c == '-';
}

// ([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(?=@), any case: the password of user:password@host.
std::string mask_url_credentials(std::string_view text) {
    Masked out(text);
    std::size_t scheme_start = 0; // where the run of scheme characters before `i` began
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_scheme_char(text[i])) {
            ++i;
            continue;
        }
        bool has_letter = false;
        for (std::size_t k = scheme_start; k < i && !has_letter; ++k) {
            has_letter = is_alpha(text[k]);
        }
        std::size_t resume = i + 1;
        if (has_letter && text.substr(i, 3) == "://") {
            std::size_t user_end = run_end(text, i + 3, [](char c) {
                return c != '/' && c != ':' && c != '@' && !is_space(c);
            });
            if (user_end > i + 3 && user_end < text.size() && text[user_end] == ':') {
                std::size_t password_end = run_end(text, user_end + 1, [](char c) {
                    return c != '/' && c != '@' && !is_space(c);
                });
                if (password_end > user_end + 1 && password_end < text.size() &&
                    text[password_end] == '@') {
                    out.value(user_end + 1, password_end);
                    resume = password_end;
                }
            }
        }
        i = resume;
        scheme_start = i;
    }
    return out.finish();
}

// (\b(?:sk-|sk_|hf_|ghp_|gho_|github_pat_|npm_|xox[bp]-))[A-Za-z0-9_-]{8,}, case as written.
std::string mask_key_prefixes(std::string_view text) {
    Masked out(text);
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t key = i;
        if (i == 0 || !is_word(text[i - 1])) {
            for (std::string_view prefix :
                 {"sk-", "sk_", "hf_", "ghp_", "gho_", "github_pat_", "npm_", "xoxb-", "xoxp-"}) {
                if (text.substr(i).starts_with(prefix)) {
                    key = i + prefix.size();
                    break;
                }
            }
        }
        std::size_t key_end = key > i ? run_end(text, key, is_option_char) : i;
        if (key_end - key >= 8) {
            out.value(key, key_end);
            i = key_end;
        } else {
            ++i;
        }
    }
    return out.finish();
}

} // namespace

std::string mask_secret_patterns(std::string_view text) {
    std::string result = mask_option_values(text);
    result = mask_authorization_headers(result);
    result = mask_environment_settings(result);
    result = mask_url_credentials(result);
    result = mask_key_prefixes(result);
    result = mask_query_credentials(result);
    return mask_conninfo_passwords(result);
}

bool is_secret_option_name(std::string_view word) {
    return word.starts_with('-') && run_end(word, 0, is_option_char) == word.size() &&
           names_a_secret(word);
}

} // namespace farm::core
