// The secret scanners for URL query credentials and libpq conninfo passwords (secret_scan.hpp).
#include "farm/core/secret_scan.hpp"

namespace farm::core::secret_scan {

namespace {

// ([A-Za-z0-9]+[_.-])* before a keyword: alphanumeric runs, each ended by one separator.
bool is_segmented_prefix(std::string_view prefix) {
    std::size_t i = 0;
    while (i < prefix.size()) {
        std::size_t segment_end = run_end(prefix, i, is_alnum);
        if (segment_end == i || segment_end >= prefix.size() ||
            std::string_view("_.-").find(prefix[segment_end]) == std::string_view::npos) {
            return false;
        }
        i = segment_end + 1;
    }
    return true;
}

// The whole name of a query parameter that carries a credential, any case:
// (?:[A-Za-z0-9]+[_.-])*(?:token|secret|password|passwd|signature|credential)
// | (?:(?:api|access|private|secret|client|subscription)[_-]?)?key | apikey | sig | pwd | auth
bool names_a_query_credential(std::string_view name) {
    for (std::string_view exact : {"apikey", "sig", "pwd", "auth", "key"}) {
        if (icase_equal(name, exact)) {
            return true;
        }
    }
    if (icase_ends_with(name, "key")) {
        std::string_view owner = name.substr(0, name.size() - 3);
        if (!owner.empty() && (owner.back() == '_' || owner.back() == '-')) {
            owner.remove_suffix(1);
        }
        for (std::string_view word :
             {"api", "access", "private", "secret", "client", "subscription"}) {
            if (icase_equal(owner, word)) {
                return true;
            }
        }
    }
    for (std::string_view word :
         {"token", "secret", "password", "passwd", "signature", "credential"}) {
        if (icase_ends_with(name, word)) {
            return is_segmented_prefix(name.substr(0, name.size() - word.size()));
        }
    }
    return false;
}

bool is_query_name_char(char c) {
    return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

} // namespace

// ([?&;](?:NAME)=)[^&#\s'"]+ with NAME as names_a_query_credential reads it.
std::string mask_query_credentials(std::string_view text) {
    Masked out(text);
    std::size_t i = 0;
    while (i < text.size()) {
        if (std::string_view("?&;").find(text[i]) == std::string_view::npos) {
            ++i;
            continue;
        }
        std::size_t name_end = run_end(text, i + 1, is_query_name_char);
        std::size_t value_end = name_end;
        if (name_end < text.size() && text[name_end] == '=' &&
            names_a_query_credential(text.substr(i + 1, name_end - i - 1))) {
            value_end = run_end(text, name_end + 1, [](char c) {
                return c != '&' && c != '#' && !is_space(c) && !is_quote(c);
            });
        }
        if (value_end > name_end + 1) {
            out.value(name_end + 1, value_end);
            i = value_end;
        } else {
            ++i;
        }
    }
    return out.finish();
}

namespace {

// Where the value of `password=` or `passwd=` (any case) at `name` starts; npos when neither is
// there.
std::size_t conninfo_value_start(std::string_view text, std::size_t name) {
    for (std::string_view word : {"password=", "passwd="}) {
        if (icase_at(text, name, word)) {
            return name + word.size();
        }
    }
    return std::string_view::npos;
}

} // namespace

// ((?:^|[\s'"])(?:password|passwd)=)[^\s'"&]+, any case: libpq's conninfo and form data. `^` is
// the start of the text only.
std::string mask_conninfo_passwords(std::string_view text) {
    Masked out(text);
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t value = i == 0 ? conninfo_value_start(text, 0) : std::string_view::npos;
        if (value == std::string_view::npos && (is_space(text[i]) || is_quote(text[i]))) {
            value = conninfo_value_start(text, i + 1);
        }
        std::size_t value_end =
            value == std::string_view::npos ? value : run_end(text, value, [](char c) {
                return c != '&' && !is_space(c) && !is_quote(c);
            });
        if (value != std::string_view::npos && value_end > value) {
            out.value(value, value_end);
            i = value_end;
        } else {
            ++i;
        }
    }
    return out.finish();
}

} // namespace farm::core::secret_scan
