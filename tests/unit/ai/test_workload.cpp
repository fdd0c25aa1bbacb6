#include "farm/ai/workload.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>

using namespace farm::ai;

namespace {

std::size_t word_count(const std::string& text) {
    std::istringstream in(text);
    std::string word;
    std::size_t words = 0;
    while (in >> word) {
        ++words;
    }
    return words;
}

WorkloadSpec seeded(std::uint64_t seed) {
    WorkloadSpec spec;
    spec.seed = seed;
    return spec;
}

} // namespace

TEST_CASE("ai::Workload: no two default prompts share their first 64 bytes") {
    Workload workload(seeded(3));
    std::set<std::string> heads;
    for (std::size_t i = 0; i < 20000; ++i) {
        std::string prompt = workload.request(i, false).prompt;
        REQUIRE(prompt.size() > 64);
        heads.insert(prompt.substr(0, 64));
    }
    for (std::size_t i = 0; i < 100; ++i) {
        heads.insert(workload.request(i, true).prompt.substr(0, 64));
    }
    CHECK(heads.size() == 20100); // warm-ups prime nothing the measured requests send
}

TEST_CASE("ai::Workload: request i depends on the seed and i alone") {
    WorkloadSpec spec = seeded(11);
    spec.input_len = parse_length_distribution("uniform:20:40", "x");
    spec.prefix_len = 4;
    spec.output_len = parse_length_distribution("normal:100:10", "x");
    Workload one(spec);
    Workload two(spec);
    for (std::size_t i : {5u, 0u, 3u, 5u}) {
        WorkloadRequest a = one.request(i, false);
        WorkloadRequest b = two.request(i, false);
        CHECK(a.prompt == b.prompt);
        CHECK(a.output_tokens == b.output_tokens);
    }
    CHECK(Workload(seeded(12)).request(0, false).prompt != one.request(0, false).prompt);
    // A drawn seed differs from run to run: a second run does not repeat the first's prompts.
    CHECK(Workload(WorkloadSpec{}).seed() != Workload(WorkloadSpec{}).seed());
}

TEST_CASE("ai::Workload: --input-len counts words, --prefix-len shares them") {
    WorkloadSpec spec = seeded(5);
    spec.input_len = parse_length_distribution("300", "x");
    Workload fixed(spec);
    for (std::size_t i = 0; i < 10; ++i) {
        CHECK(word_count(fixed.request(i, false).prompt) == 300);
    }
    spec.input_len = parse_length_distribution("uniform:50:60", "x");
    spec.prefix_len = 32;
    Workload prefixed(spec);
    std::set<std::size_t> lengths;
    std::string shared = prefixed.request(0, false).prompt;
    for (std::size_t i = 0; i < 200; ++i) {
        std::string prompt = prefixed.request(i, false).prompt;
        std::size_t words = word_count(prompt);
        CHECK(words >= 50);
        CHECK(words <= 60);
        lengths.insert(words);
        // The first 32 words are every prompt's; the tag after them is each one's own.
        std::size_t end = 0;
        for (int w = 0; w < 32; ++w) {
            end = prompt.find(' ', end) + 1;
        }
        CHECK(prompt.substr(0, end) == shared.substr(0, end));
        if (i > 0) {
            CHECK(prompt.substr(end, 56) != shared.substr(end, 56));
        }
    }
    CHECK(lengths.size() == 11);
    for (const std::string& word : prompt_words()) {
        CHECK(word.size() <= 6);
    }
    CHECK(std::set<std::string>(prompt_words().begin(), prompt_words().end()).size() == 256);
}

