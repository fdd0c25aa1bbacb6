#include "farm/ai/dataset.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace farm;

namespace {

std::filesystem::path dataset_file(const std::string& name, const std::string& text) {
    std::filesystem::path file = test::fresh_folder("dataset", name) / name;
    test::write_file(file, text);
    return file;
}

// The message of load_dataset's refusal, with the file's folder taken out.
std::string refusal(const std::string& name, const std::string& text) {
    std::filesystem::path file = dataset_file(name, text);
    try {
        ai::load_dataset(file);
    } catch (const UsageError& e) {
        std::string message = e.what();
        std::string folder = file.parent_path().string() + "/";
        return message.starts_with(folder) ? message.substr(folder.size()) : message;
    }
    return "";
}

} // namespace

TEST_CASE("ai::load_dataset reads JSON Lines with prompts and messages") {
    std::filesystem::path file = dataset_file("chat.jsonl", R"({"prompt": "one"}

{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "two"}]}
{"prompt": "three", "output_tokens": 12}
)");
    ai::Dataset dataset = ai::load_dataset(file);
    CHECK(dataset.format == "jsonl");
    CHECK(dataset.name == "chat.jsonl");
    CHECK(dataset.hash.size() == 16);
    REQUIRE(dataset.items.size() == 3);
    CHECK(dataset.items[0].prompt == "one");
    REQUIRE(dataset.items[1].messages.size() == 2);
    CHECK(dataset.items[1].messages[1].role == "user");
    CHECK(dataset.items[1].messages[1].content == "two");
    CHECK(dataset.items[2].prompt == "three");
}

TEST_CASE("ai::load_dataset reads ShareGPT: the first turn, conversations of two turns or more") {
    std::filesystem::path file = dataset_file("sharegpt.json", R"([
  {"id": "a", "conversations": [{"from": "human", "value": "hello"},
                                {"from": "gpt", "value": "hi there"}]},
  {"id": "b", "conversations": [{"from": "human", "value": "alone"}]},
  {"id": "c", "conversations": [{"from": "human", "value": "why?"}, {"from": "gpt", "value": "."},
                                {"from": "human", "value": "ok"}]}
])");
    ai::Dataset dataset = ai::load_dataset(file);
    CHECK(dataset.format == "sharegpt");
    REQUIRE(dataset.items.size() == 2);
    CHECK(dataset.items[0].prompt == "hello");
    CHECK(dataset.items[1].prompt == "why?");
    CHECK(dataset.left_out == 1);
}

TEST_CASE("ai::load_dataset reads plain text, one prompt a line") {
    ai::Dataset dataset = ai::load_dataset(dataset_file("p.txt", "first\r\n\n  second \n"));
    CHECK(dataset.format == "text");
    REQUIRE(dataset.items.size() == 2);
    CHECK(dataset.items[0].prompt == "first");
    CHECK(dataset.items[1].prompt == "  second ");
}

TEST_CASE("ai::load_dataset locates a bad line at its line and column") {
    // The line ends where the string should have: the error is at the string's first letter.
    CHECK(refusal("bad.jsonl", "{\"prompt\": \"ok\"}\n{\"prompt\": \"cut\n") ==
          "bad.jsonl:2:13: not valid JSON (syntax error while parsing value - invalid string: "
          "missing closing quote; last read: '\"cut')");
    CHECK(refusal("bad.jsonl", "{\"prompt\": \"ok\"}\n\n{\"prompt\": 5}\n") ==
          "bad.jsonl:3:12: \"prompt\" must be a string");
    CHECK(refusal("bad.jsonl", "{\"prompt\": \"ok\"}\n{\"text\": \"x\"}\n") ==
          "bad.jsonl:2:1: a line needs a string \"prompt\" or an array \"messages\"");
    CHECK(
        refusal("bad.jsonl", "{\"prompt\": \"ok\"}\nplain words\n").starts_with("bad.jsonl:2:1:"));
    CHECK(refusal("bad.jsonl",
                  "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": 1}]}\n") ==
          "bad.jsonl:1:49: a message needs a string \"role\" and a string \"content\"");
    CHECK(refusal("bad.json", "[\n  {\"conversations\": [{\"from\": \"human\", \"value\": \"a\"},\n"
                              "    {\"from\": \"gpt\"}]}\n]") ==
          "bad.json:3:5: a turn needs a string \"from\" and a string \"value\"");
    CHECK(refusal("bad.json", "[\n  {\"id\": 1},\n  {\"id\": 2}\n]") ==
          "bad.json:2:3: a ShareGPT entry needs an array \"conversations\"");
    CHECK(refusal("empty.jsonl", "\n\n").find("holds no prompt") != std::string::npos);
}
