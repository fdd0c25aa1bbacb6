#include "farm/ai/request_metrics.hpp"

#include "ai/pieces.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

using namespace farm::ai;

namespace {

// A streamed record whose content chunks arrived at these times (ms after sending at 0).
RequestRecord streamed_record(const std::vector<double>& chunk_times) {
    RequestRecord record;
    record.streamed = true;
    record.sent_ms = 0;
    record.http_status = 200;
    for (double at : chunk_times) {
        record.response.chunks.push_back(ContentChunk{at, 4, 0});
        record.response.text += "word";
        record.response.text_chars += 4;
    }
    record.response.complete = true;
    record.end_ms = chunk_times.empty() ? 0 : chunk_times.back();
    return record;
}

std::optional<double> metric(const RequestMetrics& metrics, const std::string& name) {
    for (const farm::measure::MetricValue& value : metrics.metrics) {
        if (value.name == name) {
            return value.value;
        }
    }
    return std::nullopt;
}

std::string unit(const RequestMetrics& metrics, const std::string& name) {
    for (const farm::measure::MetricValue& value : metrics.metrics) {
        if (value.name == name) {
            return value.unit;
        }
    }
    return "absent";
}

} // namespace

TEST_CASE("ai::request_metrics follows the definitions on three chunks") {
    RequestRecord record = streamed_record({100, 150, 210});
    record.response.facts.output_tokens = 3;
    record.response.end_marker_ms = 250; // [DONE] after the last chunk: the end of e2e
    record.end_ms = 260;                 // the transfer's end: not part of e2e
    RequestMetrics metrics = request_metrics(record);
    CHECK(metric(metrics, "ttft_ms") == 100);
    CHECK(metric(metrics, "e2e_ms") == 250);
    CHECK(metrics.itl_gaps_ms == std::vector<double>{50, 60});
    CHECK(metric(metrics, "itl_ms") == 55);
    CHECK(metric(metrics, "tpot_ms") == 75); // (250 - 100) / (3 - 1)
    CHECK(metric(metrics, "output_tokens") == 3);
    CHECK(metrics.output_token_source == TokenSource::server);
    CHECK(metric(metrics, "failed") == 0);
    CHECK(unit(metrics, "ttft_ms") == "ms");
    CHECK(unit(metrics, "output_tokens") == "count");
    CHECK(unit(metrics, "failed") == "count");
}

TEST_CASE("ai::request_metrics measures from the time the request was sent") {
    RequestRecord record = streamed_record({1100, 1150, 1210});
    record.sent_ms = 1000;
    record.response.facts.output_tokens = 12; // chunks carry several tokens
    RequestMetrics metrics = request_metrics(record);
    CHECK(metric(metrics, "ttft_ms") == 100);
    CHECK(metric(metrics, "e2e_ms") == 210);
    CHECK(metric(metrics, "tpot_ms") == doctest::Approx(10)); // (210 - 100) / 11
}

TEST_CASE("ai::request_metrics counts chunks as tokens when the server did not say") {
    RequestRecord record = streamed_record({100, 150, 210, 300});
    RequestMetrics metrics = request_metrics(record);
    CHECK(metric(metrics, "output_tokens") == 4);
    CHECK(metrics.output_token_source == TokenSource::chunks);
    CHECK(metric(metrics, "tpot_ms") == doctest::Approx(200.0 / 3));
    CHECK(metric(metrics, "itl_ms") == doctest::Approx(200.0 / 3));
    CHECK_FALSE(metric(metrics, "input_tokens")); // no prompt size known either
    CHECK_FALSE(metrics.input_token_source);
}

TEST_CASE("ai::request_metrics leaves out what one chunk cannot measure") {
    RequestRecord record = streamed_record({80});
    RequestMetrics metrics = request_metrics(record);
    CHECK(metric(metrics, "ttft_ms") == 80);
    CHECK(metric(metrics, "e2e_ms") == 80);
    CHECK_FALSE(metric(metrics, "itl_ms"));
    CHECK_FALSE(metric(metrics, "tpot_ms")); // output_tokens 1
    CHECK(metrics.itl_gaps_ms.empty());
    // Two chunks, but the server says one token: an ITL, no TPOT.
    record = streamed_record({80, 90});
    record.response.facts.output_tokens = 1;
    metrics = request_metrics(record);
    CHECK(metric(metrics, "itl_ms") == 10);
    CHECK_FALSE(metric(metrics, "tpot_ms"));
}

