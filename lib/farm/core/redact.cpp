#include "farm/core/redact.hpp"

#include "farm/core/secret_patterns.hpp"

#include <array>
#include <cctype>

namespace farm::core {

namespace {

constexpr std::string_view mask = "***";

// Programs that take a password as a short option: mysql -pSECRET (the mysql and mariadb
// tools read `-p VALUE` as "ask for the password" and VALUE as the database, so only the
// attached form is a password), sshpass -p SECRET and redis-cli -a SECRET (both forms). The
// option is only read as a password after the program's name: `pnpm -r`, `docker -p 8080:80`
// and `ssh -p 22` are left alone.
struct PasswordOption {
    std::string_view program;
    bool program_is_prefix; // mysql, mysqldump, mysqladmin, mariadb-dump, ...
    char letter;
    bool separate_value; // `-p VALUE` is a password too
};

constexpr std::array<PasswordOption, 4> password_options = {{
    {"mysql", true, 'p', false},
    {"mariadb", true, 'p', false},
    {"sshpass", false, 'p', true},
    {"redis-cli", false, 'a', true},
}};

const PasswordOption* password_option_of(std::string_view word) {
    while (!word.empty() && std::string_view("'\"(").find(word.front()) != std::string_view::npos) {
        word.remove_prefix(1);
    }
    while (!word.empty() && std::string_view("'\");").find(word.back()) != std::string_view::npos) {
        word.remove_suffix(1);
    }
    if (std::size_t slash = word.rfind('/'); slash != std::string_view::npos) {
        word.remove_prefix(slash + 1);
    }
    for (const PasswordOption& option : password_options) {
        if (option.program_is_prefix ? word.starts_with(option.program) : word == option.program) {
            return &option;
        }
    }
    return nullptr;
}

bool is_attached_password(std::string_view word, const PasswordOption* option) {
    return option != nullptr && word.size() > 2 && word[0] == '-' && word[1] == option->letter;
}

bool is_password_flag(std::string_view word, const PasswordOption* option) {
    return option != nullptr && option->separate_value && word.size() == 2 && word[0] == '-' &&
           word[1] == option->letter;
}

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Where a value starting at `at` ends: a quoted value at its closing quote; else at a space, a
// shell operator or a quote (the end of an `sh -c '...'` argument, say).
std::size_t value_end(std::string_view text, std::size_t at) {
    if (at < text.size() && (text[at] == '\'' || text[at] == '"')) {
        std::size_t close = text.find(text[at], at + 1);
        return close == std::string_view::npos ? text.size() : close + 1;
    }
    while (at < text.size() && !is_space(text[at]) &&
           std::string_view(";|&'\"").find(text[at]) == std::string_view::npos) {
        ++at;
    }
    return at;
}

// The password options of password_options in a command line written as text; a shell
// operator (; | & or a new line) ends the program's arguments. Hand-written, as the other
// patterns are (secret_patterns.hpp): time in proportion to the text, whatever its length.
std::string mask_password_options(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const PasswordOption* option = nullptr;
    bool value_next = false;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            option = text[i] == '\n' ? nullptr : option;
            out += text[i++];
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end])) {
            ++end;
        }
        std::string_view word = text.substr(i, end - i);
        if (value_next || is_attached_password(word, option)) {
            std::size_t value_start = value_next ? i : i + 2;
            out.append(text.substr(i, value_start - i));
            out += mask;
            i = value_end(text, value_start);
            value_next = false;
            continue;
        }
        value_next = is_password_flag(word, option);
        if (const PasswordOption* named = password_option_of(word)) {
            option = named;
        }
        if (word.find_first_of(";|&") != std::string_view::npos) {
            option = nullptr;
        }
        out.append(word);
        i = end;
    }
    return out;
}

} // namespace

std::string redact_secrets(std::string_view text) {
    return mask_secret_patterns(mask_password_options(text));
}

std::vector<std::string> redact_secrets(const std::vector<std::string>& argv) {
    std::vector<std::string> redacted;
    redacted.reserve(argv.size());
    bool next_is_secret = false;
    const PasswordOption* program = nullptr;
    for (const std::string& word : argv) {
        if (next_is_secret) {
            redacted.emplace_back(mask);
            next_is_secret = false;
            continue;
        }
        if (is_attached_password(word, program)) {
            redacted.push_back(word.substr(0, 2) + std::string(mask));
            continue;
        }
        next_is_secret = is_password_flag(word, program) || is_secret_option_name(word);
        if (const PasswordOption* named = password_option_of(word)) {
            program = named;
        }
        redacted.push_back(redact_secrets(word));
    }
    return redacted;
}

} // namespace farm::core
