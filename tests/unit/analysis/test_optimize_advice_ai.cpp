#include "farm/analysis/optimize_advice.hpp"

#include "analysis/optimize_advice_history.hpp"

#include <doctest/doctest.h>

using namespace farm::analysis;
using namespace farm::test;
using farm::history::Run;
using farm::history::Store;

namespace {

std::vector<Recommendation> advise(Store& store, const AdviceWindow& window = {}) {
    return advise_ai_from_history(store, {}, window);
}

std::map<std::string, std::string> context(const std::string& provider_type, bool stream,
                                           const std::string& base_url = "") {
    std::map<std::string, std::string> project = {
        {"provider_type", provider_type},
        {"stream", stream ? "true" : "false"},
        {"token_source", "server"},
        {"gpu", "not available"},
    };
    if (!base_url.empty()) {
        project["base_url"] = base_url;
    }
    return project;
}

// A run of `subject` whose requests took about `e2e_ms`, with `extra` metrics beside.
std::int64_t record_ai(Store& store, const std::string& subject, double e2e_ms, int minute = 0,
                       Metrics extra = {}, bool stream = true, const std::string& base_url = "") {
    std::size_t n = extra.empty() ? 8 : extra.front().second.size();
    extra.insert(extra.begin(), {"e2e_ms", around(e2e_ms, n, 1)});
    std::string provider = subject.substr(0, subject.find('/'));
    return store.record(
        make_run("ai", subject, minute, extra, context(provider, stream, base_url)));
}

} // namespace

TEST_CASE("analysis::advise_ai_from_history ai_slow_response") {
    Store store(fresh_history("ai-slow"), Store::Mode::create);
    std::int64_t slow = record_ai(store, "ollama/llama3.1/chat_stream", 6200);
    record_ai(store, "ollama/qwen2.5/chat_stream", 1200);
    record_ai(store, "ollama/phi3/chat_stream", 400);         // under ollama's fast line
    record_ai(store, "openai/gpt-4o-mini/chat_stream", 6200); // openai's slow line is 10 s
    record_ai(store, "tgi/mistral/generate_stream", 1000);    // under tgi's 1500 ms

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "ollama/phi3/chat_stream").empty());
    CHECK(rules_for(advice, "tgi/mistral/generate_stream").empty());
    REQUIRE(advice.size() == 3);
    CHECK(advice[0].subject == "ollama/llama3.1/chat_stream");
    CHECK(advice[0].rule == "ai_slow_response");
    CHECK(advice[0].priority == Priority::high);
    CHECK(advice[0].area == "ai");
    CHECK(has(advice[0].finding, "median e2e 6200 ms over 8 requests, over ollama's slow line "
                                 "of 5000 ms"));
    CHECK(has(advice[0].action, "ollama ps"));
    CHECK(advice[0].evidence_runs == std::vector<std::int64_t>{slow});
    CHECK(advice[1].priority == Priority::low);
    CHECK(advice[2].priority == Priority::low);
    CHECK(has(find_rule(advice, "ai_slow_response")->finding, "6200"));

    SUBCASE("thresholds come from the settings") {
        AiAdviceSettings settings;
        settings.thresholds["ollama"] = {10000, 2000};
        std::vector<Recommendation> relaxed = advise_ai_from_history(store, {}, {}, settings);
        CHECK(rules_for(relaxed, "ollama/qwen2.5/chat_stream").empty());
        REQUIRE(rules_for(relaxed, "ollama/llama3.1/chat_stream").size() == 1);
        CHECK(relaxed[0].priority == Priority::low);
    }
}

TEST_CASE("analysis::advise_ai_from_history reads the newest run and successful requests") {
    Store store(fresh_history("ai-newest"), Store::Mode::create);
    record_ai(store, "ollama/llama3.1/chat_stream", 9000, 0);
    record_ai(store, "ollama/llama3.1/chat_stream", 300, 1);
    // Failed requests (a timeout after 60 s) are not response times.
    store.record(
        make_run("ai", "ollama/phi3/chat_stream", 0,
                 {{"e2e_ms", {60000, 60000, 60000, 300, 310}}, {"failed", {1, 1, 1, 0, 0}}},
                 context("ollama", true)));
    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "ollama/llama3.1/chat_stream").empty());
    // The failures are advised on by class, never as slow responses.
    CHECK(rules_for(advice, "ollama/phi3/chat_stream") ==
          std::vector<std::string>{"ai_request_errors"});
    AdviceWindow window;
    window.since = minutes_after_start(1);
    CHECK(history_has_runs(store, ai_advice_kinds(), window));
    window.since = minutes_after_start(2);
    CHECK_FALSE(history_has_runs(store, ai_advice_kinds(), window));
    CHECK_FALSE(history_has_runs(store, build_advice_kinds(), {}));
}

