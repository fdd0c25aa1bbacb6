// farm_mock_llm's answers: the three providers' wire formats, the script's timing and its faults.
#include "mock_llm_script.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace mock_llm {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

enum class Dialect { openai_chat, ollama_chat, ollama_generate, tgi };

const char* const created_at = "2024-01-01T00:00:00Z";
const char* const scripted_error = "scripted error in stream";

std::int64_t nanoseconds(Clock::duration duration) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

int count_words(const std::string& text) {
    std::istringstream in(text);
    std::string word;
    int words = 0;
    while (in >> word) {
        ++words;
    }
    return words;
}

// Prompt tokens: the words of every string in the request's prompt fields, at least 1.
int prompt_tokens(const json& request) {
    int words = 0;
    if (request.contains("messages") && request["messages"].is_array()) {
        for (const json& message : request["messages"]) {
            if (message.is_object() && message.value("content", json()).is_string()) {
                words += count_words(message["content"].get<std::string>());
            }
        }
    }
    for (const char* field : {"prompt", "inputs", "input"}) {
        if (!request.contains(field)) {
            continue;
        }
        const json& value = request[field];
        if (value.is_string()) {
            words += count_words(value.get<std::string>());
        } else if (value.is_array()) {
            for (const json& item : value) {
                words += item.is_string() ? count_words(item.get<std::string>()) : 0;
            }
        }
    }
    return std::max(words, 1);
}

std::string error_body(Dialect dialect, const std::string& message, const std::string& type) {
    if (dialect == Dialect::ollama_chat || dialect == Dialect::ollama_generate) {
        return json{{"error", message}}.dump();
    }
    if (dialect == Dialect::tgi) {
        return json{{"error", message}, {"error_type", type}}.dump();
    }
    return json{{"error", {{"message", message}, {"type", type}, {"code", nullptr}}}}.dump();
}

bool send_json(Connection& connection, int status, const std::string& body,
               std::string_view extra_headers = {}) {
    return connection.send_head(status, "application/json", static_cast<long>(body.size()),
                                extra_headers) &&
           connection.send(body);
}

// One generation request being answered.
class Generation {
  public:
    Generation(Connection& connection, const Script& script, Dialect dialect, json request,
               Fault fault, Clock::time_point start)
        : m_connection(connection), m_script(script), m_dialect(dialect),
          m_request(std::move(request)), m_fault(fault), m_start(start),
          m_model(m_request.value("model", std::string("mock-model"))),
          m_prompt_tokens(prompt_tokens(m_request)) {}

    // false: the connection must be closed.
    bool stream() {
        bool sse = m_dialect == Dialect::openai_chat || m_dialect == Dialect::tgi;
        if (!m_connection.send_head(200, sse ? "text/event-stream" : "application/x-ndjson", -1)) {
            return false;
        }
        if (m_fault == Fault::stall) {
            m_connection.wait_for_close();
            return false;
        }
        if (m_dialect == Dialect::openai_chat &&
            !frame(chunk_json(json{{"role", "assistant"}, {"content", ""}}, nullptr).dump())) {
            return false;
        }
        int total = total_chunks();
        int cut = (total + 1) / 2; // faults strike after this many content chunks
        for (int i = 0; i < total; ++i) {
            std::this_thread::sleep_until(content_time(i));
            if (i == 0) {
                m_first = Clock::now();
            }
            m_text += m_script.chunk_text;
            if (!frame(content_json(i).dump())) {
                return false;
            }
            if (i + 1 == cut && !strike_mid_stream()) {
                return m_connection.open();
            }
        }
        m_last = Clock::now();
        return finish_stream();
    }

    bool whole() {
        std::this_thread::sleep_until(content_time(total_chunks() - 1));
        m_first = m_start + std::chrono::milliseconds(m_script.ttft_ms);
        m_last = Clock::now();
        for (int i = 0; i < m_script.chunks; ++i) {
            m_text += m_script.chunk_text;
        }
        for (int i = 0; i < m_script.reasoning_chunks; ++i) {
            m_thinking += m_script.chunk_text;
        }
        std::string body = whole_json().dump();
        if (m_fault == Fault::error_in_stream) {
            body = error_body(m_dialect, scripted_error, "server_error");
        } else if (m_fault == Fault::malformed_line) {
            body = body.substr(0, body.size() / 2);
        }
        if (m_fault == Fault::stall || m_fault == Fault::close_mid_stream) {
            m_connection.send_head(200, "application/json", static_cast<long>(body.size()));
            if (m_fault == Fault::stall) {
                m_connection.wait_for_close();
            } else {
                m_connection.send(std::string_view(body).substr(0, body.size() / 2));
            }
            m_connection.abort();
            return false;
        }
        return send_json(m_connection, 200, body);
    }

