// ai::run_benchmark and summarize_benchmark against farm_mock_llm: the measured metrics match the
// server's script, faults become error classes, and the summary's statistics are those of the
// records.
#include "farm/ai/benchmark.hpp"
#include "farm/ai/benchmark_summary.hpp"
#include "farm/ai/discovery.hpp"
#include "farm/core/error.hpp"

#include "support/mock_llm.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace farm;
using farm::test::MockLlm;

namespace {

ai::BenchmarkPlan plan_for(const MockLlm& server, ai::ProviderType type, ai::Operation op,
                           std::size_t requests, std::size_t concurrency = 1) {
    ai::BenchmarkPlan plan;
    plan.target.name = std::string(ai::to_string(type));
    plan.target.type = type;
    plan.target.base_url = server.url("");
    plan.target.model = "m";
    plan.target.total_timeout_s = 10;
    plan.operation = op;
    ai::Dataset prompts;
    prompts.items = {{"one", {}}, {"two", {}}, {"three", {}}};
    ai::WorkloadSpec workload;
    workload.dataset = std::make_shared<ai::Dataset>(prompts);
    plan.workload = std::make_shared<ai::Workload>(workload);
    plan.load.requests = requests;
    plan.load.concurrency = concurrency;
    return plan;
}

} // namespace

TEST_CASE("ai::run_benchmark measures what the server was scripted to do") {
    MockLlm server({"--ttft-ms", "40", "--itl-ms", "5", "--chunks", "6", "--usage", "off"});
    std::vector<ai::RequestReport> seen;
    ai::BenchmarkResult result = ai::run_benchmark(
        plan_for(server, ai::ProviderType::openai, ai::Operation::chat_stream, 6, 2),
        [&seen](const ai::RequestReport& r) { seen.push_back(r); });
    REQUIRE(result.requests.size() == 6);
    std::vector<measure::IterationRecord> records = result.requests.records();
    CHECK(seen.size() == 6);
    CHECK(result.errors_by_class.empty());
    CHECK(ai::common_token_source(result) == "chunks");
    CHECK(result.itl_gaps_ms.count() == 6 * 5);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const measure::IterationRecord& it = records[i];
        CHECK(it.index == int(i));
        CHECK(it.exit_code == 0);
        CHECK(it.metric("prompt_index") == double(i % 3));
        CHECK(it.metric("output_tokens") == 6);
        CHECK(*it.metric("ttft_ms") >= 40);
        CHECK(*it.metric("ttft_ms") <= *it.metric("e2e_ms")); // no upper bound in ms: load varies
        CHECK(*it.metric("e2e_ms") >= 65);
    }
    ai::BenchmarkSummary s = ai::summarize_benchmark(result);
    CHECK(s.requests == 6);
    CHECK(s.succeeded == 6);
    REQUIRE(s.ttft_ms);
    CHECK(s.ttft_ms->count == 6);
    CHECK(s.ttft_ms->p90 <= s.ttft_ms->p99);
    REQUIRE(s.itl_ms);
    CHECK(s.itl_ms->count == 30);
    CHECK(s.itl_ms->mean == doctest::Approx(5).epsilon(0.3));
    CHECK(s.request_throughput > 0);
    CHECK(s.output_token_throughput == doctest::Approx(s.request_throughput * 6));
}

TEST_CASE("ai::run_benchmark with two event loops: every request recorded once, counts add up") {
    MockLlm server(
        {"--ttft-ms", "5", "--chunks", "4", "--fault", "http-500", "--fault-every", "4"});
    ai::BenchmarkPlan plan =
        plan_for(server, ai::ProviderType::openai, ai::Operation::chat_stream, 40, 4);
    plan.load.loops = 2;
    plan.load.warmup = 4;
    std::set<std::size_t> reported;
    ai::BenchmarkResult result = ai::run_benchmark(plan, [&reported](const ai::RequestReport& r) {
        CHECK(reported.insert(r.index).second); // one call at a time: no lock needed here
    });
    CHECK(result.loops == 2);
    CHECK(reported.size() == 40);
    CHECK(result.sent == 40);
    std::vector<measure::IterationRecord> records = result.requests.records();
    REQUIRE(records.size() == 40);
    std::size_t failed = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        CHECK(records[i].index == int(i));
        failed += records[i].exit_code == 1 ? 1 : 0;
    }
    // The server fails every fourth request it gets, counted across connections: the four
    // warm-ups all arrive before any measured request (the fourth fails, not recorded), then
    // requests 8, 12, ..., 44 of the measured 5..44: ten.
    CHECK(failed == 10);
    CHECK(result.errors_by_class["http_status"] == 10);
    CHECK(result.itl_gaps_ms.count() == (40 - failed) * 3);
}