TEST_CASE("analysis::advise_ai_from_history ai_low_gpu_util and ai_high_gpu_memory") {
    Store store(fresh_history("ai-gpu"), Store::Mode::create);
    Metrics starved = {{"gpu_util_pct", around(20, 6, 2)},
                       {"gpu_memory_used_bytes", repeat(7.6e9, 6)},
                       {"gpu_memory_total_bytes", repeat(8e9, 6)}};
    Metrics busy = {{"gpu_util_pct", around(90, 6, 2)},
                    {"gpu_memory_used_bytes", repeat(4e9, 6)},
                    {"gpu_memory_total_bytes", repeat(8e9, 6)}};
    record_ai(store, "ollama/llama3.1/chat_stream", 300, 0, starved);
    record_ai(store, "ollama/phi3/chat_stream", 300, 0, busy);
    // This machine's GPU says nothing about a remote API's servers.
    record_ai(store, "openai/gpt-4o-mini/chat_stream", 300, 0, starved, true,
              "https://api.openai.com/v1");

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "ollama/phi3/chat_stream").empty());
    CHECK(rules_for(advice, "openai/gpt-4o-mini/chat_stream").empty());
    CHECK(rules_for(advice, "ollama/llama3.1/chat_stream") ==
          std::vector<std::string>{"ai_low_gpu_util", "ai_high_gpu_memory"});
    const Recommendation* util = find_rule(advice, "ai_low_gpu_util");
    CHECK(util->priority == Priority::medium);
    CHECK(has(util->finding, "median GPU utilisation 20% over 6 requests, under 40%"));
    const Recommendation* memory = find_rule(advice, "ai_high_gpu_memory");
    CHECK(has(memory->finding, "95% of the total"));

    SUBCASE("an OpenAI-compatible server on this machine is measured") {
        Store local(fresh_history("ai-gpu-local"), Store::Mode::create);
        record_ai(local, "openai/qwen2.5/chat_stream", 300, 0, starved, true,
                  "http://127.0.0.1:8000/v1");
        CHECK(advise(local).size() == 2);
    }
}

TEST_CASE("analysis::advise_ai_from_history ai_no_streaming") {
    Store store(fresh_history("ai-stream"), Store::Mode::create);
    record_ai(store, "openai/gpt-4o-mini/chat", 2500, 0, {}, false);
    record_ai(store, "openai/gpt-4o/chat_stream", 2500, 0, {}, true);
    record_ai(store, "openai/gpt-4o-nano/chat", 600, 0, {}, false); // quick enough as it is
    record_ai(store, "openai/text-embedding-3-small/embed", 2500, 0, {}, false);

    std::vector<Recommendation> advice = advise(store);
    std::vector<std::string> subjects;
    for (const Recommendation& r : advice) {
        if (r.rule == "ai_no_streaming") {
            subjects.push_back(r.subject);
        }
    }
    REQUIRE(subjects == std::vector<std::string>{"openai/gpt-4o-mini/chat"});
    const Recommendation* r = find_rule(advice, "ai_no_streaming");
    CHECK(r->priority == Priority::medium);
    CHECK(has(r->finding, "2500 ms (8 requests)"));
    CHECK(has(r->action, "chat_stream"));
}

TEST_CASE("analysis::advise_ai_from_history ai_cold_load") {
    Store store(fresh_history("ai-cold"), Store::Mode::create);
    record_ai(store, "ollama/llama3.1/chat_stream", 300, 0,
              {{"server_load_ms", {3200, 5, 4, 2900, 6, 5}}});
    record_ai(store, "ollama/qwen2.5/chat_stream", 300, 0,
              {{"server_load_ms", {5, 4, 1800, 6, 5, 4}}});
    record_ai(store, "ollama/phi3/chat_stream", 300, 0, {{"server_load_ms", {5, 4, 7, 6, 5, 4}}});

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "ollama/phi3/chat_stream").empty());
    REQUIRE(advice.size() == 2);
    CHECK(advice[0].subject == "ollama/llama3.1/chat_stream");
    CHECK(advice[0].priority == Priority::high);
    CHECK(has(advice[0].finding, "2 of 6 requests waited for the model to load (load_duration "
                                 "up to 3200 ms, over 1000 ms)"));
    CHECK(has(advice[0].action, "keep_alive"));
    CHECK(advice[1].subject == "ollama/qwen2.5/chat_stream");
    CHECK(advice[1].priority == Priority::medium);
}

