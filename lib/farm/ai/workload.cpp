// A request's randomness comes from its own engine, seeded from (seed, index, warm-up), so that
// request i is the same whichever order the load generator asks for requests in.
#include "farm/ai/workload.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>

namespace farm::ai {

namespace {

// Common English words of at most 6 letters, each one token with its leading space in the
// usual BPE vocabularies: 8 of them (56 bytes with their spaces) hold a 64-bit tag.
const std::vector<std::string> words = {
    "the",    "of",     "and",    "to",     "in",     "is",     "it",     "you",    "that",
    "he",     "was",    "for",    "on",     "are",    "with",   "as",     "his",    "they",
    "be",     "at",     "one",    "have",   "this",   "from",   "or",     "had",    "by",
    "not",    "but",    "what",   "some",   "we",     "can",    "out",    "other",  "were",
    "all",    "there",  "when",   "up",     "use",    "your",   "how",    "said",   "an",
    "each",   "she",    "which",  "do",     "their",  "time",   "if",     "will",   "way",
    "about",  "many",   "then",   "them",   "write",  "would",  "like",   "so",     "these",
    "her",    "long",   "make",   "thing",  "see",    "him",    "two",    "has",    "look",
    "more",   "day",    "could",  "go",     "come",   "did",    "number", "sound",  "no",
    "most",   "people", "my",     "over",   "know",   "water",  "than",   "call",   "first",
    "who",    "may",    "down",   "side",   "been",   "now",    "find",   "any",    "new",
    "work",   "part",   "take",   "get",    "place",  "made",   "live",   "where",  "after",
    "back",   "little", "only",   "round",  "man",    "year",   "came",   "show",   "every",
    "good",   "me",     "give",   "our",    "under",  "name",   "very",   "just",   "form",
    "great",  "think",  "say",    "help",   "low",    "line",   "differ", "turn",   "cause",
    "much",   "mean",   "before", "move",   "right",  "boy",    "old",    "too",    "same",
    "tell",   "does",   "set",    "three",  "want",   "air",    "well",   "also",   "play",
    "small",  "end",    "put",    "home",   "read",   "hand",   "port",   "large",  "spell",
    "add",    "even",   "land",   "here",   "must",   "big",    "high",   "such",   "follow",
    "act",    "why",    "ask",    "men",    "change", "went",   "light",  "kind",   "off",
    "need",   "house",  "try",    "us",     "again",  "animal", "point",  "mother", "world",
    "near",   "build",  "self",   "earth",  "father", "head",   "stand",  "own",    "page",
    "should", "found",  "answer", "school", "grow",   "study",  "still",  "learn",  "plant",
    "cover",  "food",   "sun",    "four",   "let",    "keep",   "eye",    "never",  "last",
    "door",   "city",   "tree",   "cross",  "since",  "hard",   "start",  "might",  "story",
    "saw",    "far",    "sea",    "draw",   "left",   "late",   "run",    "while",  "press",
    "close",  "night",  "real",   "life",   "few",    "stop",   "open",   "seem",   "next",
    "white",  "begin",  "got",    "walk",   "ease",   "paper",  "often",  "always", "music",
    "those",  "both",   "mark",   "book",
};

// Short questions after the tag, so that a default answer is about something.
constexpr std::array<const char*, 5> questions = {
    "Explain in three sentences why a lockfile makes installs reproducible.",
    "Write a haiku about a build that finally passes.",
    "List five ways to make a web page load faster, one line each.",
    "What is the difference between latency and throughput? Answer briefly.",
    "Summarise what a content delivery network does in two sentences.",
};

constexpr std::size_t tag_words = 8;
constexpr std::uint64_t warmup_stream = 0x9e3779b97f4a7c15ULL;

// SplitMix64's finalizer: a bijection of 64-bit numbers, so distinct inputs give distinct tags.
std::uint64_t mix(std::uint64_t value) {
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

std::uint64_t stream_base(std::uint64_t seed, bool warmup) {
    return mix(seed ^ (warmup ? warmup_stream : 0));
}

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t(device()) << 32) ^ device();
}

void append_words(std::string& text, std::size_t count, std::mt19937_64& random) {
    for (std::size_t i = 0; i < count; ++i) {
        if (!text.empty() && text.back() != ' ') {
            text += ' ';
        }
        text += words[random() & 0xff];
    }
}

// A name that reads well inside a subject: letters, digits, '.', '-' and '_' only.
std::string plain_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '-' || c == '_';
        out += plain ? c : '_';
    }
    return out;
}

