// The parts of farm_mock_llm (see mock_llm_server.cpp): the script from the command line, one
// HTTP/1.1 connection (requests in, heads, Content-Length and chunked bodies out), and the
// server that answers each request the way the script says.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace mock_llm {

enum class Fault {
    none,
    close_mid_stream,
    http_500,
    http_429,
    stall,
    malformed_line,
    error_in_stream,
    huge_line, // one 4 MiB content event in the middle of the stream
    endless    // content events without end until the client hangs up
};

struct Script {
    std::string host = "127.0.0.1";
    int port = 0;
    int ttft_ms = 0;
    int itl_ms = 0;
    int chunks = 5;           // answer chunks (0 with reasoning chunks: a run that only thinks)
    int reasoning_chunks = 0; // thinking chunks sent before the answer
    std::string reasoning_field = "reasoning"; // OpenAI delta field: reasoning | reasoning_content
    bool tool_calls = false; // the answer chunks are tool-call deltas, not content
    std::string chunk_text = "tok ";
    bool usage = true;
    std::string model; // empty: any model is served
    Fault fault = Fault::none;
    int fault_every = 1;
    int itl_jitter_ms = 0;       // each gap is itl_ms + uniform [0, jitter] (seeded per request)
    int tokens_per_chunk = 1;    // tokens the usage counts per content chunk
    int eos_ms = -1;             // >= 0: an empty EOS chunk this long after the last one, counted
    std::string record_requests; // a file each request body is appended to, one JSON a line
    int max_concurrent = 0;      // > 0: at most this many generations at once, the rest queue
};

extern const char* const usage;

// Fills `script` from argv; returns a message for the first bad option, "" when all is well.
std::string parse_arguments(int argc, char** argv, Script& script);

struct Request {
    std::string method;
    std::string path; // without the query
    std::string body;
    bool keep_alive = true;
};

class Connection {
  public:
    explicit Connection(int fd) : m_fd(fd) {}
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Reads the next request; false when the client closed or sent something unusable.
    bool read_request(Request& request);
    bool send(std::string_view bytes);
    // content_length < 0: the body follows in chunks (send_chunk, end_chunks).
    bool send_head(int status, std::string_view content_type, long content_length,
                   std::string_view extra_headers = {});
    bool send_chunk(std::string_view data);
    bool end_chunks();
    // For the stall fault: blocks until the client hangs up.
    void wait_for_close();
    // For the close-mid-stream fault: drops the connection without ending the body.
    void abort();
    bool open() const { return m_fd >= 0; }

  private:
    int m_fd;
    std::string m_buffer;
};

class Server {
  public:
    explicit Server(Script script) : m_script(std::move(script)) {}
    void serve_connection(int fd);

  private:
    // Answers one request; false when the connection must be closed afterwards.
    bool answer(Connection& connection, const Request& request);
    Fault next_fault();
    void record(const std::string& path, const std::string& body_json);

    // Holds one of --max-concurrent's generation slots for its lifetime (waits for one).
    class Slot {
      public:
        explicit Slot(Server& server);
        ~Slot();
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

      private:
        Server& m_server;
    };

    Script m_script;
    std::mutex m_slots_mutex;
    std::condition_variable m_slot_freed;
    int m_generating = 0;
    std::atomic<std::uint64_t> m_counted{0};
    std::mutex m_record_mutex;
};

} // namespace mock_llm