TEST_CASE("ai::Workload: output lengths, caps and the temperature reach each request") {
    WorkloadSpec spec = seeded(9);
    spec.output_len = parse_length_distribution("uniform:64:128", "x");
    spec.temperature = 0.5;
    Workload workload(spec);
    for (std::size_t i = 0; i < 50; ++i) {
        WorkloadRequest r = workload.request(i, false);
        REQUIRE(r.output_tokens);
        CHECK(*r.output_tokens >= 64);
        CHECK(*r.output_tokens <= 128);
        CHECK(r.temperature == 0.5);
    }
    WorkloadSpec capped = seeded(9);
    capped.max_tokens = 16;
    CHECK(Workload(capped).request(0, false).max_tokens == 16);
    CHECK(!Workload(capped).request(0, false).output_tokens);
}

TEST_CASE("ai::Workload: a dataset in turn, warm-ups from its end, a prefix in front") {
    auto dataset = std::make_shared<Dataset>();
    dataset->name = "chat.jsonl";
    dataset->hash = "00000000000000ab";
    dataset->items = {{"one", {}}, {"", {{"system", "be brief"}, {"user", "two"}}}, {"three", {}}};
    WorkloadSpec spec = seeded(1);
    spec.dataset = dataset;
    Workload workload(spec);
    CHECK(workload.request(0, false).prompt == "one");
    CHECK(workload.request(1, false).messages.size() == 2);
    CHECK(workload.request(4, false).prompt_index == 1);
    CHECK(workload.request(0, true).prompt == "three");
    spec.prefix_len = 4;
    Workload prefixed(spec);
    std::string first = prefixed.request(0, false).prompt;
    CHECK(word_count(first) == 5);
    CHECK(first.ends_with(" one"));
    CHECK(prefixed.request(1, false).messages.front().content.ends_with(" be brief"));
}

TEST_CASE("ai::Workload: the label is the identity, the facts keep everything") {
    CHECK(Workload(WorkloadSpec{}).label().empty());
    WorkloadSpec spec = seeded(7);
    spec.input_len = parse_length_distribution("uniform:128:512", "x");
    spec.output_len = parse_length_distribution("256", "x");
    spec.prefix_len = 64;
    spec.temperature = 0.7;
    Workload workload(spec);
    CHECK(workload.label() == "in=uniform:128:512,out=256,prefix=64,seed=7,temp=0.7");
    std::map<std::string, std::string> facts = workload.facts();
    CHECK(facts["prompts"] == "unique");
    CHECK(facts["seed"] == "7");
    CHECK(facts["seed_given"] == "true");
    CHECK(facts["input_len"] == "uniform:128:512");
    CHECK(facts["label"] == workload.label());
    // A drawn seed is kept, not part of the identity.
    Workload fresh{WorkloadSpec{}};
    CHECK(fresh.facts()["seed"] == std::to_string(fresh.seed()));
    CHECK(fresh.facts()["seed_given"] == "false");

    auto dataset = std::make_shared<Dataset>();
    dataset->name = "my set.json";
    dataset->hash = "0123456789abcdef";
    dataset->items = {{"x", {}}};
    WorkloadSpec from_file;
    from_file.dataset = dataset;
    from_file.max_tokens = 32;
    CHECK(Workload(from_file).label() == "data=my_set.json#0123456789abcdef,max=32");
    WorkloadSpec fixed;
    fixed.fixed_prompt = "hi";
    CHECK(Workload(fixed).label().starts_with("prompt=#"));
}

TEST_CASE("ai::Workload refuses options that do not go together") {
    WorkloadSpec spec;
    spec.fixed_prompt = "hi";
    spec.input_len = parse_length_distribution("10", "x");
    CHECK_THROWS_AS(Workload{spec}, farm::UsageError);
    spec.input_len.reset();
    spec.prefix_len = 3;
    CHECK_THROWS_AS(Workload{spec}, farm::UsageError);
    spec.prefix_len = 0;
    spec.dataset = std::make_shared<Dataset>();
    CHECK_THROWS_AS(Workload{spec}, farm::UsageError);
    WorkloadSpec cold;
    cold.temperature = -1;
    CHECK_THROWS_AS(Workload{cold}, farm::UsageError);
}