TEST_CASE("analysis::advise_ai_from_history ai_repeated_prompts") {
    Store store(fresh_history("ai-repeat"), Store::Mode::create);
    Metrics cycling = {{"prompt_index", {0, 1, 2, 0, 1, 2, 0, 1, 2}}};
    // Repeats as slow as first answers: nothing caches them.
    store.record(
        make_run("ai", "ollama/llama3.1/chat_stream", 0,
                 {{"e2e_ms", around(400, 9, 1)}, {"prompt_index", {0, 1, 2, 0, 1, 2, 0, 1, 2}}},
                 context("ollama", true)));
    // Repeats answered at once: a cache is at work.
    store.record(make_run("ai", "ollama/qwen2.5/chat_stream", 0,
                          {{"e2e_ms", {400, 410, 420, 20, 21, 22, 20, 21, 22}}, cycling.front()},
                          context("ollama", true)));
    // Every prompt different: nothing to cache.
    store.record(make_run("ai", "ollama/phi3/chat_stream", 0,
                          {{"e2e_ms", around(400, 6, 1)}, {"prompt_index", {0, 1, 2, 3, 4, 5}}},
                          context("ollama", true)));

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "ollama/qwen2.5/chat_stream").empty());
    CHECK(rules_for(advice, "ollama/phi3/chat_stream").empty());
    REQUIRE(advice.size() == 1);
    CHECK(advice[0].rule == "ai_repeated_prompts");
    CHECK(advice[0].priority == Priority::low);
    CHECK(has(advice[0].finding, "6 of 9 requests repeated one of 3 prompts"));
    CHECK(has(advice[0].action, "Cache answers"));
}

TEST_CASE("analysis::advise_ai_from_history advises on failed requests by error class") {
    Store store(fresh_history("ai-errors"), Store::Mode::create);
    // 40 requests, 8 refused with HTTP 429: error rate 0.2, over the 0.05 line.
    std::vector<double> flags(40, 0);
    for (std::size_t i = 0; i < 40; i += 5) {
        flags[i] = 1;
    }
    std::map<std::string, std::string> limited = context("openai", true);
    limited["errors.http_status"] = "8";
    limited["errors.http_429"] = "8";
    std::int64_t run =
        store.record(make_run("ai", "openai/m/chat_stream", 0,
                              {{"e2e_ms", repeat(100, 40)}, {"failed", flags}}, limited));
    // 2 of 50: HTTP 503 once, a timeout once; error rate 0.04, under the line.
    std::vector<double> few(50, 0);
    few[0] = few[1] = 1;
    std::map<std::string, std::string> mixed = context("ollama", true);
    mixed["errors.http_status"] = "1";
    mixed["errors.http_503"] = "1";
    mixed["errors.timeout"] = "1";
    store.record(make_run("ai", "ollama/m/chat_stream", 0,
                          {{"e2e_ms", repeat(100, 50)}, {"failed", few}}, mixed));

    std::vector<Recommendation> advice = advise(store);
    CHECK(rules_for(advice, "openai/m/chat_stream") == std::vector<std::string>{"ai_rate_limited"});
    const Recommendation* rate_limited = find_rule(advice, "ai_rate_limited");
    REQUIRE(rate_limited);
    CHECK(rate_limited->priority == Priority::high);
    CHECK(has(rate_limited->finding, "8 were refused with HTTP 429 (rate limit) of 40 requests "
                                     "(error rate 0.200, over the line of 0.050)"));
    CHECK(has(rate_limited->action, "Retry-After"));
    CHECK(has(rate_limited->action, "backoff"));
    CHECK(rate_limited->evidence_runs == std::vector<std::int64_t>{run});
    CHECK(rules_for(advice, "ollama/m/chat_stream") ==
          std::vector<std::string>{"ai_server_errors", "ai_timeouts"});
    CHECK(find_rule(advice, "ai_server_errors")->priority == Priority::medium);
    CHECK(has(find_rule(advice, "ai_server_errors")->action, "server's log"));
    CHECK(has(find_rule(advice, "ai_timeouts")->finding, "1 timed out of 50 requests"));

    SUBCASE("the line comes from the settings") {
        AiAdviceSettings settings;
        settings.error_rate_max = 0.25;
        std::vector<Recommendation> relaxed = advise_ai_from_history(store, {}, {}, settings);
        CHECK(find_rule(relaxed, "ai_rate_limited")->priority == Priority::medium);
    }
}
