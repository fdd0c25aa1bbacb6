// farm_mock_llm's routes: the model lists, embeddings, errors and faults before an answer, and
// the generation requests (mock_llm_generation.hpp) of the three providers.
#include "mock_llm_generation.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <thread>

namespace mock_llm {

namespace {

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

Server::Slot::Slot(Server& server) : m_server(server) {
    if (server.m_script.max_concurrent <= 0) {
        return;
    }
    std::unique_lock<std::mutex> lock(server.m_slots_mutex);
    server.m_slot_freed.wait(
        lock, [&server] { return server.m_generating < server.m_script.max_concurrent; });
    ++server.m_generating;
}

Server::Slot::~Slot() {
    if (m_server.m_script.max_concurrent <= 0) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_server.m_slots_mutex);
        --m_server.m_generating;
    }
    m_server.m_slot_freed.notify_one();
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
    // With --max-concurrent the answer waits for a free slot, and its timing starts there: a
    // server with a batch limit queues the rest, so throughput stops growing at that limit.
    Slot slot(*this);
    if (m_script.max_concurrent > 0) {
        start = Clock::now();
    }
    Generation generation(connection, m_script, dialect, std::move(body), fault, start);
    return streamed ? generation.stream() : generation.whole();
}

} // namespace mock_llm
