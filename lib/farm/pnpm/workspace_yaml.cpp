#include "farm/pnpm/workspace_yaml.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace farm::pnpm {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool one_of(char c, std::string_view set) {
    return set.find(c) != npos;
}

// The closing quote of a quoted scalar whose body starts at `from`, or npos when it goes on
// past the line: '' inside '...' and \" inside "..." do not close it.
std::size_t closing_quote(std::string_view line, std::size_t from, char quote) {
    for (std::size_t i = from; i < line.size(); ++i) {
        bool doubled =
            quote == '\'' && line[i] == quote && i + 1 < line.size() && line[i + 1] == quote;
        if (line[i] == quote && !doubled) {
            return i;
        }
        i += doubled || (quote == '"' && line[i] == '\\') ? 1 : 0;
    }
    return npos;
}

// Quotes and flow brackets carried from one line to the next: while either is open, a line
// that starts at column 0 is still inside a value, not a new key.
struct LexState {
    int depth = 0;
    char quote = 0;
    bool clean() const { return depth == 0 && quote == 0; }
};

// Follows quotes and flow brackets through line[from..]; returns whether the line opens a block
// scalar, whose more-indented lines must then be skipped unread (they may hold any character).
// A quote or bracket only counts where a value starts: `it's` and `a[0]` are plain scalars.
bool lex(std::string_view line, std::size_t from, LexState& state) {
    bool value_starts = true;
    for (std::size_t i = from; i < line.size(); ++i) {
        char c = line[i];
        char next = i + 1 < line.size() ? line[i + 1] : ' ';
        if (state.quote != 0) {
            i = closing_quote(line, i, state.quote);
            if (i == npos) {
                return false;
            }
            state.quote = 0;
            continue;
        }
        if (one_of(c, " \t")) {
            continue;
        }
        if (c == '#' && (i == 0 || one_of(line[i - 1], " \t"))) {
            return false;
        }
        bool starts = value_starts;
        value_starts = false;
        if (starts && (c == '\'' || c == '"')) {
            state.quote = c;
        } else if ((c == '[' || c == '{') && (starts || state.depth > 0)) {
            ++state.depth;
            value_starts = true;
        } else if ((c == ']' || c == '}') && state.depth > 0) {
            --state.depth;
        } else if (c == ',' && state.depth > 0) {
            value_starts = true;
        } else if ((c == '|' || c == '>') && starts && state.depth == 0) {
            return true;
        } else if ((c == '&' || c == '!') && starts) {
            i = std::min(line.find_first_of(" \t,[]{}", i), line.size()) - 1; // the name
            value_starts = true;
        } else if ((c == '-' || c == '?') && starts && one_of(next, " \t")) {
            value_starts = true;
        } else if (c == ':' &&
                   (one_of(next, " \t") || (state.depth > 0 && one_of(next, "\"'[{")))) {
            value_starts = true;
        }
    }
    return false;
}

enum class ValueKind { empty, plain, quoted };

struct Entry {
    std::string key;
    std::size_t line_no = 0;
    std::size_t line_begin = 0; // the line with its line ending is [line_begin, line_next)
    std::size_t line_next = 0;
    std::size_t value_begin = 0; // the scalar's bytes, quotes included
    std::size_t value_end = 0;
    ValueKind kind = ValueKind::empty;
    std::string refused; // why farm will not edit this entry; empty when it will
    bool nested = false;
};

struct Layout {
    std::vector<Entry> entries;
    std::size_t append_at = 0; // the end of the document: end of text or the `...` line
};

const char* const structure = "holds a list or mapping, not a single value, and farm never "
                              "rewrites structures";