TEST_CASE("ai::request_metrics of a non-streamed answer ends when the body is received") {
    RequestRecord record;
    record.streamed = false;
    record.sent_ms = 50;
    record.end_ms = 450;
    record.http_status = 200;
    record.prompt_chars = 9;
    record.response.text = "0123456789";
    record.response.text_chars = 10;
    record.response.complete = true;
    RequestMetrics metrics = request_metrics(record);
    CHECK(metric(metrics, "e2e_ms") == 400);
    CHECK_FALSE(metric(metrics, "ttft_ms"));
    CHECK_FALSE(metric(metrics, "itl_ms"));
    CHECK_FALSE(metric(metrics, "tpot_ms"));
    CHECK(metric(metrics, "output_tokens") == 3); // ceil(10 / 4)
    CHECK(metrics.output_token_source == TokenSource::chars_div_4);
    CHECK(metric(metrics, "input_tokens") == 3); // ceil(9 / 4)
    CHECK(metrics.input_token_source == TokenSource::chars_div_4);
    record.response.facts.input_tokens = 7;
    metrics = request_metrics(record);
    CHECK(metric(metrics, "input_tokens") == 7);
    CHECK(metrics.input_token_source == TokenSource::server);
}

TEST_CASE("ai::request_metrics of a failed request is only failed = 1") {
    RequestRecord record = streamed_record({100, 150});
    record.response.error = ErrorClass::incomplete;
    record.response.error_message = "the stream ended without data: [DONE]";
    RequestMetrics metrics = request_metrics(record);
    REQUIRE(metrics.metrics.size() == 1);
    CHECK(metric(metrics, "failed") == 1);
    CHECK(metrics.itl_gaps_ms.empty());
    CHECK(record.error() == ErrorClass::incomplete);

    // The transport's error explains the decoder's (a timeout cuts the stream short).
    record.transport_error = ErrorClass::timeout;
    record.transport_message = "no answer within 60 s";
    CHECK(record.error() == ErrorClass::timeout);
    CHECK(record.error_message() == "no answer within 60 s");
    CHECK(request_metrics(record).metrics.size() == 1);
}

TEST_CASE("ai::request_metrics converts Ollama's timings") {
    RequestRecord record;
    record.streamed = false;
    record.end_ms = 5000;
    record.response.text = "hello";
    record.response.text_chars = 5;
    FinalFacts& facts = record.response.facts;
    facts.input_tokens = 26;
    facts.output_tokens = 290;
    facts.total_duration_ns = 5043500667;
    facts.load_duration_ns = 5025959;
    facts.prompt_eval_duration_ns = 325953000;
    facts.eval_duration_ns = 4709213000;
    RequestMetrics metrics = request_metrics(record);
    CHECK(metric(metrics, "server_total_ms") == doctest::Approx(5043.500667));
    CHECK(metric(metrics, "server_load_ms") == doctest::Approx(5.025959));
    CHECK(metric(metrics, "server_prompt_eval_ms") == doctest::Approx(325.953));
    CHECK(metric(metrics, "server_eval_ms") == doctest::Approx(4709.213));
    CHECK(metric(metrics, "server_tokens_per_s") == doctest::Approx(290 / 4.709213));
    CHECK(unit(metrics, "server_tokens_per_s") == "tokens/s");
    CHECK(metric(metrics, "output_tokens") == 290);
    // Without eval_duration (any server but Ollama) there is no server rate.
    facts.eval_duration_ns.reset();
    CHECK_FALSE(metric(request_metrics(record), "server_tokens_per_s"));
    CHECK_FALSE(metric(request_metrics(record), "server_eval_ms"));
}

TEST_CASE("ai::request_metrics of a decoded stream: e2e and TPOT end at [DONE]") {
    std::string bytes = farm::test::ai_fixture("openai_chat_usage.sse");
    ResponseDecoder decoder(WireFormat::openai_chat, true);
    // One event per piece, 10 ms apart, starting 100 ms after sending.
    RequestRecord record;
    record.streamed = true;
    record.sent_ms = 0;
    double at_ms = 100;
    std::size_t start = 0;
    while (start < bytes.size()) {
        std::size_t end = bytes.find("\n\n", start) + 2;
        decoder.feed(std::string_view(bytes).substr(start, end - start), at_ms);
        at_ms += 10;
        start = end;
    }
    decoder.finish(at_ms);
    record.end_ms = at_ms;
    record.response = decoder.result();
    RequestMetrics metrics = request_metrics(record);
    // Events: role (100), 6 content (110..160), finish (170), usage (180), [DONE] (190). The
    // usage counts 8 tokens, the EOS of the empty finish event among them: e2e ends at [DONE].
    CHECK(metric(metrics, "ttft_ms") == 110);
    CHECK(metric(metrics, "e2e_ms") == 190);
    CHECK(metric(metrics, "itl_ms") == 10);
    CHECK(metric(metrics, "tpot_ms") == doctest::Approx(80.0 / 7));
    CHECK(metric(metrics, "input_tokens") == 17);
    CHECK(metrics.itl_gaps_ms.size() == 5);
}

