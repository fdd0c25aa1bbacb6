#include "farm/pnpm/npmrc.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace farm::pnpm {

namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

// What JavaScript's trim() removes among ASCII, which is what npm's ini trims with.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; });
}

bool looks_quoted(std::string_view text) {
    return text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
           text.back() == text.front();
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// ini hands a value in double quotes to JSON.parse and keeps the raw text when that fails;
// surrogate pairs are rare enough in a config value to count as a failure here.
std::optional<std::string> decode_json_string(std::string_view inner) {
    std::string out;
    for (std::size_t i = 0; i < inner.size(); ++i) {
        char c = inner[i];
        if (c == '"' || static_cast<unsigned char>(c) < 0x20) {
            return std::nullopt;
        }
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i == inner.size()) {
            return std::nullopt;
        }
        constexpr std::string_view from = "\"\\/bfnrt";
        constexpr std::string_view to = "\"\\/\b\f\n\r\t";
        if (std::size_t k = from.find(inner[i]); k != std::string_view::npos) {
            out += to[k];
            continue;
        }
        unsigned code = 0;
        std::string_view hex = inner.substr(i + 1, 4);
        if (inner[i] != 'u' || hex.size() != 4 ||
            std::from_chars(hex.data(), hex.data() + 4, code, 16).ptr != hex.data() + 4 ||
            (code >= 0xD800 && code <= 0xDFFF)) {
            return std::nullopt;
        }
        append_utf8(out, code);
        i += 4;
    }
    return out;
}

// ini's reading of an unquoted value: `\;`, `\#` and `\\` stand for the character, any other
// backslash stays as written.
std::string unescape(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() &&
            std::string_view("\\;#").find(raw[i + 1]) != std::string_view::npos) {
            ++i;
        }
        out += raw[i];
    }
    return out;
}

std::string escape(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == ';' || c == '#') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

void check_editable(std::string_view key) {
    std::string shown = "'" + std::string(key) + "'";
    if (is_protected_key(key)) {
        throw UsageError(".npmrc key " + shown +
                         " holds a credential, a registry, a proxy or a certificate setting; farm "
                         "never writes those: change it by hand if you need to");
    }
    bool unreadable = key.empty() || has_control(key) || is_space(key.front()) ||
                      is_space(key.back()) || key.front() == '[' || key.front() == '"' ||
                      key.front() == '\'' || key.find_first_of("=;#\\") != std::string_view::npos;
    if (unreadable) {
        throw UsageError(".npmrc key " + shown +
                         " would not read back as itself (it is empty or has spaces around it, a "
                         "control character, '=', ';', '#', '\\' or a leading '[' or quote)");
    }
    if (key.find("${") != std::string_view::npos) {
        throw UsageError(".npmrc key " + shown +
                         " has a ${...} reference, which npm would expand; use a literal key");
    }
}

void check_value(std::string_view key, std::string_view value) {
    std::string where = "the value for .npmrc key '" + std::string(key) + "'";
    if (has_control(value)) {
        throw UsageError(where + " has a line break or control character; .npmrc values are "
                                 "one line");
    }
    if (!value.empty() && (is_space(value.front()) || is_space(value.back()))) {
        throw UsageError(where + " has spaces around it, which npm would trim away");
    }
    if (looks_quoted(value)) {
        throw UsageError(where + " is in quotes, which npm would remove; pass it without them");
    }
    if (value.find("${") != std::string_view::npos) {
        throw UsageError(where + " has a ${...} reference; farm does not add environment "
                                 "references to .npmrc (pnpm warns on every unset one)");
    }
}

} // namespace

bool is_protected_key(std::string_view key) {
    // Lowercase: the key is compared in lowercase.
    // With the camelCase spellings of pnpm-workspace.yaml (httpsProxy, noProxy), lowercased.
    static constexpr std::array<std::string_view, 24> names = {
        "registry",    "_auth",    "_authtoken",  "_password",  "username",      "email",
        "always-auth", "proxy",    "https-proxy", "http-proxy", "httpsproxy",    "httpproxy",
        "noproxy",     "no-proxy", "cafile",      "ca",         "ca[]",          "cert",
        "key",         "certfile", "keyfile",     "strict-ssl", "local-address", "tokenhelper"};
    std::string name = lowercase(key);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.starts_with("//")) {
        return true;
    }
    // `@scope:registry`, and a credential given a scope prefix, which npm would not read but
    // whose value is still a secret.
    std::string last = name.substr(name.rfind(':') == std::string::npos ? 0 : name.rfind(':') + 1);
    return std::find(names.begin(), names.end(), last) != names.end();
}

Npmrc Npmrc::parse(std::string text) {
    Npmrc file;
    std::string_view rest = text;
    if (rest.starts_with(bom)) {
        file.m_bom = bom;
        rest.remove_prefix(bom.size());
    }
    while (!rest.empty()) {
        std::size_t end = rest.find('\n');
        Line line;
        line.body = rest.substr(0, end);
        line.newline = end != std::string_view::npos;
        rest.remove_prefix(line.newline ? end + 1 : rest.size());
        analyze(line);
        file.m_lines.push_back(std::move(line));
    }
    file.mark_sections();
    return file;
}