std::string number_text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    std::string text = buffer;
    while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.')) {
        text.pop_back();
    }
    return text;
}

} // namespace

const std::vector<std::string>& prompt_words() {
    return words;
}

Workload::Workload(WorkloadSpec spec) : m_spec(std::move(spec)) {
    bool fixed = !m_spec.fixed_prompt.empty();
    if (fixed && m_spec.dataset) {
        throw UsageError("give one of --prompt and --dataset (or --prompts-file)");
    }
    if (m_spec.input_len && (fixed || m_spec.dataset)) {
        throw UsageError("--input-len sets the length of farm's own prompts: it does not go with " +
                         std::string(fixed ? "--prompt" : "--dataset or --prompts-file"));
    }
    if (m_spec.prefix_len > 0 && fixed) {
        throw UsageError("--prefix-len shares a prefix between different prompts: it does not go "
                         "with --prompt, which sends one prompt every time");
    }
    if (m_spec.dataset && m_spec.dataset->items.empty()) {
        throw UsageError("the dataset " + m_spec.dataset->name + " holds no prompt");
    }
    if (m_spec.temperature && (*m_spec.temperature < 0 || !std::isfinite(*m_spec.temperature))) {
        throw UsageError("--temperature must be 0 or more");
    }
    m_seed = m_spec.seed ? *m_spec.seed : random_seed();
    if (m_spec.prefix_len > 0) {
        std::mt19937_64 random(mix(m_seed ^ 0x5eed5eed5eed5eedULL));
        append_words(m_prefix, m_spec.prefix_len, random);
        m_prefix += ' ';
    }
}

std::string Workload::synthetic_prompt(std::size_t index, bool warmup,
                                       std::size_t& question) const {
    std::uint64_t tag = mix(stream_base(m_seed, warmup) + index);
    std::string prompt = m_prefix;
    for (std::size_t i = 0; i < tag_words; ++i) {
        prompt += words[(tag >> (8 * i)) & 0xff];
        prompt += i + 1 < tag_words ? " " : "";
    }
    question = std::size_t(tag % questions.size());
    return prompt;
}

WorkloadRequest Workload::from_dataset(std::size_t index, bool warmup) const {
    const std::vector<DatasetItem>& items = m_spec.dataset->items;
    std::size_t at = warmup ? items.size() - 1 - index % items.size() : index % items.size();
    WorkloadRequest request;
    request.prompt_index = at;
    request.prompt = m_prefix + items[at].prompt;
    request.messages = items[at].messages;
    if (!m_prefix.empty() && !request.messages.empty()) {
        request.messages.front().content = m_prefix + request.messages.front().content;
    }
    return request;
}

WorkloadRequest Workload::request(std::size_t index, bool warmup) const {
    // Seeded only when a length is drawn: seeding the engine (312 words) cost as much as building
    // the rest of a default request.
    std::optional<std::mt19937_64> engine;
    auto random = [&]() -> std::mt19937_64& {
        if (!engine) {
            engine.emplace(mix(stream_base(m_seed, warmup) ^ mix(index + 1)));
        }
        return *engine;
    };
    WorkloadRequest request;
    if (!m_spec.fixed_prompt.empty()) {
        request.prompt = m_spec.fixed_prompt;
    } else if (m_spec.dataset) {
        request = from_dataset(index, warmup);
    } else {
        std::size_t question = 0;
        request.prompt = synthetic_prompt(index, warmup, question);
        if (m_spec.input_len) {
            std::size_t length = std::size_t(m_spec.input_len->draw(random()));
            std::size_t used = m_spec.prefix_len + tag_words;
            append_words(request.prompt, length > used ? length - used : 0, random());
        } else {
            request.prompt += ": ";
            request.prompt += questions[question];
        }
        // Each prompt is asked once: the same index would tell optimize:ai of a repeat.
        request.prompt_index = index;
    }
    if (m_spec.output_len) {
        request.output_tokens = m_spec.output_len->draw(random());
    }
    request.max_tokens = m_spec.max_tokens;
    request.temperature = m_spec.temperature;
    return request;
}

