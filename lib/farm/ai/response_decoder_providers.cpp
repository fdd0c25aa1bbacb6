// The providers' wire formats inside ResponseDecoder: OpenAI-compatible chunks (content,
// reasoning / reasoning_content, tool calls), Ollama's lines (response, message.content,
// thinking) and TGI's events; each adds what it carries through add_content.
#include "farm/ai/response_decoder.hpp"

#include "farm/ai/server_json.hpp"

namespace farm::ai {

using nlohmann::json;

void ResponseDecoder::on_openai(const json& object, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    const json* usage = member(object, "usage");
    if (usage != nullptr && usage->is_object()) {
        if (std::optional<std::int64_t> prompt = integer_member(*usage, "prompt_tokens")) {
            facts.input_tokens = prompt;
        }
        if (std::optional<std::int64_t> completion = integer_member(*usage, "completion_tokens")) {
            facts.output_tokens = completion;
        }
        const json* details = member(*usage, "completion_tokens_details");
        if (details != nullptr && details->is_object()) {
            if (std::optional<std::int64_t> reasoning =
                    integer_member(*details, "reasoning_tokens")) {
                facts.reasoning_tokens = reasoning;
            }
        }
    }
    if (m_format == WireFormat::openai_embedding) {
        const json* data = member(object, "data");
        if (data != nullptr && data->is_array()) {
            for (const json& item : *data) {
                const json* vector = member(item, "embedding");
                if (vector != nullptr && (vector->is_array() || vector->is_string())) {
                    if (facts.embeddings++ == 0 && vector->is_array()) {
                        facts.embedding_dimensions = vector->size();
                    }
                }
            }
        }
        return;
    }
    const json* choices = member(object, "choices");
    if (choices == nullptr || !choices->is_array() || choices->empty()) {
        return;
    }
    const json& choice = (*choices)[0];
    std::string_view finish = string_member(choice, "finish_reason");
    if (!finish.empty()) {
        facts.finish_reason = finish;
    }
    // Streamed chat has delta, non-streamed chat message, completions text.
    const json* message = member(choice, m_streamed ? "delta" : "message");
    if (message != nullptr && message->is_object()) {
        // vLLM renamed reasoning_content to reasoning; DeepSeek's API and older vLLM still
        // send the old name. One server sends one of them, never both with text.
        std::string reasoning(string_member(*message, "reasoning"));
        reasoning += string_member(*message, "reasoning_content");
        std::string answer(string_member(*message, "content"));
        add_tool_calls(member(*message, "tool_calls"), answer);
        add_content(reasoning, answer, offset, at_ms);
    } else {
        add_content(string_member(choice, "text"), offset, at_ms);
    }
}

void ResponseDecoder::on_ollama(const json& object, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    if (m_format == WireFormat::ollama_embed) {
        const json* embeddings = member(object, "embeddings");
        if (embeddings != nullptr && embeddings->is_array()) {
            facts.embeddings = embeddings->size();
            if (!embeddings->empty() && (*embeddings)[0].is_array()) {
                facts.embedding_dimensions = (*embeddings)[0].size();
            }
        }
    } else if (m_format == WireFormat::ollama_chat) {
        const json* message = member(object, "message");
        if (message != nullptr) {
            std::string answer(string_member(*message, "content"));
            add_tool_calls(member(*message, "tool_calls"), answer);
            add_content(string_member(*message, "thinking"), answer, offset, at_ms);
        }
    } else {
        add_content(string_member(object, "thinking"), string_member(object, "response"), offset,
                    at_ms);
    }
    const json* done = member(object, "done");
    bool final_line = (done != nullptr && done->is_boolean() && done->get<bool>()) ||
                      m_format == WireFormat::ollama_embed;
    if (!final_line) {
        return;
    }
    facts.input_tokens = integer_member(object, "prompt_eval_count");
    facts.output_tokens = integer_member(object, "eval_count");
    facts.total_duration_ns = integer_member(object, "total_duration");
    facts.load_duration_ns = integer_member(object, "load_duration");
    facts.prompt_eval_duration_ns = integer_member(object, "prompt_eval_duration");
    facts.eval_duration_ns = integer_member(object, "eval_duration");
    facts.finish_reason = string_member(object, "done_reason");
    if (m_streamed) {
        mark_end(at_ms);
    }
}

void ResponseDecoder::on_tgi(const json& object, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    if (m_streamed) {
        const json* token = member(object, "token");
        const json* special = token != nullptr ? member(*token, "special") : nullptr;
        bool is_special = special != nullptr && special->is_boolean() && special->get<bool>();
        if (token != nullptr && !is_special) {
            add_content(string_member(*token, "text"), offset, at_ms);
        }
    } else {
        add_content(string_member(object, "generated_text"), offset, at_ms);
    }
    const json* details = member(object, "details");
    if (details != nullptr && details->is_object()) {
        facts.finish_reason = string_member(*details, "finish_reason");
        facts.output_tokens = integer_member(*details, "generated_tokens");
        facts.input_tokens = integer_member(*details, "input_length");
    }
    const json* generated = member(object, "generated_text");
    bool last = (generated != nullptr && !generated->is_null()) ||
                (details != nullptr && !details->is_null());
    if (m_streamed && last) {
        mark_end(at_ms);
    }
}

void ResponseDecoder::add_content(std::string_view reasoning, std::string_view answer,
                                  std::size_t offset, double at_ms) {
    if (reasoning.empty() && answer.empty()) {
        return;
    }
    std::size_t reasoning_chars = utf8_length(reasoning);
    std::size_t chars = reasoning_chars + utf8_length(answer);
    m_result.text.append(reasoning);
    m_result.text.append(answer);
    m_result.text_chars += chars;
    m_result.reasoning_chars += reasoning_chars;
    if (m_streamed) {
        m_result.chunks.push_back(ContentChunk{at_ms, chars, offset, !answer.empty()});
    }
}

void ResponseDecoder::add_tool_calls(const json* calls, std::string& answer) {
    if (calls == nullptr || !calls->is_array()) {
        return;
    }
    for (const json& call : *calls) {
        const json* function = member(call, "function");
        if (function == nullptr || !function->is_object()) {
            continue;
        }
        ++m_result.tool_calls;
        answer += string_member(*function, "name");
        const json* arguments = member(*function, "arguments");
        if (arguments != nullptr && arguments->is_string()) {
            answer += arguments->get_ref<const std::string&>();
        } else if (arguments != nullptr && !arguments->is_null()) {
            answer += arguments->dump(); // Ollama sends the arguments as an object
        }
    }
}

} // namespace farm::ai