// Reads the key at the start of a column-0 line; returns the index after its `:`, or npos.
std::size_t read_key(std::string_view line, std::string& key) {
    std::size_t i = 0;
    if (line[0] == '"' || line[0] == '\'') {
        std::size_t close = closing_quote(line, 1, line[0]);
        if (close == npos) {
            return npos;
        }
        // A one-line quoted scalar: yaml-cpp decodes its escapes as it does the whole file's.
        key = YAML::Load(std::string(line.substr(0, close + 1))).Scalar();
        i = std::min(line.find_first_not_of(" \t", close + 1), line.size());
    } else if (!one_of(line[0], "-?:,[]{}#&*!|>%@`\t")) {
        while (i < line.size() &&
               !(line[i] == ':' && (i + 1 == line.size() || one_of(line[i + 1], " \t")))) {
            ++i;
        }
        key = std::string(line.substr(0, i));
        key.erase(key.find_last_not_of(" \t") + 1);
    }
    bool colon = i < line.size() && line[i] == ':' &&
                 (one_of(line[0], "\"'") || line.substr(0, i).find(" #") == npos);
    return colon && (i + 1 == line.size() || one_of(line[i + 1], " \t")) ? i + 1 : npos;
}

// Finds the scalar after a key's `:` and says whether farm can edit it in place.
void classify_value(std::string_view line, std::size_t after_colon, Entry& entry) {
    std::size_t v = line.find_first_not_of(" \t", after_colon);
    entry.value_begin = entry.value_end = v == npos ? line.size() : v;
    if (v == npos || line[v] == '#') {
        return;
    }
    char c = line[v];
    if (c == '[' || c == '{') {
        entry.refused = structure;
    } else if (one_of(c, "|>&*!")) {
        entry.refused = "is a block scalar or carries an anchor, alias or tag";
    } else if (c == '"' || c == '\'') {
        entry.kind = ValueKind::quoted;
        std::size_t close = closing_quote(line, v + 1, c);
        std::size_t rest = close == npos ? npos : line.find_first_not_of(" \t", close + 1);
        entry.value_end = close + 1;
        if (close == npos || (rest != npos && (line[rest] != '#' || rest == close + 1))) {
            entry.refused = "has a quoted value that goes on past its closing quote or line";
        }
    } else {
        entry.kind = ValueKind::plain;
        std::size_t end = std::min({line.find(" #", v), line.find("\t#", v), line.size()});
        entry.value_end = line.find_last_not_of(" \t", end - 1) + 1;
    }
}

std::string refusal(const std::string& file_name, std::size_t line_no, const std::string& why) {
    return file_name + ":" + std::to_string(line_no) + ":1: " + why +
           ". Change it by hand: farm edits only simple top-level `key: value` lines.";
}