  private:
    int total_chunks() const { return m_script.reasoning_chunks + m_script.chunks; }

    // Stream chunk `index` thinks (the first reasoning_chunks do) or answers.
    bool thinking(int index) const { return index < m_script.reasoning_chunks; }

    // An answer piece as a tool-call delta, in the shape of OpenAI's streamed tool calls (the
    // first delta names the function, the next ones carry pieces of its JSON arguments) or of
    // Ollama's (whole calls with the arguments as an object).
    json tool_call_json(int index) const {
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

    Clock::time_point content_time(int index) const {
        return m_start + std::chrono::milliseconds(m_script.ttft_ms) +
               std::chrono::milliseconds(static_cast<long>(m_script.itl_ms) * index);
    }

    bool frame(const std::string& payload) {
        switch (m_dialect) {
        case Dialect::openai_chat:
            return m_connection.send_chunk("data: " + payload + "\n\n");
        case Dialect::tgi:
            return m_connection.send_chunk("data:" + payload + "\n\n");
        default:
            return m_connection.send_chunk(payload + "\n");
        }
    }

    json usage_json() const {
        json usage = {{"prompt_tokens", m_prompt_tokens},
                      {"completion_tokens", total_chunks()},
                      {"total_tokens", m_prompt_tokens + total_chunks()}};
        if (m_script.reasoning_chunks > 0) {
            // As OpenAI and vLLM report them: a part of completion_tokens.
            usage["completion_tokens_details"] = {{"reasoning_tokens", m_script.reasoning_chunks}};
        }
        return usage;
    }

    json chunk_json(json delta, json finish_reason) const {
        return {{"id", "chatcmpl-mock"},
                {"object", "chat.completion.chunk"},
                {"created", 0},
                {"model", m_model},
                {"choices", json::array({{{"index", 0},
                                          {"delta", std::move(delta)},
                                          {"finish_reason", std::move(finish_reason)}}})}};
    }

    void add_ollama_timings(json& line) const {
        auto eval = std::max(m_last - m_first, Clock::duration(std::chrono::microseconds(1)));
        line["total_duration"] = nanoseconds(Clock::now() - m_start);
        line["load_duration"] = 1000000;
        line["prompt_eval_count"] = m_prompt_tokens;
        line["prompt_eval_duration"] = nanoseconds(m_first - m_start);
        line["eval_count"] = total_chunks();
        line["eval_duration"] = nanoseconds(eval);
    }

    json content_json(int index) const {
        const std::string& piece = m_script.chunk_text;
        bool last = index + 1 == total_chunks();
        bool thinks = thinking(index);
        bool tool = !thinks && m_script.tool_calls;
        switch (m_dialect) {
        case Dialect::openai_chat: {
            json delta = thinks ? json{{m_script.reasoning_field, piece}}
                         : tool ? json{{"tool_calls", tool_call_json(index)}}
                                : json{{"content", piece}};
            return chunk_json(delta, last ? json(tool ? "tool_calls" : "length") : json(nullptr));
        }
        case Dialect::ollama_chat: {
            json message = {{"role", "assistant"}, {"content", thinks || tool ? "" : piece}};
            if (thinks) {
                message["thinking"] = piece;
            } else if (tool) {
                message["tool_calls"] = tool_call_json(index);
            }
            return {{"model", m_model},
                    {"created_at", created_at},
                    {"message", message},
                    {"done", false}};
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
                                    {"generated_tokens", total_chunks()},
                                    {"input_length", m_prompt_tokens},
                                    {"seed", nullptr}};
            }
        }
        return event;
    }

