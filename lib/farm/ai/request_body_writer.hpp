// The JSON bodies of a load's requests, built from a template instead of a JSON document each.
//
// Requests of one run differ in their prompt and little else, and serialising a whole document
// per request (nlohmann::json, request_body) was a tenth of farm's CPU per request against a fast
// server. A RequestBodyWriter keeps request_body()'s output for the request's shape (everything
// but the prompt) split around the prompt, and fills in each request's prompt, escaped.
//
// Guarantees: body(spec) is byte for byte request_body(spec), always. The template is used only
// where that is certain: a prompt of printable ASCII (escaped here as nlohmann escapes it: `"`
// and `\` only), a shape whose body holds the prompt exactly once; anything else (chat messages
// from a dataset, control characters, non-ASCII text that may need repair) is built by
// request_body itself.
#pragma once

#include "farm/ai/provider_request.hpp"

#include <string>

namespace farm::ai {

class RequestBodyWriter {
  public:
    // request_body(spec). Throws what request_body throws.
    std::string body(const RequestSpec& spec);

    // How many bodies came from the template (for tests).
    std::size_t templated() const { return m_templated; }

  private:
    void build_template(const RequestSpec& spec);

    RequestSpec m_shape; // the spec the template is for; its prompt is unused
    bool m_has_template = false;
    bool m_usable = false; // the body held the prompt exactly once
    std::string m_before;  // the body up to the prompt's text, after its opening quote
    std::string m_after;   // from the prompt's closing quote on
    std::size_t m_templated = 0;
};

// Whether `text` is printable ASCII (0x20-0x7e): JSON-escaped by `"` and `\` alone.
bool is_printable_ascii(std::string_view text);

// Appends `text` (printable ASCII) to `out` as the inside of a JSON string.
void append_json_escaped_ascii(std::string& out, std::string_view text);

} // namespace farm::ai
