// Each entry is checked where it is read, and a bad one is reported at the place of its value
// (core::json_value_offset), so that an editor's "go to line:column" lands on it.
#include "farm/ai/dataset.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/text.hpp"

#include <string_view>

namespace farm::ai {

namespace {

using nlohmann::json;

// Where a problem is: the file, the line the text starts on, and the text it was found in (one
// line of JSON Lines, or the whole file).
struct Place {
    const std::filesystem::path& file;
    std::string_view text;
    std::size_t first_line = 1;

    [[noreturn]] void fail(std::string_view json_path, const std::string& problem) const {
        std::size_t offset = core::json_value_offset(text, json_path).value_or(0);
        core::TextPosition at = core::position_of(text, offset);
        throw UsageError(file.string() + ":" + std::to_string(first_line + at.line - 1) + ":" +
                         std::to_string(at.column) + ": " + problem);
    }
};

std::string joined(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

std::vector<ChatMessage> read_messages(const json& value, const Place& place,
                                       const std::string& path) {
    if (!value.is_array() || value.empty()) {
        place.fail(path, "\"messages\" must be a non-empty array of {\"role\", \"content\"}");
    }
    std::vector<ChatMessage> messages;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const json& m = value[i];
        std::string at = path + "[" + std::to_string(i) + "]";
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string() ||
            !m.contains("content") || !m["content"].is_string()) {
            place.fail(at, "a message needs a string \"role\" and a string \"content\"");
        }
        messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
    }
    return messages;
}

DatasetItem read_jsonl_item(const json& value, const Place& place) {
    if (!value.is_object()) {
        place.fail("", "a line must be a JSON object with \"prompt\" or \"messages\"");
    }
    DatasetItem item;
    if (value.contains("messages")) {
        item.messages = read_messages(value["messages"], place, "messages");
    } else if (value.contains("prompt")) {
        if (!value["prompt"].is_string()) {
            place.fail("prompt", "\"prompt\" must be a string");
        }
        item.prompt = value["prompt"].get<std::string>();
    } else {
        place.fail("", "a line needs a string \"prompt\" or an array \"messages\"");
    }
    return item;
}

// A JSON line; a syntax error is located in the file, not in the line.
json parse_line(const std::filesystem::path& file, std::string_view line, std::size_t number) {
    try {
        return core::parse_json_text(file, line);
    } catch (const UsageError& e) {
        std::string message = e.what();
        std::string head = file.string() + ":1:";
        if (message.starts_with(head)) {
            message =
                file.string() + ":" + std::to_string(number) + ":" + message.substr(head.size());
        }
        throw UsageError(message);
    }
}

void read_lines(const std::filesystem::path& file, std::string_view text, bool jsonl,
                Dataset& dataset) {
    std::size_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        std::string_view line =
            text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
        start = end == std::string_view::npos ? text.size() : end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        if (!jsonl) {
            dataset.items.push_back({std::string(line), {}});
            continue;
        }
        Place place{file, line, number};
        dataset.items.push_back(read_jsonl_item(parse_line(file, line, number), place));
    }
}

std::string sharegpt_role(const std::string& from) {
    if (from == "human" || from == "user") {
        return "user";
    }
    if (from == "gpt" || from == "chatgpt" || from == "assistant" || from == "bard") {
        return "assistant";
    }
    return from == "system" ? "system" : "";
}

void read_sharegpt(const std::filesystem::path& file, std::string_view text, Dataset& dataset) {
    json all = core::parse_json_text(file, text);
    Place place{file, text, 1};
    for (std::size_t i = 0; i < all.size(); ++i) {
        std::string at = "[" + std::to_string(i) + "]";
        const json& entry = all[i];
        if (!entry.is_object() || !entry.contains("conversations") ||
            !entry["conversations"].is_array()) {
            place.fail(at, "a ShareGPT entry needs an array \"conversations\"");
        }
        const json& turns = entry["conversations"];
        std::string turns_at = joined(at, "conversations");
        for (std::size_t t = 0; t < turns.size(); ++t) {
            const json& turn = turns[t];
            if (!turn.is_object() || !turn.contains("from") || !turn["from"].is_string() ||
                !turn.contains("value") || !turn["value"].is_string()) {
                place.fail(turns_at + "[" + std::to_string(t) + "]",
                           "a turn needs a string \"from\" and a string \"value\"");
            }
        }
        if (turns.size() < 2) {
            ++dataset.left_out;
            continue;
        }
        if (sharegpt_role(turns[0]["from"].get<std::string>()) != "user") {
            place.fail(turns_at + "[0].from", "the first turn must be the human's (\"human\")");
        }
        dataset.items.push_back({turns[0]["value"].get<std::string>(), {}});
    }
}

} // namespace

Dataset load_dataset(const std::filesystem::path& file, std::string_view what) {
    std::string text = core::read_input_file(file, what);
    Dataset dataset;
    dataset.name = file.filename().string();
    dataset.hash = core::fnv1a64_hex(text);
    std::size_t first = text.find_first_not_of(" \t\r\n");
    char opening = first == std::string::npos ? '\0' : text[first];
    if (opening == '[') {
        dataset.format = "sharegpt";
        read_sharegpt(file, text, dataset);
    } else {
        dataset.format = opening == '{' ? "jsonl" : "text";
        read_lines(file, text, opening == '{', dataset);
    }
    if (dataset.items.empty()) {
        throw UsageError(
            file.string() + ": holds no prompt (" +
            (dataset.format == "sharegpt"
                 ? std::string("no conversation of two turns or more")
                 : std::string("JSON lines {\"prompt\": ...}, or one prompt per line")) +
            ")");
    }
    return dataset;
}

} // namespace farm::ai