namespace {

// The metrics of a recorded stream whose events arrive 10 ms apart from 100 ms after sending.
RequestMetrics metrics_of_fixture(const char* fixture, WireFormat format) {
    std::string bytes = farm::test::ai_fixture(fixture);
    std::string separator = format == WireFormat::openai_chat ? "\n\n" : "\n";
    ResponseDecoder decoder(format, true);
    RequestRecord record;
    record.streamed = true;
    double at_ms = 100;
    std::size_t start = 0;
    while (start < bytes.size()) {
        std::size_t end = bytes.find(separator, start) + separator.size();
        decoder.feed(std::string_view(bytes).substr(start, end - start), at_ms);
        at_ms += 10;
        start = end;
    }
    decoder.finish(at_ms);
    record.end_ms = at_ms;
    record.response = decoder.result();
    return request_metrics(record);
}

} // namespace

TEST_CASE("ai::request_metrics: TTFT is the first token of any kind, TTFO the first answer") {
    // Pieces: comments (100), role (110), 3 reasoning (120..140), 2 content (150, 160), EOS
    // (170), usage (180), [DONE] (190).
    RequestMetrics vllm = metrics_of_fixture("openai_chat_reasoning.sse", WireFormat::openai_chat);
    CHECK(metric(vllm, "failed") == 0);
    CHECK(metric(vllm, "ttft_ms") == 120);
    CHECK(metric(vllm, "ttfo_ms") == 150);
    CHECK(metric(vllm, "e2e_ms") == 190); // [DONE]
    CHECK(metric(vllm, "reasoning_tokens") == 5);
    CHECK(metric(vllm, "output_tokens") == 9); // reasoning tokens are output tokens
    CHECK(metric(vllm, "tpot_ms") == doctest::Approx(70.0 / 8));

    // Ollama: 2 thinking lines (100, 110), 2 answer lines (120, 130), done (140).
    RequestMetrics ollama =
        metrics_of_fixture("ollama_chat_thinking.ndjson", WireFormat::ollama_chat);
    CHECK(metric(ollama, "ttft_ms") == 100);
    CHECK(metric(ollama, "ttfo_ms") == 120);
    CHECK_FALSE(metric(ollama, "reasoning_tokens")); // Ollama does not say: never estimated

    // A model that does not reason: TTFO is TTFT.
    RequestMetrics plain = metrics_of_fixture("openai_chat_usage.sse", WireFormat::openai_chat);
    CHECK(metric(plain, "ttfo_ms") == metric(plain, "ttft_ms"));
}

TEST_CASE("ai::request_metrics: a request that only reasoned is a success without TTFO") {
    RequestMetrics metrics =
        metrics_of_fixture("openai_chat_reasoning_only.sse", WireFormat::openai_chat);
    CHECK(metric(metrics, "failed") == 0);
    CHECK(metric(metrics, "ttft_ms") == 120);
    CHECK_FALSE(metric(metrics, "ttfo_ms"));
    CHECK(metric(metrics, "reasoning_tokens") == 4);
    CHECK(metric(metrics, "output_tokens") == 4);
}

TEST_CASE("ai::request_metrics: a tool call is output") {
    RequestMetrics metrics =
        metrics_of_fixture("openai_chat_tool_calls.sse", WireFormat::openai_chat);
    CHECK(metric(metrics, "failed") == 0);
    CHECK(metric(metrics, "ttft_ms") == 120);
    CHECK(metric(metrics, "ttfo_ms") == 120);
    CHECK(metric(metrics, "output_tokens") == 14);
}

TEST_CASE("ai::tokens_from_chars rounds up") {
    CHECK(tokens_from_chars(0) == 0);
    CHECK(tokens_from_chars(1) == 1);
    CHECK(tokens_from_chars(4) == 1);
    CHECK(tokens_from_chars(5) == 2);
}