void Npmrc::analyze(Line& line) {
    const std::string& s = line.body;
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && is_space(s[b])) {
        ++b;
    }
    while (e > b && is_space(s[e - 1])) {
        --e;
    }
    line.kind = Kind::malformed;
    if (b == e) {
        line.kind = Kind::blank;
        return;
    }
    if (s[b] == '#' || s[b] == ';') {
        line.kind = Kind::comment;
        return;
    }
    if (s[b] == '[' && s[e - 1] == ']' && s.find(']', b) == e - 1) {
        line.kind = Kind::section;
        return;
    }
    std::size_t eq = s.find('=', b);
    if (eq == std::string::npos || eq >= e) {
        return;
    }
    std::size_t key_end = eq;
    while (key_end > b && is_space(s[key_end - 1])) {
        --key_end;
    }
    if (key_end == b) {
        return; // `=value`: ini skips it
    }
    std::size_t vb = eq + 1;
    while (vb < e && is_space(s[vb])) {
        ++vb;
    }
    std::size_t ve = e;
    // ini looks for quotes around everything after `=`, an inline comment included.
    if (!looks_quoted(std::string_view(s).substr(vb, e - vb))) {
        std::size_t i = vb;
        while (i < e && s[i] != ';' && s[i] != '#') {
            i += s[i] == '\\' ? 2 : 1;
        }
        ve = std::min(i, e);
        while (ve > vb && is_space(s[ve - 1])) {
            --ve;
        }
    }
    line.kind = Kind::assignment;
    line.key_begin = b;
    line.key_end = key_end;
    line.value_begin = vb;
    line.value_end = ve;
}

std::string Npmrc::value_of(const Line& line) {
    std::string_view raw =
        std::string_view(line.body).substr(line.value_begin, line.value_end - line.value_begin);
    if (!looks_quoted(raw)) {
        return unescape(raw);
    }
    std::string_view inner = raw.substr(1, raw.size() - 2);
    if (raw.front() == '\'') {
        return std::string(inner);
    }
    return decode_json_string(inner).value_or(std::string(raw));
}

void Npmrc::mark_sections() {
    bool in_section = false;
    for (Line& line : m_lines) {
        in_section = in_section || line.kind == Kind::section;
        line.in_section = in_section;
    }
}

std::optional<std::size_t> Npmrc::last_assignment(std::string_view key) const {
    for (std::size_t i = m_lines.size(); i-- > 0;) {
        const Line& line = m_lines[i];
        if (line.kind == Kind::assignment && !line.in_section && line.key() == key) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::string> Npmrc::get(std::string_view key) const {
    std::optional<std::size_t> i = last_assignment(key);
    if (!i) {
        return std::nullopt;
    }
    return value_of(m_lines[*i]);
}

std::vector<NpmrcEntry> Npmrc::entries() const {
    std::vector<NpmrcEntry> out;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        const Line& line = m_lines[i];
        if (line.kind == Kind::assignment && !line.in_section) {
            out.push_back({std::string(line.key()), value_of(line), i + 1});
        }
    }
    return out;
}

std::vector<std::size_t> Npmrc::malformed_lines() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        if (m_lines[i].kind == Kind::malformed) {
            out.push_back(i + 1);
        }
    }
    return out;
}

// The ending most lines already have, so that an appended line does not make a CRLF file mixed.
std::string Npmrc::line_ending() const {
    std::ptrdiff_t crlf = std::count_if(m_lines.begin(), m_lines.end(), [](const Line& l) {
        return l.newline && l.body.ends_with('\r');
    });
    std::ptrdiff_t lf = std::count_if(m_lines.begin(), m_lines.end(), [](const Line& l) {
        return l.newline && !l.body.ends_with('\r');
    });
    return crlf > lf ? "\r\n" : "\n";
}

bool Npmrc::set(std::string_view key, std::string_view value) {
    check_editable(key);
    check_value(key, value);
    if (std::optional<std::size_t> i = last_assignment(key)) {
        Line& line = m_lines[*i];
        if (value_of(line) == value) {
            return false;
        }
        line.body.replace(line.value_begin, line.value_end - line.value_begin, escape(value));
        analyze(line);
        return true;
    }
    std::string eol = line_ending();
    auto section = std::find_if(m_lines.begin(), m_lines.end(),
                                [](const Line& l) { return l.kind == Kind::section; });
    if (section == m_lines.end() && !m_lines.empty() && !m_lines.back().newline) {
        Line& last = m_lines.back();
        if (eol == "\r\n" && !last.body.ends_with('\r')) {
            last.body += '\r';
        }
        last.newline = true;
    }
    Line added;
    added.body = std::string(key) + "=" + escape(value) + (eol == "\r\n" ? "\r" : "");
    added.newline = true;
    analyze(added);
    m_lines.insert(section, std::move(added));
    return true;
}

bool Npmrc::erase(std::string_view key) {
    check_editable(key);
    std::size_t before = m_lines.size();
    std::erase_if(m_lines, [&](const Line& line) {
        return line.kind == Kind::assignment && !line.in_section && line.key() == key;
    });
    return m_lines.size() != before;
}

std::string Npmrc::text() const {
    std::string out = m_bom;
    for (const Line& line : m_lines) {
        out += line.body;
        if (line.newline) {
            out += '\n';
        }
    }
    return out;
}

} // namespace farm::pnpm
