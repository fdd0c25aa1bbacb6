// A byte-preserving editor of a project's .npmrc, the ini-like file that pnpm 9 and 10 read
// their settings from (kebab-case `key=value` lines, `#` and `;` comments).
//
// `farm optimize:pnpm` changes a few speed settings in a file that users also keep their
// registry credentials in, often as `//registry.npmjs.org/:_authToken=${NPM_TOKEN}`. So the
// editor owns only the lines it is asked to change and guarantees:
//   - parse(x).text() == x byte for byte for any input: line endings (LF, CRLF, mixed), a
//     missing final newline, a UTF-8 BOM, blank lines of spaces, comments, lines it cannot
//     read, `${VAR}` references (never expanded);
//   - set() and erase() leave every byte of every other line as it was;
//   - protected keys (is_protected_key) are never written nor removed;
//   - the result is a valid .npmrc that npm's `ini` reads back with the value that was set.
//
// Reading follows npm's `ini` package: surrounding spaces are trimmed, an unquoted value ends
// at the first unescaped `;` or `#`, a value in quotes is taken whole, and the last assignment
// of a key wins. A `[section]` header starts keys that pnpm does not read as settings, so those
// are left out of get() and entries(), and new keys are added above the first header.
// Lines are split at '\n' only; a '\r' before it belongs to the line and is kept. A BOM at the
// start belongs to the file, not to its first line, so edits never move or drop it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

struct NpmrcEntry {
    std::string key;
    std::string value; // as npm reads it: trimmed, unquoted, without an inline comment
    std::size_t line;  // 1-based
};

// Keys that farm must never write: credentials (`_auth`, `_authToken`, `_password`, `username`,
// `email`, `always-auth`, anything under `//host/`), where packages come from (`registry`,
// `@scope:registry`) and how the network is reached (proxies, certificates, `strict-ssl`,
// `local-address`). A rewrite that touched them could leak a token into another line, turn a
// `${NPM_TOKEN}` reference into a literal, or send installs to another registry; none of that is
// worth a faster install. Names are compared without regard to case so that a differently
// spelled key cannot slip past. Also protected: `ca[]`, `certfile`, `keyfile`, `tokenHelper`.
bool is_protected_key(std::string_view key);

class Npmrc {
  public:
    // Never throws on content: lines it cannot read are kept verbatim.
    static Npmrc parse(std::string text);

    // The value of the last top-level assignment of `key` (compared exactly).
    std::optional<std::string> get(std::string_view key) const;
    // Every top-level assignment, in file order, duplicates included.
    std::vector<NpmrcEntry> entries() const;
    // 1-based numbers of the lines that are neither blank, a comment, a section header nor a
    // `key=value` with a non-empty key. npm ignores or misreads them; callers may warn.
    std::vector<std::size_t> malformed_lines() const;

    // Makes get(key) == value. Returns false when it already was (nothing changes). Otherwise
    // rewrites the value of the last assignment in place, keeping the rest of that line, or
    // appends `key=value` with the file's line ending. `\`, `;` and `#` in the value are escaped
    // with a backslash, as npm's ini reads them. Throws farm::UsageError for a protected key, a
    // key that would not read back as itself (empty, with `=`, `;`, `#`, `\`, spaces around it,
    // starting with `[` or a quote), a value with spaces around it or in quotes (ini would trim
    // or unquote it), a control character in either, or a `${` in either (npm would expand it,
    // and pnpm warns about every unset variable).
    bool set(std::string_view key, std::string_view value);
    // Removes every top-level assignment of `key`; false if there was none. Throws like set().
    bool erase(std::string_view key);

    std::string text() const;

  private:
    enum class Kind { blank, comment, section, assignment, malformed };
    struct Line {
        std::string body; // without the '\n'; a '\r' before it stays here
        bool newline = false;
        Kind kind = Kind::blank;
        bool in_section = false;
        // Offsets into body, for assignments only.
        std::size_t key_begin = 0, key_end = 0, value_begin = 0, value_end = 0;

        std::string_view key() const {
            return std::string_view(body).substr(key_begin, key_end - key_begin);
        }
    };

    static void analyze(Line& line);
    static std::string value_of(const Line& line);
    std::string line_ending() const;
    std::optional<std::size_t> last_assignment(std::string_view key) const;
    void mark_sections();

    std::string m_bom; // "" or the UTF-8 BOM the file started with
    std::vector<Line> m_lines;
};

} // namespace farm::pnpm
