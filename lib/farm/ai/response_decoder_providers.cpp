// The providers' wire formats inside ResponseDecoder: OpenAI-compatible chunks (content,
// reasoning / reasoning_content, tool calls), Ollama's lines (response, message.content,
// thinking) and TGI's events; each adds what it carries through add_content.
#include "farm/ai/response_decoder.hpp"

#include "farm/ai/server_json.hpp"

namespace farm::ai {

using nlohmann::json;

void ResponseDecoder::on_openai(const json& object, std::size_t offset, double at_ms) {
    OpenAiChunk chunk = openai_chunk_of(object, m_streamed ? "delta" : "message");
    if (m_format != WireFormat::openai_embedding) {
        apply_openai(chunk, offset, at_ms);
        return;
    }
    // An embedding answer has usage, and data instead of choices.
    OpenAiChunk usage;
    usage.prompt_tokens = chunk.prompt_tokens;
    usage.completion_tokens = chunk.completion_tokens;
    usage.reasoning_tokens = chunk.reasoning_tokens;
    apply_openai(usage, offset, at_ms);
    FinalFacts& facts = m_result.facts;
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
}

void ResponseDecoder::apply_openai(const OpenAiChunk& chunk, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    if (chunk.prompt_tokens) {
        facts.input_tokens = chunk.prompt_tokens;
    }
    if (chunk.completion_tokens) {
        facts.output_tokens = chunk.completion_tokens;
    }
    if (chunk.reasoning_tokens) {
        facts.reasoning_tokens = chunk.reasoning_tokens;
    }
    if (!chunk.finish_reason.empty()) {
        facts.finish_reason = chunk.finish_reason;
    }
    m_result.tool_calls += chunk.tool_calls;
    add_content(chunk.reasoning, chunk.answer, offset, at_ms);
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
    if (m_result.chunks.empty() && m_streamed) {
        // One allocation each for a short answer, instead of a vector and a string that double
        // from empty on every request.
        m_result.chunks.reserve(16);
        m_result.text.reserve(128);
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
    m_result.tool_calls += append_tool_calls(calls, answer);
}

} // namespace farm::ai
