// farm_mock_llm: a scripted LLM server for tests and benchmarks. It speaks the wire formats of
// OpenAI (/v1/chat/completions, /v1/embeddings, /v1/models), Ollama (/api/chat, /api/generate,
// /api/embed, /api/tags) and Hugging Face TGI (/generate_stream, /generate) over HTTP/1.1 with
// keep-alive, one thread per connection, and answers with timing set on its command line:
//
//   farm_mock_llm [--host 127.0.0.1] [--port 0] [--ttft-ms 0] [--itl-ms 0] [--chunks 5]
//                 [--chunk-text "tok "] [--usage on|off] [--model NAME]
//                 [--fault close-mid-stream|http-500|http-429|stall|malformed-line|error-in-stream|
//                          huge-line|endless]
//                 [--fault-every K] [--reasoning-chunks N]
//                 [--reasoning-field reasoning|reasoning_content] [--tool-calls on|off]
//                 [--itl-jitter-ms MS] [--tokens-per-chunk N] [--eos-ms MS]
//
// --itl-jitter-ms J makes each gap itl + a uniform draw from [0, J] ms (seeded per request, so a
// client's ITL and TPOT differ from the script's and from each other); --tokens-per-chunk N
// counts N tokens per content chunk in the usage (multi-token chunks); --eos-ms G ends the
// answer as vLLM does: G ms after the last content chunk an empty chunk with finish_reason
// "stop" (Ollama: the done line), whose EOS token the usage counts.
//                 [--record-requests FILE] [--max-concurrent N]
//
// --max-concurrent N generates at most N answers at once; further requests wait for a slot, and
// their time to first token counts from the slot (as a server with a batch limit queues), so the
// server's throughput stops growing at concurrency N: the knee a sweep must find.
// With --reasoning-chunks N the first N chunks of a chat stream think (OpenAI: delta.reasoning,
// or delta.reasoning_content as older vLLM and DeepSeek; Ollama: thinking) before the --chunks
// answer chunks (0: a model that only thinks), and usage counts them in
// completion_tokens_details.reasoning_tokens. With --tool-calls on the answer chunks are
// tool-call deltas (delta.tool_calls / message.tool_calls). --fault http-429 answers 429 with
// Retry-After: 1; --fault-every K sets the fraction of failing requests to 1/K. --fault
// huge-line sends one 4 MiB content line mid-stream; --fault endless never ends the stream.
// Neither is a scripted fault of a non-streamed answer. --record-requests FILE appends one line
// {"path": "/v1/chat/completions", "body": {...}} per generation or embedding request, so that
// a test sees the prompts and the length fields farm sent.
//
// The first content chunk leaves at (request read) + ttft, each next one itl later, timed with
// sleep_until on the steady clock so a test can hold a client to the script within a millisecond.
// An OpenAI stream starts with a role chunk of empty content right after the head, as real
// servers do, so that a client must look for the first chunk *with content*. Each content chunk
// counts as one token in the usage the server reports. With --fault, every K-th generation or
// embedding request (counted from 1 across connections) gets the fault. With --model, any other
// model name is answered 404 with the provider's error JSON. It prints "listening on PORT" once
// it accepts connections and runs until killed.
#include "mock_llm_script.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

namespace {

int listen_socket(const std::string& host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        std::perror("farm_mock_llm: socket");
        std::exit(1);
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        std::cerr << "farm_mock_llm: --host must be an IPv4 address, not '" << host << "'\n";
        std::exit(2);
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd, 1024) != 0) {
        std::perror("farm_mock_llm: bind/listen");
        std::exit(1);
    }
    return fd;
}

int bound_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

} // namespace

int main(int argc, char** argv) {
    mock_llm::Script script;
    std::string problem = mock_llm::parse_arguments(argc, argv, script);
    if (!problem.empty()) {
        std::cerr << "farm_mock_llm: " << problem << "\n" << mock_llm::usage;
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    int listener = listen_socket(script.host, script.port);
    std::printf("listening on %d\n", bound_port(listener));
    std::fflush(stdout);

    mock_llm::Server server(script);
    while (true) {
        int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE) {
                continue;
            }
            std::perror("farm_mock_llm: accept");
            return 1;
        }
        int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::thread([&server, client] { server.serve_connection(client); }).detach();
    }
}
