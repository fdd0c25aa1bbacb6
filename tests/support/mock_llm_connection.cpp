// farm_mock_llm's command line and its HTTP/1.1 connection: just enough of the protocol for
// curl and wrk (request line, headers, Content-Length bodies, keep-alive, pipelining).
#include "mock_llm_script.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>

namespace mock_llm {

const char* const usage =
    "usage: farm_mock_llm [--host 127.0.0.1] [--port 0] [--ttft-ms MS] [--itl-ms MS]\n"
    "         [--chunks N] [--chunk-text TEXT] [--usage on|off] [--model NAME]\n"
    "         [--fault close-mid-stream|http-500|http-429|stall|malformed-line|error-in-stream|\n"
    "                  huge-line|endless]\n"
    "         [--fault-every K] [--reasoning-chunks N] [--reasoning-field reasoning|"
    "reasoning_content]\n"
    "         [--tool-calls on|off] [--itl-jitter-ms MS] [--tokens-per-chunk N]\n"
    "         [--max-concurrent N]\n"
    "         [--eos-ms MS] [--record-requests FILE]\n";

namespace {

bool parse_int(const std::string& text, int minimum, int& value) {
    char* end = nullptr;
    long parsed = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || parsed < minimum || parsed > 1000000000) {
        return false;
    }
    value = static_cast<int>(parsed);
    return true;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

std::string parse_arguments(int argc, char** argv, Script& script) {
    static const std::map<std::string, Fault> faults = {
        {"close-mid-stream", Fault::close_mid_stream},
        {"http-500", Fault::http_500},
        {"http-429", Fault::http_429},
        {"stall", Fault::stall},
        {"malformed-line", Fault::malformed_line},
        {"error-in-stream", Fault::error_in_stream},
        {"huge-line", Fault::huge_line},
        {"endless", Fault::endless},
    };
    for (int i = 1; i < argc; ++i) {
        std::string option = argv[i];
        if (i + 1 >= argc) {
            return "option " + option + " needs a value";
        }
        std::string value = argv[++i];
        bool ok = true;
        if (option == "--host") {
            script.host = value;
        } else if (option == "--port") {
            ok = parse_int(value, 0, script.port) && script.port <= 65535;
        } else if (option == "--ttft-ms") {
            ok = parse_int(value, 0, script.ttft_ms);
        } else if (option == "--itl-ms") {
            ok = parse_int(value, 0, script.itl_ms);
        } else if (option == "--chunks") {
            ok = parse_int(value, 0, script.chunks);
        } else if (option == "--reasoning-chunks") {
            ok = parse_int(value, 0, script.reasoning_chunks);
        } else if (option == "--reasoning-field") {
            ok = value == "reasoning" || value == "reasoning_content";
            script.reasoning_field = value;
        } else if (option == "--tool-calls") {
            ok = value == "on" || value == "off";
            script.tool_calls = value == "on";
        } else if (option == "--chunk-text") {
            script.chunk_text = value;
        } else if (option == "--usage") {
            ok = value == "on" || value == "off";
            script.usage = value == "on";
        } else if (option == "--model") {
            script.model = value;
        } else if (option == "--fault") {
            auto found = faults.find(value);
            ok = found != faults.end();
            script.fault = ok ? found->second : Fault::none;
        } else if (option == "--fault-every") {
            ok = parse_int(value, 1, script.fault_every);
        } else if (option == "--itl-jitter-ms") {
            ok = parse_int(value, 0, script.itl_jitter_ms);
        } else if (option == "--tokens-per-chunk") {
            ok = parse_int(value, 1, script.tokens_per_chunk);
        } else if (option == "--eos-ms") {
            ok = parse_int(value, 0, script.eos_ms);
        } else if (option == "--max-concurrent") {
            ok = parse_int(value, 1, script.max_concurrent);
        } else if (option == "--record-requests") {
            script.record_requests = value;
        } else {
            return "unknown option " + option;
        }
        if (!ok) {
            return "bad value '" + value + "' for " + option;
        }
    }
    if (script.chunks + script.reasoning_chunks < 1) {
        return "--chunks and --reasoning-chunks send nothing: at least one chunk is needed";
    }
    return "";
}

Connection::~Connection() {
    if (m_fd >= 0) {
        close(m_fd);
    }
}

bool Connection::read_request(Request& request) {
    std::size_t head_end = 0;
    while ((head_end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
        if (m_fd < 0 || m_buffer.size() > 1 << 20) {
            return false;
        }
        char chunk[16384];
        ssize_t got = recv(m_fd, chunk, sizeof chunk, 0);
        if (got <= 0) {
            return false;
        }
        m_buffer.append(chunk, static_cast<std::size_t>(got));
    }
    std::string head = m_buffer.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    std::size_t first_space = request_line.find(' ');
    std::size_t second_space = request_line.find(' ', first_space + 1);
    if (first_space == std::string::npos || second_space == std::string::npos) {
        return false;
    }
    request.method = request_line.substr(0, first_space);
    request.path = request_line.substr(first_space + 1, second_space - first_space - 1);
    request.path = request.path.substr(0, request.path.find('?'));
    request.keep_alive = request_line.substr(second_space + 1) != "HTTP/1.0";

    std::size_t content_length = 0;
    std::size_t position = line_end == std::string::npos ? head.size() : line_end + 2;
    while (position < head.size()) {
        std::size_t end = head.find("\r\n", position);
        if (end == std::string::npos) {
            end = head.size();
        }
        std::string line = head.substr(position, end - position);
        position = end + 2;
        std::size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = lower(line.substr(0, colon));
        std::string value = line.substr(line.find_first_not_of(' ', colon + 1) == std::string::npos
                                            ? line.size()
                                            : line.find_first_not_of(' ', colon + 1));
        if (name == "content-length") {
            content_length = std::strtoul(value.c_str(), nullptr, 10);
        } else if (name == "connection") {
            request.keep_alive = lower(value) != "close";
        } else if (name == "transfer-encoding") {
            return false; // chunked request bodies are not needed by any client farm tests
        }
    }
    std::size_t body_start = head_end + 4;
    while (m_buffer.size() < body_start + content_length) {
        char chunk[16384];
        ssize_t got = recv(m_fd, chunk, sizeof chunk, 0);
        if (got <= 0) {
            return false;
        }
        m_buffer.append(chunk, static_cast<std::size_t>(got));
    }
    request.body = m_buffer.substr(body_start, content_length);
    m_buffer.erase(0, body_start + content_length);
    return true;
}

bool Connection::send(std::string_view bytes) {
    while (!bytes.empty() && m_fd >= 0) {
        ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return m_fd >= 0;
}

bool Connection::send_head(int status, std::string_view content_type, long content_length,
                           std::string_view extra_headers) {
    static const std::map<int, std::string> reasons = {{200, "OK"},
                                                       {400, "Bad Request"},
                                                       {404, "Not Found"},
                                                       {405, "Method Not Allowed"},
                                                       {429, "Too Many Requests"},
                                                       {500, "Internal Server Error"}};
    auto reason = reasons.find(status);
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                       (reason == reasons.end() ? "Status" : reason->second) + "\r\n";
    head += "Content-Type: " + std::string(content_type) + "\r\n";
    head += content_length < 0 ? std::string("Transfer-Encoding: chunked\r\n")
                               : "Content-Length: " + std::to_string(content_length) + "\r\n";
    head += extra_headers;
    head += "\r\n";
    return send(head);
}

bool Connection::send_chunk(std::string_view data) {
    char size[32];
    int length = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string frame(size, static_cast<std::size_t>(length));
    frame.append(data);
    frame += "\r\n";
    return send(frame); // one write per chunk: the client sees each one when it is sent
}

bool Connection::end_chunks() {
    return send("0\r\n\r\n");
}

void Connection::wait_for_close() {
    char sink[4096];
    while (m_fd >= 0 && recv(m_fd, sink, sizeof sink, 0) > 0) {
    }
}

void Connection::abort() {
    if (m_fd >= 0) {
        close(m_fd);
        m_fd = -1;
    }
}

} // namespace mock_llm
