// Both readers of an OpenAI-compatible answer object. The fast one mirrors openai_chunk_of member
// by member: the same members, the same "missing, null or another type reads as nothing", and
// where nlohmann's document would keep the last of a repeated key the fast one gives up.
#include "farm/ai/openai_chunk.hpp"

#include "farm/ai/json_scanner.hpp"
#include "farm/ai/server_json.hpp"

namespace farm::ai {

using nlohmann::json;

void OpenAiChunk::clear() {
    prompt_tokens.reset();
    completion_tokens.reset();
    reasoning_tokens.reset();
    finish_reason.clear();
    reasoning.clear();
    answer.clear();
    tool_calls = 0;
}

OpenAiChunk openai_chunk_of(const json& object, const char* message_key) {
    OpenAiChunk chunk;
    const json* usage = member(object, "usage");
    if (usage != nullptr && usage->is_object()) {
        chunk.prompt_tokens = integer_member(*usage, "prompt_tokens");
        chunk.completion_tokens = integer_member(*usage, "completion_tokens");
        const json* details = member(*usage, "completion_tokens_details");
        if (details != nullptr && details->is_object()) {
            chunk.reasoning_tokens = integer_member(*details, "reasoning_tokens");
        }
    }
    const json* choices = member(object, "choices");
    if (choices == nullptr || !choices->is_array() || choices->empty()) {
        return chunk;
    }
    const json& choice = (*choices)[0];
    chunk.finish_reason = string_member(choice, "finish_reason");
    // Streamed chat has delta, non-streamed chat message, completions text.
    const json* message = member(choice, message_key);
    if (message != nullptr && message->is_object()) {
        // vLLM renamed reasoning_content to reasoning; DeepSeek's API and older vLLM still
        // send the old name. One server sends one of them, never both with text.
        chunk.reasoning = string_member(*message, "reasoning");
        chunk.reasoning += string_member(*message, "reasoning_content");
        chunk.answer = string_member(*message, "content");
        chunk.tool_calls = append_tool_calls(member(*message, "tool_calls"), chunk.answer);
    } else {
        chunk.answer = string_member(choice, "text");
    }
    return chunk;
}

namespace {

// The members of one object read so far: one that comes again is left to nlohmann.
class Seen {
  public:
    bool first(unsigned bit) {
        bool seen = (m_bits & (1u << bit)) != 0;
        m_bits |= 1u << bit;
        return !seen;
    }

  private:
    unsigned m_bits = 0;
};

class FastChunkReader {
  public:
    FastChunkReader(std::string_view text, const char* message_key, OpenAiChunk& out)
        : m_scan(text), m_message_key(message_key), m_out(out) {}

    bool read() {
        m_out.clear();
        if (m_scan.peek() != '{') {
            return false;
        }
        Seen seen;
        bool read = m_scan.read_object(1, [&](std::string_view key) {
            if (key == "error") {
                return false; // object_error's many shapes: nlohmann's path words them
            }
            if (key == "usage") {
                return seen.first(0) && read_usage(2);
            }
            if (key == "choices") {
                return seen.first(1) && read_choices(2);
            }
            return m_scan.skip_value(2);
        });
        if (!read || !m_scan.at_end()) {
            return false;
        }
        if (m_has_message) {
            m_out.reasoning += m_reasoning_content;
        } else {
            m_out.answer = m_text;
        }
        return true;
    }

  private:
    bool read_usage(int depth) {
        if (m_scan.peek() != '{') {
            return m_scan.skip_value(depth);
        }
        Seen seen;
        return m_scan.read_object(depth, [&](std::string_view key) {
            if (key == "prompt_tokens") {
                return seen.first(0) && m_scan.read_count(m_out.prompt_tokens, depth + 1);
            }
            if (key == "completion_tokens") {
                return seen.first(1) && m_scan.read_count(m_out.completion_tokens, depth + 1);
            }
            if (key == "completion_tokens_details") {
                return seen.first(2) && read_details(depth + 1);
            }
            return m_scan.skip_value(depth + 1);
        });
    }

    bool read_details(int depth) {
        if (m_scan.peek() != '{') {
            return m_scan.skip_value(depth);
        }
        Seen seen;
        return m_scan.read_object(depth, [&](std::string_view key) {
            if (key == "reasoning_tokens") {
                return seen.first(0) && m_scan.read_count(m_out.reasoning_tokens, depth + 1);
            }
            return m_scan.skip_value(depth + 1);
        });
    }

    bool read_choices(int depth) {
        if (m_scan.peek() != '[') {
            return m_scan.skip_value(depth);
        }
        return m_scan.read_array(depth, [&](std::size_t index) {
            if (index == 0 && m_scan.peek() == '{') {
                return read_choice(depth + 1);
            }
            return m_scan.skip_value(depth + 1);
        });
    }

    bool read_choice(int depth) {
        Seen seen;
        return m_scan.read_object(depth, [&](std::string_view key) {
            if (key == "finish_reason") {
                return seen.first(0) && m_scan.read_text(m_out.finish_reason, depth + 1);
            }
            if (key == m_message_key) {
                if (!seen.first(1)) {
                    return false;
                }
                if (m_scan.peek() != '{') {
                    return m_scan.skip_value(depth + 1);
                }
                m_has_message = true;
                return read_message(depth + 1);
            }
            if (key == "text") {
                return seen.first(2) && m_scan.read_text(m_text, depth + 1);
            }
            return m_scan.skip_value(depth + 1);
        });
    }

    bool read_message(int depth) {
        Seen seen;
        return m_scan.read_object(depth, [&](std::string_view key) {
            if (key == "reasoning") {
                return seen.first(0) && m_scan.read_text(m_out.reasoning, depth + 1);
            }
            if (key == "reasoning_content") {
                return seen.first(1) && m_scan.read_text(m_reasoning_content, depth + 1);
            }
            if (key == "content") {
                return seen.first(2) && m_scan.read_text(m_out.answer, depth + 1);
            }
            if (key == "tool_calls") {
                return seen.first(3) && read_no_tool_calls(depth + 1);
            }
            return m_scan.skip_value(depth + 1);
        });
    }

    // Tool calls are left to nlohmann (their arguments may be objects to print): only an empty
    // array, or a value that is no array (read as none), goes on here.
    bool read_no_tool_calls(int depth) {
        if (m_scan.peek() != '[') {
            return m_scan.skip_value(depth);
        }
        return m_scan.read_array(depth, [](std::size_t) { return false; });
    }

    JsonScanner m_scan;
    std::string_view m_message_key; // its length taken once, not at every key compared
    OpenAiChunk& m_out;
    bool m_has_message = false;      // choices[0] has a message object: text is not read
    std::string m_reasoning_content; // appended to reasoning at the end, as openai_chunk_of does
    std::string m_text;              // choices[0].text
};

} // namespace

bool read_openai_chunk_fast(std::string_view text, const char* message_key, OpenAiChunk& out) {
    FastChunkReader reader(text, message_key, out);
    return reader.read();
}

} // namespace farm::ai