// Splits the text into top-level entries. Column-0 detection is enough because everything
// nested is indented (block scalars, maps) or starts with `- `, except the inside of quoted
// scalars and flow collections that span lines, which LexState follows.
Layout scan(std::string_view text, const std::string& file_name) {
    Layout layout;
    layout.append_at = text.size();
    LexState state;
    std::size_t block_indent = npos; // indentation of the line that opened a block scalar
    bool document_open = false;      // a `---` or a key was seen
    bool document_ended = false;
    std::size_t line_no = 0;
    for (std::size_t begin = 0; begin < text.size(); ++line_no) {
        std::size_t line_begin = begin;
        std::size_t newline = text.find('\n', begin);
        begin = newline == npos ? text.size() : newline + 1;
        std::size_t end = std::min(newline, text.size());
        end -= end > line_begin && text[end - 1] == '\r' ? 1 : 0;
        std::string_view line = text.substr(line_begin, end - line_begin);
        Entry* current = layout.entries.empty() ? nullptr : &layout.entries.back();
        std::size_t indent = line.find_first_not_of(' ');
        std::size_t first = line.find_first_not_of(" \t");
        auto refuse = [&](auto why) { throw UsageError(refusal(file_name, line_no + 1, why)); };
        if (!state.clean()) {
            lex(line, 0, state);
            current->nested = true;
            continue;
        }
        if (block_indent != npos && (first == npos || indent > block_indent)) {
            continue;
        }
        block_indent = npos;
        if (first == npos || line[first] == '#') {
            continue;
        }
        if (document_ended || line[indent] == '\t') {
            refuse(document_ended ? "content follows the document end `...`"
                                  : "this line is indented with a tab");
        }
        if (indent > 0 || (line[0] == '-' && (line.size() == 1 || one_of(line[1], " \t")))) {
            if (current == nullptr) {
                refuse("this nested line belongs to no top-level key");
            }
            current->nested = true;
            block_indent = lex(line, indent, state) ? indent : npos;
            continue;
        }
        if ((line.starts_with("---") || line.starts_with("...")) &&
            (line.size() == 3 || one_of(line[3], " \t"))) {
            std::size_t rest = line.find_first_not_of(" \t", 3);
            if ((rest != npos && line[rest] != '#') || (line[0] == '-' && document_open)) {
                refuse("farm reads one YAML document with nothing on its `---` or `...` line");
            }
            document_ended = line[0] == '.';
            layout.append_at = document_ended ? line_begin : layout.append_at;
            document_open = true;
            continue;
        }
        Entry entry;
        std::size_t after_colon = read_key(line, entry.key);
        if (after_colon == npos) {
            refuse("this top-level line is not a plain or quoted `key:`");
        }
        document_open = true;
        entry.line_no = line_no + 1;
        entry.line_begin = line_begin;
        entry.line_next = begin;
        classify_value(line, after_colon, entry);
        entry.value_begin += line_begin;
        entry.value_end += line_begin;
        block_indent = lex(line, after_colon, state) ? 0 : npos;
        layout.entries.push_back(std::move(entry));
    }
    if (!state.clean()) {
        throw UsageError(refusal(file_name, line_no, "a quote or bracket is never closed"));
    }
    for (Entry& entry : layout.entries) {
        if (entry.nested && entry.refused.empty()) {
            entry.refused = entry.kind == ValueKind::empty
                                ? structure
                                : "has a value that goes on over the following lines";
        }
    }
    return layout;
}

// The one entry for `key`, or nullptr; throws farm::UsageError for one farm must not edit.
const Entry* editable_entry(const Layout& layout, std::string_view key, const std::string& file) {
    const Entry* found = nullptr;
    for (const Entry& entry : layout.entries) {
        if (entry.key == key) {
            std::string why = found != nullptr ? "is given a second time" : entry.refused;
            if (!why.empty()) {
                throw UsageError(refusal(file, entry.line_no, "`" + entry.key + "` " + why));
            }
            found = &entry;
        }
    }
    return found;
}

// Quoting changes what pnpm reads only where the plain spelling is a boolean or a number
// (YAML 1.2 core schema, as pnpm's parser uses): `'16'` is a string, `16` a number.
bool typed_when_plain(std::string_view value) {
    static const std::regex typed(
        R"(true|True|TRUE|false|False|FALSE|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)"
        R"(|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    return std::regex_match(value.begin(), value.end(), typed);
}

// A one-line YAML scalar that reads back as `value`: plain when that is safe, else 'quoted'.
std::string yaml_scalar(std::string_view value, const std::string& file) {
    static const std::regex control("[\\x00-\\x08\\x0a-\\x1f\\x7f]");
    if (std::regex_search(value.begin(), value.end(), control)) {
        throw UsageError(file + ": cannot write a value with a line break or control character "
                                "as one setting line");
    }
    // Plain when it reads back as the same string: no indicator first, no `: ` or ` #`, not
    // null, no trailing `:`, nothing outside a conservative set of characters.
    static const std::regex plain(
        R"((?!(~|null|Null|NULL)$)(?!.*:$)(-[0-9]|[A-Za-z0-9./_~])[-A-Za-z0-9._/@+=^~:]*)");
    if (std::regex_match(value.begin(), value.end(), plain)) {
        return std::string(value);
    }
    return "'" + std::regex_replace(std::string(value), std::regex("'"), "''") + "'";
}

std::optional<std::string> scalar_of(const YAML::Node& doc, std::string_view key) {
    for (const auto& item : doc) {
        if (item.first.IsScalar() && item.first.Scalar() == key) {
            return item.second.IsScalar() ? std::optional(item.second.Scalar()) : std::nullopt;
        }
    }
    return std::nullopt;
}

// Every top-level value but `key`, as yaml-cpp emits it: what an edit must leave alone.
std::map<std::string, std::string> others(const YAML::Node& doc, std::string_view key) {
    std::map<std::string, std::string> values;
    for (const auto& item : doc) {
        if (!(item.first.IsScalar() && item.first.Scalar() == key)) {
            values[YAML::Dump(item.first)] = YAML::Dump(item.second);
        }
    }
    return values;
}

} // namespace

