// What a benchmark asks the server: each request's prompt (or chat messages) and answer length.
// A workload is meant to measure the server, not its prefix cache:
//
// - By default every request gets a prompt of its own: a tag of 8 random words (a 64-bit number
//   unique to the request, so no two prompts share their first 64 bytes and no prefix cache can
//   serve any part of one) before one of a few short questions. The seed is drawn afresh for
//   each session, so a second run does not repeat the first's prompts either; --seed fixes it.
//   (The levels of a sweep ask for requests further on: BenchmarkPlan::first_request.)
// - --input-len draws a prompt length per request (a number or a LengthDistribution) and fills
//   the prompt with random common English words after the tag. Without a tokenizer, farm counts
//   one word as one token: each word of its list is a single token (with its leading space) in
//   the GPT-2, cl100k and Llama 3 vocabularies. vLLM's random dataset and AIPerf's synthetic
//   prompts draw token ids and decode them with the model's tokenizer; farm's lengths are
//   "about N" where theirs are exact, and a chat template adds its own tokens to either.
// - --output-len draws an answer length per request (RequestSpec::output_tokens).
// - --prefix-len N puts the same N words in front of every prompt, on purpose (a system prompt
//   a prefix cache should serve).
// - --prompt sends one text every time; --dataset / --prompts-file send a file's prompts in turn
//   (measured request i gets item i; warm-ups take theirs from the end of the file).
//
// Guarantees: request(i, warmup) depends only on the spec, the seed and (i, warmup), never on
// the order requests are made in; the same seed gives the same prompts on every machine.
// label() is the workload's identity: two runs with the same label asked the same kind of
// questions, so their numbers may be pooled; facts() is what the history keeps of it.
#pragma once

#include "farm/ai/dataset.hpp"
#include "farm/ai/length_distribution.hpp"
#include "farm/ai/provider_request.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace farm::ai {

struct WorkloadSpec {
    std::optional<LengthDistribution> input_len;
    std::optional<LengthDistribution> output_len;
    std::optional<int> max_tokens;     // a cap on every answer (ignored where output_len is given)
    std::size_t prefix_len = 0;        // words shared by every prompt
    std::optional<std::uint64_t> seed; // nullopt: a random one
    std::optional<double> temperature;
    std::string fixed_prompt;               // --prompt: every request sends it
    std::shared_ptr<const Dataset> dataset; // --dataset / --prompts-file
};

// What request i sends.
struct WorkloadRequest {
    std::string prompt; // when messages is empty
    std::vector<ChatMessage> messages;
    std::optional<int> output_tokens;
    std::optional<int> max_tokens;
    std::optional<double> temperature;
    // The dataset item it came from; for unique prompts the request's own index (each is asked
    // once), so that equal indexes mean a prompt asked again (optimize:ai's repeated prompts).
    std::size_t prompt_index = 0;
};

// The words synthetic prompts are made of (256 of them, each at most 6 letters).
const std::vector<std::string>& prompt_words();

class Workload {
  public:
    // Throws farm::UsageError for an impossible combination (a fixed prompt with a length or a
    // dataset, a dataset with --input-len, a prefix with a fixed prompt, a negative temperature).
    explicit Workload(WorkloadSpec spec);

    WorkloadRequest request(std::size_t index, bool warmup) const;

    std::uint64_t seed() const { return m_seed; }
    const WorkloadSpec& spec() const { return m_spec; }

    // The workload's identity: "" for the default (unique short prompts, server's answer
    // length, random seed), else its non-default parts joined by commas, e.g.
    // "in=uniform:128:512,out=256,prefix=64,seed=7" or "data=chat.jsonl#1f0c...". The seed
    // is part of it only when it was given: a drawn seed is "fresh prompts every run".
    std::string label() const;
    // What the history keeps, key -> value: prompts (unique | fixed | dataset), input_len,
    // output_len, max_tokens, prefix_len, seed (always), seed_given, temperature, dataset,
    // dataset_format, dataset_hash, dataset_items, label.
    std::map<std::string, std::string> facts() const;
    // One line for the terminal: "unique prompts of about uniform:128:512 tokens, answers of 256
    // tokens, seed 7".
    std::string describe() const;

  private:
    // The prefix and the request's tag; `question` is the built-in question it goes with.
    std::string synthetic_prompt(std::size_t index, bool warmup, std::size_t& question) const;
    WorkloadRequest from_dataset(std::size_t index, bool warmup) const;

    WorkloadSpec m_spec;
    std::uint64_t m_seed = 0;
    std::string m_prefix; // prefix_len words and a space, or empty
};

} // namespace farm::ai