TEST_CASE("ai::run_benchmark counts failures by class") {
    SUBCASE("HTTP 500 on every second request") {
        MockLlm server({"--fault", "http-500", "--fault-every", "2"});
        ai::BenchmarkResult result = ai::run_benchmark(
            plan_for(server, ai::ProviderType::ollama, ai::Operation::chat_stream, 8));
        CHECK(result.errors_by_class == std::map<std::string, std::size_t>{{"http_status", 4}});
        REQUIRE(result.first_error.count("http_status") == 1);
        CHECK(result.first_error["http_status"].find("HTTP 500") != std::string::npos);
        ai::BenchmarkSummary s = ai::summarize_benchmark(result);
        CHECK(s.errors == 4);
        CHECK(s.succeeded == 4);
    }
    SUBCASE("a stream that ends early") {
        MockLlm server({"--fault", "close-mid-stream", "--chunks", "4"});
        ai::BenchmarkResult result = ai::run_benchmark(
            plan_for(server, ai::ProviderType::openai, ai::Operation::chat_stream, 2));
        CHECK(result.errors_by_class.size() == 1);
        std::vector<measure::IterationRecord> records = result.requests.records();
        CHECK(records.at(0).exit_code == 1);
        CHECK(records.at(0).metric("failed") == 1);
        CHECK_FALSE(records.at(0).metric("ttft_ms"));
    }
    SUBCASE("an unknown model: the server's words") {
        MockLlm server({"--model", "llama3.1"});
        ai::BenchmarkResult result =
            ai::run_benchmark(plan_for(server, ai::ProviderType::ollama, ai::Operation::chat, 1));
        REQUIRE(result.first_error.count("http_status") == 1);
        CHECK(result.first_error["http_status"].find("not found") != std::string::npos);
    }
}

TEST_CASE("ai::run_benchmark refuses what cannot be sent") {
    MockLlm server({});
    ai::BenchmarkPlan plan = plan_for(server, ai::ProviderType::tgi, ai::Operation::embed, 1);
    CHECK_THROWS_AS(ai::run_benchmark(plan), UsageError);
    plan = plan_for(server, ai::ProviderType::openai, ai::Operation::chat, 1);
    plan.workload.reset();
    CHECK_THROWS_AS(ai::run_benchmark(plan), UsageError);
}

TEST_CASE("ai::verdict_for") {
    CHECK(ai::verdict_for(400, 5000, 500) == "fast");
    CHECK(ai::verdict_for(500, 5000, 500) == "fast");
    CHECK(ai::verdict_for(501, 5000, 500) == "ok");
    CHECK(ai::verdict_for(5000, 5000, 500) == "ok");
    CHECK(ai::verdict_for(5001, 5000, 500) == "slow");
}

namespace {

// A result of `ok` successful and `failed` failed requests (the failed ones first, so that
// the first record of the run is a failure, as it was when reports showed "0 failed").
ai::BenchmarkResult result_of(std::size_t ok, std::size_t failed) {
    ai::BenchmarkResult result;
    for (std::size_t i = 0; i < ok + failed; ++i) {
        measure::IterationRecord record;
        record.index = int(i);
        bool fails = i < failed;
        record.exit_code = fails ? 1 : 0;
        record.metrics.push_back({"failed", "count", fails ? 1.0 : 0.0});
        if (!fails) {
            record.metrics.push_back({"e2e_ms", "ms", 100});
        }
        result.requests.append(record);
    }
    if (failed > 0) {
        result.errors_by_class["http_status"] = failed;
    }
    return result;
}

} // namespace

TEST_CASE("ai::summarize_benchmark: error_rate is failed / sent, never a median of flags") {
    // 8 of 40 failed: the median of the 0/1 flags is 0, the rate is 0.2.
    ai::BenchmarkSummary s = ai::summarize_benchmark(result_of(32, 8));
    REQUIRE(s.error_rate);
    CHECK(*s.error_rate == doctest::Approx(0.2));
    // Half of them: the median of the flags would say 0.5 or 0 depending on the order.
    s = ai::summarize_benchmark(result_of(5, 5));
    CHECK(*s.error_rate == doctest::Approx(0.5));
    s = ai::summarize_benchmark(result_of(3, 0));
    CHECK(*s.error_rate == 0);
    CHECK_FALSE(ai::summarize_benchmark(result_of(0, 0)).error_rate);
}

