#include "farm/ai/server_json.hpp"

#include "farm/core/json_depth.hpp"
#include "farm/core/text.hpp"

#include <limits>

namespace farm::ai {

using nlohmann::json;

namespace {

// "message (type, code)" from the many shapes servers give an error.
std::string describe_error_value(const json& error) {
    if (error.is_string()) {
        return error.get<std::string>();
    }
    if (!error.is_object()) {
        return core::excerpt(error.dump(-1, ' ', false, json::error_handler_t::replace), 300);
    }
    std::string message(string_member(error, "message"));
    if (message.empty()) {
        message = core::excerpt(error.dump(-1, ' ', false, json::error_handler_t::replace), 300);
    }
    std::string extra;
    for (const char* key : {"type", "code"}) {
        const json* value = member(error, key);
        if (value != nullptr && (value->is_string() || value->is_number())) {
            std::string text = value->is_string() ? value->get<std::string>() : value->dump();
            extra += (extra.empty() ? "" : ", ") + text;
        }
    }
    return extra.empty() ? message : message + " (" + extra + ")";
}

} // namespace

const json* member(const json& object, const char* key) {
    if (!object.is_object()) {
        return nullptr;
    }
    json::const_iterator it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string_view string_member(const json& object, const char* key) {
    const json* value = member(object, key);
    return value != nullptr && value->is_string()
               ? std::string_view(value->get_ref<const std::string&>())
               : std::string_view();
}

std::optional<std::int64_t> integer_member(const json& object, const char* key) {
    const json* value = member(object, key);
    if (value == nullptr || !value->is_number()) {
        return std::nullopt;
    }
    if (value->is_number_float()) {
        double number = value->get<double>();
        if (!(number >= -9223372036854775808.0 && number < 9223372036854775808.0)) {
            return std::nullopt;
        }
        return std::int64_t(number);
    }
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    return value->get<std::int64_t>();
}

std::size_t append_tool_calls(const json* calls, std::string& answer) {
    if (calls == nullptr || !calls->is_array()) {
        return 0;
    }
    std::size_t count = 0;
    for (const json& call : *calls) {
        const json* function = member(call, "function");
        if (function == nullptr || !function->is_object()) {
            continue;
        }
        ++count;
        answer += string_member(*function, "name");
        const json* arguments = member(*function, "arguments");
        if (arguments != nullptr && arguments->is_string()) {
            answer += arguments->get_ref<const std::string&>();
        } else if (arguments != nullptr && !arguments->is_null()) {
            answer += arguments->dump(); // Ollama sends the arguments as an object
        }
    }
    return count;
}

std::string object_error(const json& object) {
    const json* error = member(object, "error");
    if (error == nullptr || error->is_null()) {
        return "";
    }
    std::string message = describe_error_value(*error);
    std::string_view type = string_member(object, "error_type");
    if (!type.empty()) {
        message += " (" + std::string(type) + ")";
    }
    return core::excerpt(message, 300);
}

std::string_view trim(std::string_view text) {
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) {
        return {};
    }
    std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(start, end - start + 1);
}

std::string json_parse_problem(const json::exception& error) {
    std::string what = error.what();
    std::size_t tag_end =
        what.starts_with("[json.exception.") ? what.find("] ") : std::string::npos;
    if (tag_end != std::string::npos) {
        what.erase(0, tag_end + 2);
    }
    std::size_t colon = what.starts_with("parse error") ? what.find(": ") : std::string::npos;
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

std::string error_message_from_body(std::string_view body) {
    json parsed = core::parse_json_or_discarded(body);
    if (parsed.is_object()) {
        std::string message = object_error(parsed);
        for (const char* key : {"detail", "message"}) {
            const json* value = member(parsed, key);
            if (message.empty() && value != nullptr && !value->is_null()) {
                message = core::excerpt(describe_error_value(*value), 300);
            }
        }
        if (!message.empty()) {
            return message;
        }
    }
    std::string start = core::excerpt(trim(body), 300);
    return start.empty() ? "(empty body)" : start;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (char c : text) {
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

} // namespace farm::ai