    // The fault that strikes in the middle of a stream; false when the stream ended there (the
    // connection stays usable if it is still open).
    bool strike_mid_stream() {
        switch (m_fault) {
        case Fault::close_mid_stream:
            m_connection.abort();
            return false;
        case Fault::malformed_line:
            return frame(m_dialect == Dialect::tgi ? "{\"token\":{\"text\":"
                                                   : "{\"choices\":[{\"delta\":{\"content\":");
        case Fault::huge_line: {
            // One event of 4 MiB of content, sent in 64 KiB pieces, then the stream goes on.
            std::string piece(64 * 1024, 'x');
            bool sent = m_connection.send_chunk(m_dialect == Dialect::openai_chat
                                                    ? "data: {\"choices\":[{\"index\":0,"
                                                      "\"delta\":{\"content\":\""
                                                    : "{\"message\":{\"content\":\"");
            for (int i = 0; sent && i < 64; ++i) {
                sent = m_connection.send_chunk(piece);
            }
            return sent && m_connection.send_chunk(m_dialect == Dialect::openai_chat
                                                       ? "\"}}]}\n\n"
                                                       : "\"},\"done\":false}\n");
        }
        case Fault::endless:
            // As fast as the client reads, until it hangs up.
            while (frame(content_json(0).dump())) {
            }
            m_connection.abort();
            return false;
        case Fault::error_in_stream:
            // As vLLM does: the error as an event of the 200 stream, then the stream's end.
            frame(error_body(m_dialect, scripted_error, "server_error"));
            if (m_dialect == Dialect::openai_chat) {
                m_connection.send_chunk("data: [DONE]\n\n");
            }
            m_connection.end_chunks();
            return false;
        default:
            return true;
        }
    }

    bool finish_stream() {
        if (m_dialect == Dialect::openai_chat) {
            bool wants_usage = m_request.contains("stream_options") &&
                               m_request["stream_options"].is_object() &&
                               m_request["stream_options"].value("include_usage", false);
            if (wants_usage && m_script.usage) {
                json last = chunk_json(json::object(), nullptr);
                last["choices"] = json::array();
                last["usage"] = usage_json();
                frame(last.dump());
            }
            m_connection.send_chunk("data: [DONE]\n\n");
        } else if (m_dialect != Dialect::tgi) {
            json done = {{"model", m_model},
                         {"created_at", created_at},
                         {"done", true},
                         {"done_reason", "length"}};
            if (m_dialect == Dialect::ollama_chat) {
                done["message"] = {{"role", "assistant"}, {"content", ""}};
            } else {
                done["response"] = "";
            }
            if (m_script.usage) {
                add_ollama_timings(done);
            }
            frame(done.dump());
        }
        return m_connection.end_chunks();
    }

    // The whole answer's message: content, and the thinking under the dialect's name.
    json whole_message() const {
        json message = {{"role", "assistant"}, {"content", m_text}};
        if (!m_thinking.empty()) {
            message[m_dialect == Dialect::openai_chat ? m_script.reasoning_field : "thinking"] =
                m_thinking;
        }
        return message;
    }

    json whole_json() const {
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

    Connection& m_connection;
    const Script& m_script;
    Dialect m_dialect;
    json m_request;
    Fault m_fault;
    Clock::time_point m_start;
    std::string m_model;
    int m_prompt_tokens;
    std::string m_text;
    std::string m_thinking; // non-streamed answers: the reasoning text
    Clock::time_point m_first;
    Clock::time_point m_last;
};

// A fixed vector per input, so that answers are the same every time.
json embedding_for(std::size_t index) {
    json vector = json::array();
    for (int i = 0; i < 8; ++i) {
        vector.push_back(0.125 * static_cast<double>((i + static_cast<int>(index)) % 8));
    }
    return vector;
}

std::size_t input_count(const json& request) {
    for (const char* field : {"input", "inputs"}) {
        if (request.contains(field) && request[field].is_array()) {
            return std::max<std::size_t>(request[field].size(), 1);
        }
    }
    return 1;
}

} // namespace

void Server::serve_connection(int fd) {
    Connection connection(fd);
    Request request;
    while (connection.read_request(request)) {
        if (!answer(connection, request) || !request.keep_alive) {
            break;
        }
    }
}

// One line {"path": ..., "body": {...}} per request, whole lines only (connections run on
// threads of their own), flushed at once so that a test reads every request the client sent.
void Server::record(const std::string& path, const std::string& body_json) {
    if (m_script.record_requests.empty()) {
        return;
    }
    std::lock_guard<std::mutex> lock(m_record_mutex);
    std::ofstream out(m_script.record_requests, std::ios::app);
    out << "{\"path\":" << json(path).dump() << ",\"body\":" << body_json << "}\n";
}