TEST_CASE("ai::verdict_for a summary: failing above the error-rate line, whatever the latency") {
    ai::BenchmarkSummary fast = ai::summarize_benchmark(result_of(32, 8)); // e2e 100 ms
    CHECK(ai::verdict_for(fast, 5000, 500, 0.05) == "failing");
    CHECK(ai::verdict_for(fast, 5000, 500, 0.2) == "fast"); // at the line is not above it
    CHECK(ai::verdict_for(ai::summarize_benchmark(result_of(0, 4)), 5000, 500, 0.05) == "failing");
    CHECK(ai::verdict_for(ai::summarize_benchmark(result_of(0, 0)), 5000, 500, 0.05).empty());
    CHECK(ai::verdict_for(ai::summarize_benchmark(result_of(99, 1)), 5000, 500, 0.05) == "fast");
}

TEST_CASE("ai::metric_stats") {
    CHECK_FALSE(ai::metric_stats({}));
    std::vector<double> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    std::optional<ai::MetricStats> s = ai::metric_stats(values);
    REQUIRE(s);
    CHECK(s->median == 5.5);
    CHECK(s->p90 == doctest::Approx(9.1));
    CHECK(s->p99 == doctest::Approx(9.91));
    CHECK(s->mean == 5.5);
}

TEST_CASE("ai::probe_servers") {
    MockLlm server({"--model", "llama3.1"});
    std::vector<ai::ProbeResult> found =
        ai::probe_servers({{"mock ollama", ai::ProviderType::ollama, server.url("")},
                           {"mock openai", ai::ProviderType::openai, server.url("")},
                           {"nobody", ai::ProviderType::openai, "http://127.0.0.1:9"}});
    REQUIRE(found.size() == 3);
    CHECK(found[0].found);
    CHECK(found[0].models == std::vector<std::string>{"llama3.1"});
    CHECK(found[1].found);
    CHECK(found[1].models == std::vector<std::string>{"llama3.1"});
    CHECK_FALSE(found[2].found);
    CHECK(found[2].problem.find("127.0.0.1:9") != std::string::npos);
}

TEST_CASE("ai::summarize_benchmark: totals, total token throughput and the percentiles asked for") {
    ai::BenchmarkResult result;
    for (int i = 0; i < 5; ++i) {
        measure::IterationRecord record;
        record.index = i;
        record.metrics = {{"failed", "count", 0},
                          {"e2e_ms", "ms", 100.0 * (i + 1)},
                          {"input_tokens", "count", 10},
                          {"output_tokens", "count", 20}};
        result.requests.append(record);
    }
    result.wall_s = 2;
    ai::BenchmarkSummary s = ai::summarize_benchmark(result, {50, 99.9});
    CHECK(s.total_input_tokens == 50);
    CHECK(s.total_output_tokens == 100);
    CHECK(s.output_token_throughput == 50);
    CHECK(s.total_token_throughput == 75);
    REQUIRE(s.percentiles.count("e2e_ms") == 1);
    const auto& e2e = s.percentiles["e2e_ms"];
    REQUIRE(e2e.size() == 2);
    CHECK(e2e[0] == std::pair<double, double>{50, 300});
    CHECK(e2e[1].second == doctest::Approx(499.6)); // linear between 400 and 500
    CHECK(s.percentiles.count("ttft_ms") == 0);     // no values, no percentiles
}

TEST_CASE("ai::parse_percentiles") {
    CHECK(ai::parse_percentiles("50,90,95,99") == std::vector<double>{50, 90, 95, 99});
    CHECK(ai::parse_percentiles("99, 50,99.9,50") == std::vector<double>{50, 99, 99.9});
    CHECK_THROWS_AS(ai::parse_percentiles("0,50"), UsageError);
    CHECK_THROWS_AS(ai::parse_percentiles("101"), UsageError);
    CHECK_THROWS_AS(ai::parse_percentiles("50,"), UsageError);
    CHECK_THROWS_AS(ai::parse_percentiles("p50"), UsageError);
}