WorkspaceYaml WorkspaceYaml::parse(std::string text, std::string file_name) {
    YAML::Node doc;
    try {
        doc = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw UsageError(file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": not valid YAML (" + e.msg + ")");
    }
    if (doc.IsDefined() && !doc.IsNull() && !doc.IsMap()) {
        throw UsageError(file_name + ":" + std::to_string(doc.Mark().line + 1) + ":" +
                         std::to_string(doc.Mark().column + 1) +
                         ": pnpm-workspace.yaml must be a mapping of `key: value` settings");
    }
    return WorkspaceYaml(std::move(text), std::move(file_name));
}

std::optional<std::string> WorkspaceYaml::get(std::string_view key) const {
    return scalar_of(YAML::Load(m_text), key);
}

bool WorkspaceYaml::set(std::string_view key, std::string_view value) {
    std::string written = yaml_scalar(value, m_file_name);
    Layout layout = scan(m_text, m_file_name);
    const Entry* entry = editable_entry(layout, key, m_file_name);
    std::string updated = m_text;
    if (entry != nullptr) {
        bool same_style = (entry->kind == ValueKind::quoted) == written.starts_with("'");
        if (entry->kind != ValueKind::empty && get(key) == value &&
            (same_style || !typed_when_plain(value))) {
            return false;
        }
        if (entry->kind == ValueKind::empty) {
            // `key:` or `key: # note` gets its value between the colon and the comment.
            bool note = m_text.compare(entry->value_begin, 1, "#") == 0;
            written = (note ? "" : " ") + written + (note ? " " : "");
        }
        updated.replace(entry->value_begin, entry->value_end - entry->value_begin, written);
    } else {
        std::size_t lf = m_text.find('\n');
        std::string newline = lf != npos && lf > 0 && m_text[lf - 1] == '\r' ? "\r\n" : "\n";
        std::size_t at = layout.append_at;
        std::string line = yaml_scalar(key, m_file_name) + ": " + written + newline;
        updated.insert(at, (at > 0 && m_text[at - 1] != '\n' ? newline : "") + line);
    }
    commit(std::move(updated), key, std::string(value));
    return true;
}

bool WorkspaceYaml::erase(std::string_view key) {
    Layout layout = scan(m_text, m_file_name);
    const Entry* entry = editable_entry(layout, key, m_file_name);
    if (entry == nullptr) {
        return false;
    }
    std::string updated = m_text;
    updated.erase(entry->line_begin, entry->line_next - entry->line_begin);
    commit(std::move(updated), key, std::nullopt);
    return true;
}

// The last line of defence against a misread layout: the edited text must read back with the
// new value and with every other top-level value unchanged, or the edit is not made.
void WorkspaceYaml::commit(std::string updated, std::string_view key,
                           const std::optional<std::string>& expected) {
    std::string problem;
    try {
        YAML::Node before = YAML::Load(m_text);
        YAML::Node after = YAML::Load(updated);
        if (scalar_of(after, key) != expected) {
            problem = "`" + std::string(key) + "` does not read back as the value written";
        } else if (others(before, key) != others(after, key)) {
            problem = "another setting would change too";
        }
    } catch (const YAML::Exception& e) {
        problem = "the result is not valid YAML (" + e.msg + ")";
    }
    if (!problem.empty()) {
        throw Error(m_file_name + ": farm's edit of `" + std::string(key) + "` was not made: " +
                    problem + ". This is a bug in farm; please report it with the file.");
    }
    m_text = std::move(updated);
}

} // namespace farm::pnpm