Fault Server::next_fault() {
    std::uint64_t number = ++m_counted;
    if (m_script.fault == Fault::none ||
        number % static_cast<std::uint64_t>(m_script.fault_every) != 0) {
        return Fault::none;
    }
    return m_script.fault;
}

bool Server::answer(Connection& connection, const Request& request) {
    Clock::time_point start = Clock::now();
    std::string model = m_script.model.empty() ? "mock-model" : m_script.model;
    if (request.method == "GET" && request.path == "/v1/models") {
        json list = {
            {"object", "list"},
            {"data",
             json::array(
                 {{{"id", model}, {"object", "model"}, {"created", 0}, {"owned_by", "mock"}}})}};
        return send_json(connection, 200, list.dump());
    }
    if (request.method == "GET" && request.path == "/api/tags") {
        json tags = {{"models", json::array({{{"name", model}, {"model", model}, {"size", 1}}})}};
        return send_json(connection, 200, tags.dump());
    }

    static const std::map<std::string, Dialect> routes = {
        {"/v1/chat/completions", Dialect::openai_chat},
        {"/v1/embeddings", Dialect::openai_chat},
        {"/api/chat", Dialect::ollama_chat},
        {"/api/generate", Dialect::ollama_generate},
        {"/api/embed", Dialect::ollama_chat},
        {"/generate_stream", Dialect::tgi},
        {"/generate", Dialect::tgi}};
    auto route = routes.find(request.path);
    if (route == routes.end()) {
        return send_json(connection, 404,
                         error_body(Dialect::openai_chat, "no route " + request.path, "not_found"));
    }
    Dialect dialect = route->second;
    if (request.method != "POST") {
        return send_json(connection, 405,
                         error_body(dialect, request.path + " takes POST", "invalid_request"));
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return send_json(
            connection, 400,
            error_body(dialect, "the request body is not a JSON object", "invalid_request_error"));
    }
    record(request.path, body.dump());
    std::string asked = body.value("model", std::string());
    if (!m_script.model.empty() && dialect != Dialect::tgi && asked != m_script.model) {
        std::string message = dialect == Dialect::openai_chat
                                  ? "The model `" + asked + "` does not exist"
                                  : "model '" + asked + "' not found";
        return send_json(connection, 404, error_body(dialect, message, "invalid_request_error"));
    }

    Fault fault = next_fault();
    if (fault == Fault::http_500) {
        return send_json(connection, 500,
                         error_body(dialect, "scripted internal error", "server_error"));
    }
    if (fault == Fault::http_429) {
        return send_json(connection, 429,
                         error_body(dialect, "scripted rate limit", "rate_limit_exceeded"),
                         "Retry-After: 1\r\n");
    }

    bool embedding = request.path == "/v1/embeddings" || request.path == "/api/embed";
    if (embedding) {
        std::this_thread::sleep_until(start + std::chrono::milliseconds(m_script.ttft_ms));
        std::size_t inputs = input_count(body);
        int tokens = prompt_tokens(body);
        json answer;
        if (dialect == Dialect::openai_chat) {
            json data = json::array();
            for (std::size_t i = 0; i < inputs; ++i) {
                data.push_back(
                    {{"object", "embedding"}, {"index", i}, {"embedding", embedding_for(i)}});
            }
            answer = {{"object", "list"},
                      {"data", data},
                      {"model", asked.empty() ? model : asked},
                      {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
        } else {
            json vectors = json::array();
            for (std::size_t i = 0; i < inputs; ++i) {
                vectors.push_back(embedding_for(i));
            }
            answer = {{"model", asked.empty() ? model : asked},
                      {"embeddings", vectors},
                      {"total_duration", nanoseconds(Clock::now() - start)},
                      {"load_duration", 1000000},
                      {"prompt_eval_count", tokens}};
        }
        return send_json(connection, 200, answer.dump());
    }

    bool streamed = false;
    if (dialect == Dialect::tgi) {
        streamed = request.path == "/generate_stream";
    } else if (dialect == Dialect::openai_chat) {
        streamed = body.value("stream", false);
    } else {
        streamed = body.value("stream", true); // Ollama streams unless told not to
    }
    Generation generation(connection, m_script, dialect, std::move(body), fault, start);
    return streamed ? generation.stream() : generation.whole();
}

} // namespace mock_llm
