// A file of prompts to send (`--dataset`, `--prompts-file`), in one of the forms the serving
// benchmarks read:
//   - JSON Lines: one object per line, {"prompt": "..."} or {"messages": [{"role": "user",
//     "content": "..."}, ...]} (AIPerf's single-turn and vLLM's custom datasets);
//   - a ShareGPT JSON array: [{"conversations": [{"from": "human", "value": "..."},
//     {"from": "gpt", "value": "..."}]}, ...]; as `vllm bench serve --dataset-name sharegpt`,
//     the first turn is the prompt and conversations of fewer than two turns are left out;
//   - plain text: one prompt per line.
// The form is told by the first character that is not white space: '[' ShareGPT, '{' JSON
// Lines, anything else plain text.
//
// Guarantees: the file is read with core::read_input_file (a regular file of at most
// core::max_input_file_bytes) and parsed with core's depth-guarded JSON helpers; every bad entry
// is refused with "FILE:LINE:COLUMN: what is wrong", nothing is sent from a file with one.
#pragma once

#include "farm/ai/provider_request.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace farm::ai {

// One prompt of a dataset: a text, or the messages of a chat when `messages` is not empty.
struct DatasetItem {
    std::string prompt;
    std::vector<ChatMessage> messages;
};

struct Dataset {
    std::string name;   // the file's name, without its folder
    std::string format; // "jsonl", "sharegpt" or "text"
    std::string hash;   // FNV-1a 64 of the file's bytes: the same file is the same workload
    std::vector<DatasetItem> items;
    std::size_t left_out = 0; // ShareGPT conversations of fewer than two turns
};

// Throws farm::UsageError for an unreadable file, a bad entry (located) or a file with no prompt.
// `what` names the file's kind in messages ("dataset", "prompts file").
Dataset load_dataset(const std::filesystem::path& file, std::string_view what = "dataset");

} // namespace farm::ai
