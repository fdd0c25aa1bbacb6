#include "farm/measure/shell_words.hpp"

#include "farm/core/error.hpp"

namespace farm::measure {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n';
}

[[noreturn]] void unterminated(std::string_view what, std::string_view command) {
    throw UsageError("the command `" + std::string(command) + "` has " + std::string(what) +
                     "; quote it as a POSIX shell would, or use --shell");
}

// Reads a "..." word part starting after the opening quote; returns the index after the close.
std::size_t read_double_quoted(std::string_view command, std::size_t i, std::string& word) {
    while (i < command.size() && command[i] != '"') {
        char c = command[i];
        if (c == '\\' && i + 1 < command.size()) {
            char next = command[i + 1];
            if (next == '$' || next == '`' || next == '"' || next == '\\') {
                word += next;
                i += 2;
                continue;
            }
            if (next == '\n') {
                i += 2;
                continue;
            }
        }
        word += c;
        ++i;
    }
    if (i >= command.size()) {
        unterminated("an unterminated \" quote", command);
    }
    return i + 1;
}

} // namespace

std::vector<std::string> split_shell_words(std::string_view command) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false; // a word has started, even if it is empty so far ('')
    std::size_t i = 0;
    while (i < command.size()) {
        char c = command[i];
        if (is_blank(c)) {
            if (in_word) {
                words.push_back(std::move(word));
                word.clear();
                in_word = false;
            }
            ++i;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            std::size_t close = command.find('\'', i + 1);
            if (close == std::string_view::npos) {
                unterminated("an unterminated ' quote", command);
            }
            word.append(command.substr(i + 1, close - i - 1));
            i = close + 1;
        } else if (c == '"') {
            i = read_double_quoted(command, i + 1, word);
        } else if (c == '\\') {
            if (i + 1 >= command.size()) {
                unterminated("a backslash at its end", command);
            }
            if (command[i + 1] != '\n') {
                word += command[i + 1];
            } else if (word.empty()) {
                in_word = false; // a line continuation between words starts none
            }
            i += 2;
        } else {
            word += c;
            ++i;
        }
    }
    if (in_word) {
        words.push_back(std::move(word));
    }
    return words;
}

} // namespace farm::measure
