// Edits top-level settings of a pnpm-workspace.yaml without rewriting the file.
//
// pnpm >= 10.6 reads camelCase settings (`sideEffectsCache: true`, `networkConcurrency: 16`)
// from pnpm-workspace.yaml, a file people write by hand with comments, anchors, catalogs and
// their own layout. Loading it into a YAML tree and emitting it again would lose all of that, so
// this editor changes bytes in place instead:
//   - every byte outside the edited value stays as it was: the key, the spacing after `:`, a
//     trailing `# comment`, the line ending (LF or CRLF) and all other lines;
//   - a new setting is appended as one `key: value` line at the end of the document, with the
//     file's line ending;
//   - structures (block or flow lists and mappings) are never rewritten: setting or erasing a
//     key whose value is one throws farm::UsageError;
//   - the result of every edit parses with yaml-cpp, reads back the new value and leaves every
//     other top-level value as it was; if not, the edit throws farm::Error and the object keeps
//     its old text.
//
// What is understood: top-level keys at column 0 (plain, "double" or 'single' quoted) followed by
// `:` and a space or the end of the line, whose value is a plain or quoted scalar on the same
// line (or nothing); nested content (indented lines, `- ` items at column 0), block scalars,
// flow collections and quoted scalars that span lines, comments, blank lines, one `---`
// document start and a `...` document end (new lines go before it). What is refused with
// farm::UsageError rather than guessed, when an edit needs that part of the file: a key whose
// line has an anchor, alias or tag (`key: &a value`) or a block scalar, a scalar that goes on
// over the following lines, a key given twice, a line indented with a tab, complex (`? `) or
// anchored keys and `%` directives at the top level, and a file with more than one document.
// get() reads through yaml-cpp and so answers for all of these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace farm::pnpm {

class WorkspaceYaml {
  public:
    // Checks that `text` is YAML whose root is a mapping or empty; throws farm::UsageError
    // "FILE:LINE:COL: not valid YAML (...)" otherwise. `file_name` is only used in messages.
    static WorkspaceYaml parse(std::string text, std::string file_name);

    // The value of a top-level key as yaml-cpp reads it (quotes removed, aliases followed);
    // nullopt when the key is absent or its value is not a scalar (null, a list, a mapping).
    std::optional<std::string> get(std::string_view key) const;

    // Writes `value` as a plain scalar when YAML reads it back unchanged (`true`, `16`, `auto`,
    // `/a/b`), else single-quoted. Replaces an existing value in place or appends a line.
    // Returns false, changing nothing, when the key already holds that value in that style.
    bool set(std::string_view key, std::string_view value);

    // Removes the line of a top-level scalar setting; returns false when the key is absent.
    bool erase(std::string_view key);

    std::string text() const { return m_text; }

  private:
    WorkspaceYaml(std::string text, std::string file_name)
        : m_text(std::move(text)), m_file_name(std::move(file_name)) {}
    void commit(std::string updated, std::string_view key,
                const std::optional<std::string>& expected);

    std::string m_text;
    std::string m_file_name;
};

} // namespace farm::pnpm
