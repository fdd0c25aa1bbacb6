// The JSON of a generation answer in each dialect: OpenAI chat chunks and completions, Ollama's
// chat and generate lines, TGI's events; usage, reasoning and tool calls as each provider sends
// them.
#include "mock_llm_generation.hpp"

#include <algorithm>

namespace mock_llm {

// An answer piece as a tool-call delta, in the shape of OpenAI's streamed tool calls (the
// first delta names the function, the next ones carry pieces of its JSON arguments) or of
// Ollama's (whole calls with the arguments as an object).
json Generation::tool_call_json(int index) const {
    bool first = index == m_script.reasoning_chunks;
    if (m_dialect != Dialect::openai_chat) {
        return json::array(
            {{{"function",
               {{"name", "get_weather"}, {"arguments", {{"city", m_script.chunk_text}}}}}}});
    }
    json function = {{"arguments", m_script.chunk_text}};
    json call = {{"index", 0}};
    if (first) {
        function["name"] = "get_weather";
        call["id"] = "call_mock";
        call["type"] = "function";
    }
    call["function"] = function;
    return json::array({call});
}

json Generation::usage_json() const {
    json counts = {{"prompt_tokens", m_prompt_tokens},
                   {"completion_tokens", output_tokens()},
                   {"total_tokens", m_prompt_tokens + output_tokens()}};
    if (m_script.reasoning_chunks > 0) {
        // As OpenAI and vLLM report them: a part of completion_tokens.
        counts["completion_tokens_details"] = {{"reasoning_tokens", m_script.reasoning_chunks}};
    }
    return counts;
}

json Generation::chunk_json(json delta, json finish_reason) const {
    return {{"id", "chatcmpl-mock"},
            {"object", "chat.completion.chunk"},
            {"created", 0},
            {"model", m_model},
            {"choices", json::array({{{"index", 0},
                                      {"delta", std::move(delta)},
                                      {"finish_reason", std::move(finish_reason)}}})}};
}

void Generation::add_ollama_timings(json& line) const {
    auto eval = std::max(m_last - m_first, Clock::duration(std::chrono::microseconds(1)));
    line["total_duration"] = nanoseconds(Clock::now() - m_start);
    line["load_duration"] = 1000000;
    line["prompt_eval_count"] = m_prompt_tokens;
    line["prompt_eval_duration"] = nanoseconds(m_first - m_start);
    line["eval_count"] = output_tokens();
    line["eval_duration"] = nanoseconds(eval);
}

json Generation::content_json(int index) const {
    const std::string& piece = m_script.chunk_text;
    bool last = index + 1 == total_chunks();
    bool thinks = thinking(index);
    bool tool = !thinks && m_script.tool_calls;
    switch (m_dialect) {
    case Dialect::openai_chat: {
        json delta = thinks ? json{{m_script.reasoning_field, piece}}
                     : tool ? json{{"tool_calls", tool_call_json(index)}}
                            : json{{"content", piece}};
        bool finishes = last && m_script.eos_ms < 0; // else the EOS chunk finishes
        return chunk_json(delta, finishes ? json(tool ? "tool_calls" : "length") : json(nullptr));
    }
    case Dialect::ollama_chat: {
        json message = {{"role", "assistant"}, {"content", thinks || tool ? "" : piece}};
        if (thinks) {
            message["thinking"] = piece;
        } else if (tool) {
            message["tool_calls"] = tool_call_json(index);
        }
        return {
            {"model", m_model}, {"created_at", created_at}, {"message", message}, {"done", false}};
    }
    case Dialect::ollama_generate: {
        json line = {{"model", m_model},
                     {"created_at", created_at},
                     {"response", thinks ? "" : piece},
                     {"done", false}};
        if (thinks) {
            line["thinking"] = piece;
        }
        return line;
    }
    case Dialect::tgi:
        break;
    }
    json event = {
        {"index", index},
        {"token", {{"id", index + 1}, {"text", piece}, {"logprob", -0.5}, {"special", false}}},
        {"generated_text", nullptr},
        {"details", nullptr}};
    if (last) {
        event["generated_text"] = m_text;
        if (m_script.usage) {
            event["details"] = {{"finish_reason", "length"},
                                {"generated_tokens", output_tokens()},
                                {"input_length", m_prompt_tokens},
                                {"seed", nullptr}};
        }
    }
    return event;
}

// The whole answer's message: content, and the thinking under the dialect's name.
json Generation::whole_message() const {
    json message = {{"role", "assistant"}, {"content", m_text}};
    if (!m_thinking.empty()) {
        message[m_dialect == Dialect::openai_chat ? m_script.reasoning_field : "thinking"] =
            m_thinking;
    }
    return message;
}

json Generation::whole_json() const {
    switch (m_dialect) {
    case Dialect::openai_chat: {
        json body = {{"id", "chatcmpl-mock"},
                     {"object", "chat.completion"},
                     {"created", 0},
                     {"model", m_model},
                     {"choices", json::array({{{"index", 0},
                                               {"message", whole_message()},
                                               {"finish_reason", "length"}}})}};
        if (m_script.usage) {
            body["usage"] = usage_json();
        }
        return body;
    }
    case Dialect::ollama_chat:
    case Dialect::ollama_generate: {
        json body = {{"model", m_model},
                     {"created_at", created_at},
                     {"done", true},
                     {"done_reason", "length"}};
        if (m_dialect == Dialect::ollama_chat) {
            body["message"] = whole_message();
        } else {
            body["response"] = m_text;
            if (!m_thinking.empty()) {
                body["thinking"] = m_thinking;
            }
        }
        if (m_script.usage) {
            add_ollama_timings(body);
        }
        return body;
    }
    case Dialect::tgi:
        break;
    }
    json body = {{"generated_text", m_text}};
    if (m_script.usage) {
        body["details"] = {{"finish_reason", "length"},
                           {"generated_tokens", m_script.chunks},
                           {"input_length", m_prompt_tokens}};
    }
    return body;
}

} // namespace mock_llm
