#include "farm/ai/request_body_writer.hpp"

namespace farm::ai {

namespace {

// Stands for the prompt while the template is made: printable ASCII, so that it is written as is.
constexpr std::string_view prompt_marker = "farm-prompt-marker-5c1e0b7a";

bool same_shape(const RequestSpec& a, const RequestSpec& b) {
    return a.provider == b.provider && a.operation == b.operation && a.model == b.model &&
           a.max_tokens == b.max_tokens && a.messages.empty() && b.messages.empty() &&
           a.output_tokens == b.output_tokens && a.temperature == b.temperature;
}

} // namespace

bool is_printable_ascii(std::string_view text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7e) { // char may be signed: bytes over 0x7f are negative
            return false;
        }
    }
    return true;
}

void append_json_escaped_ascii(std::string& out, std::string_view text) {
    std::size_t from = 0;
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (text[at] == '"' || text[at] == '\\') {
            out.append(text.data() + from, at - from);
            out += '\\';
            from = at; // the quote or backslash itself goes with the next run
        }
    }
    out.append(text.data() + from, text.size() - from);
}

void RequestBodyWriter::build_template(const RequestSpec& spec) {
    m_shape = spec;
    m_shape.prompt = std::string(prompt_marker);
    m_has_template = true;
    m_usable = false;
    std::string whole = request_body(m_shape);
    std::size_t at = whole.find(prompt_marker);
    if (at == std::string::npos ||
        whole.find(prompt_marker, at + prompt_marker.size()) != std::string::npos) {
        return;
    }
    m_before = whole.substr(0, at);
    m_after = whole.substr(at + prompt_marker.size());
    m_usable = true;
}

std::string RequestBodyWriter::body(const RequestSpec& spec) {
    if (!spec.messages.empty() || !is_printable_ascii(spec.prompt)) {
        return request_body(spec);
    }
    if (!m_has_template || !same_shape(m_shape, spec)) {
        build_template(spec);
    }
    if (!m_usable) {
        return request_body(spec);
    }
    std::string out;
    out.reserve(m_before.size() + spec.prompt.size() + 8 + m_after.size());
    out += m_before;
    append_json_escaped_ascii(out, spec.prompt);
    out += m_after;
    ++m_templated;
    return out;
}

} // namespace farm::ai
