// The per-request metrics of an AI benchmark, computed from what was observed of one request.
//
// Definitions (docs/metrics.md, "AI requests", states them for users; the two must agree). All
// times are ms on one monotonic clock; "content chunk" is an event or line with non-empty
// content (response_decoder.hpp):
//   ttft_ms   request sent -> first content chunk of any kind arrived, reasoning included
//             (vLLM's TTFT; streams only)
//   ttfo_ms   request sent -> first answer chunk (answer text or a tool call) arrived: AIPerf's
//             "time to first output token"; absent when the request only reasoned. Equal to
//             ttft_ms for a model that does not reason.
//   e2e_ms    request sent -> the stream's end marker arrived ([DONE], Ollama's done:true line,
//             TGI's last event), so that the EOS token usage counts (often an empty last
//             chunk) is inside the window; non-streamed: -> whole body received (end_ms)
//   ITL gaps  the differences between consecutive content chunks' arrival times (streams with
//             >= 2 chunks); itl_ms is their mean
//   tpot_ms   (e2e_ms - ttft_ms) / (output_tokens - 1), streams with output_tokens >= 2: the
//             decode time per token after the first (vLLM's TPOT, AIPerf's ITL)
//   output_tokens  server-reported when the server said, else (streams) one per content chunk,
//             else (non-streamed) content characters / 4 rounded up; the source is returned
//   input_tokens   server-reported, else prompt characters / 4 rounded up
//   reasoning_tokens  usage.completion_tokens_details.reasoning_tokens when the server gave it
//             (a part of output_tokens); absent otherwise, never estimated
//   server_*  Ollama's own durations (ns -> ms) and eval_count / eval_duration in tokens/s
//   failed    1 when the request failed; a failed request gets no other metric, so that its
//             times never mix with those of answered requests.
#pragma once

#include "farm/ai/response_decoder.hpp"
#include "farm/measure/sample.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::ai {

// Everything observed of one request. The transport fills the times, the status and a transport
// error; the decoder's result fills the rest.
struct RequestRecord {
    bool streamed = false;
    double sent_ms = 0;           // the request was handed to the transport
    std::optional<double> end_ms; // the whole answer was received (or the failure seen)
    int http_status = 0;          // 0: no answer
    std::size_t prompt_chars = 0; // UTF-8 code points of the prompt (input tokens fallback)
    ErrorClass transport_error = ErrorClass::none; // connect, http_status, timeout
    std::string transport_message;
    DecodedResponse response; // chunks, first byte, facts, stream errors

    // The transport's error when there is one (it explains the decoder's), else the decoder's.
    ErrorClass error() const;
    const std::string& error_message() const;
    bool failed() const { return error() != ErrorClass::none; }
};

// Where a token count came from: the contract's "server", "chunks" or "chars/4".
enum class TokenSource { server, chunks, chars_div_4 };
std::string_view to_string(TokenSource source);

struct RequestMetrics {
    std::vector<measure::MetricValue> metrics; // contract names and units; unmeasured ones absent
    std::vector<double> itl_gaps_ms;           // every gap, for percentiles over all requests
    std::optional<TokenSource> output_token_source;
    std::optional<TokenSource> input_token_source;
};

RequestMetrics request_metrics(const RequestRecord& record);

// ceil(chars / 4): the usual rough estimate of tokens in English text.
std::int64_t tokens_from_chars(std::size_t chars);

} // namespace farm::ai