std::string Workload::label() const {
    std::vector<std::string> parts;
    if (m_spec.dataset) {
        parts.push_back("data=" + plain_name(m_spec.dataset->name) + "#" + m_spec.dataset->hash);
    } else if (!m_spec.fixed_prompt.empty()) {
        parts.push_back("prompt=#" + core::fnv1a64_hex(m_spec.fixed_prompt));
    }
    if (m_spec.input_len) {
        parts.push_back("in=" + to_string(*m_spec.input_len));
    }
    if (m_spec.output_len) {
        parts.push_back("out=" + to_string(*m_spec.output_len));
    } else if (m_spec.max_tokens) {
        parts.push_back("max=" + std::to_string(*m_spec.max_tokens));
    }
    if (m_spec.prefix_len > 0) {
        parts.push_back("prefix=" + std::to_string(m_spec.prefix_len));
    }
    if (m_spec.seed) {
        parts.push_back("seed=" + std::to_string(*m_spec.seed));
    }
    if (m_spec.temperature) {
        parts.push_back("temp=" + number_text(*m_spec.temperature));
    }
    std::string label;
    for (const std::string& part : parts) {
        label += (label.empty() ? "" : ",") + part;
    }
    return label;
}

std::map<std::string, std::string> Workload::facts() const {
    std::map<std::string, std::string> facts;
    facts["prompts"] = m_spec.dataset                 ? "dataset"
                       : !m_spec.fixed_prompt.empty() ? "fixed"
                                                      : "unique";
    if (m_spec.input_len) {
        facts["input_len"] = to_string(*m_spec.input_len);
    }
    if (m_spec.output_len) {
        facts["output_len"] = to_string(*m_spec.output_len);
    }
    if (m_spec.max_tokens) {
        facts["max_tokens"] = std::to_string(*m_spec.max_tokens);
    }
    facts["prefix_len"] = std::to_string(m_spec.prefix_len);
    facts["seed"] = std::to_string(m_seed);
    facts["seed_given"] = m_spec.seed ? "true" : "false";
    if (m_spec.temperature) {
        facts["temperature"] = number_text(*m_spec.temperature);
    }
    if (m_spec.dataset) {
        facts["dataset"] = m_spec.dataset->name;
        facts["dataset_format"] = m_spec.dataset->format;
        facts["dataset_hash"] = m_spec.dataset->hash;
        facts["dataset_items"] = std::to_string(m_spec.dataset->items.size());
    }
    facts["label"] = label();
    return facts;
}

std::string Workload::describe() const {
    std::string text = m_spec.dataset ? "the " + std::to_string(m_spec.dataset->items.size()) +
                                            " prompts of " + m_spec.dataset->name + " in turn"
                       : !m_spec.fixed_prompt.empty() ? std::string("one prompt every time")
                                                      : std::string("unique prompts");
    if (m_spec.input_len) {
        text += " of about " + to_string(*m_spec.input_len) + " tokens";
    }
    if (m_spec.prefix_len > 0) {
        text += ", a shared prefix of " + std::to_string(m_spec.prefix_len) + " tokens";
    }
    if (m_spec.output_len) {
        text += ", answers of " + to_string(*m_spec.output_len) + " tokens";
    } else if (m_spec.max_tokens) {
        text += ", answers of at most " + std::to_string(*m_spec.max_tokens) + " tokens";
    }
    if (m_spec.temperature) {
        text += ", temperature " + number_text(*m_spec.temperature);
    }
    return text + ", seed " + std::to_string(m_seed) + (m_spec.seed ? "" : " (drawn)");
}

} // namespace farm::ai
