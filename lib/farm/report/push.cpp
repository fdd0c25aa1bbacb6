// The Pushgateway's URL rules, the PUT of each group, and the split of one exposition into
// groups. The split reads only what it needs of each line (the metric name and the label values,
// with their escapes); everything else of a sample line is passed on untouched.
#include "farm/report/push.hpp"

#include "farm/core/error.hpp"
#include "farm/net/http_client.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

namespace farm::report {

namespace {

bool is_label_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
            return false;
        }
    }
    return true;
}

bool is_metric_name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

// One path segment pair of a grouping key, "name/value" or "name@base64/encoded".
std::string url_segment(const std::string& name, const std::string& value) {
    if (value.empty()) {
        return name + "@base64/="; // the gateway's spelling of an empty value
    }
    // A percent-encoded '/' would be decoded before routing and split the path, and "." and ".."
    // are path steps that curl and the gateway's router resolve away, whatever their encoding.
    if (value.find('/') != std::string::npos || value == "." || value == "..") {
        return name + "@base64/" + base64_url_encode(value);
    }
    return name + "/" + net::percent_encode(value);
}

std::string describe_grouping(const PushLabels& grouping) {
    std::string text;
    for (const auto& [name, value] : grouping) {
        text += (text.empty() ? "" : ", ") + name + "=\"" + value + "\"";
    }
    return "{" + text + "}";
}

// The gateway's explanation, on one line and short enough for a terminal.
std::string gateway_explanation(std::string body) {
    for (char& c : body) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    while (!body.empty() && body.back() == ' ') {
        body.pop_back();
    }
    constexpr std::size_t limit = 500;
    if (body.size() > limit) {
        body = body.substr(0, limit) + "...";
    }
    return body.empty() ? "(no explanation given)" : body;
}

// ---- reading the exposition ----

struct SampleLine {
    std::string name;
    std::optional<std::string> subject;
};

[[noreturn]] void throw_bad_line(std::size_t line_number, const std::string& what) {
    throw Error("Prometheus exposition text, line " + std::to_string(line_number) + ": " + what);
}

// `name{label="value",...} value [timestamp]`: the name and the subject label's value.
SampleLine read_sample(std::string_view line, std::size_t line_number) {
    SampleLine sample;
    std::size_t pos = 0;
    while (pos < line.size() && is_metric_name_char(line[pos], pos == 0)) {
        ++pos;
    }
    if (pos == 0) {
        throw_bad_line(line_number, "expected a metric name");
    }
    sample.name = std::string(line.substr(0, pos));
    auto skip_blanks = [&] {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
            ++pos;
        }
    };
    skip_blanks();
    if (pos >= line.size() || line[pos] != '{') {
        return sample;
    }
    ++pos;
    while (true) {
        skip_blanks();
        if (pos < line.size() && line[pos] == '}') {
            return sample;
        }
        std::size_t name_start = pos;
        while (pos < line.size() && line[pos] != '=' && line[pos] != ' ' && line[pos] != '\t') {
            ++pos;
        }
        std::string_view label = line.substr(name_start, pos - name_start);
        if (!is_label_name(label)) {
            throw_bad_line(line_number,
                           "expected a label name, found '" + std::string(label) + "'");
        }
        skip_blanks();
        if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
            throw_bad_line(line_number, "expected =\"...\" after the label " + std::string(label));
        }
        pos += 2;
        std::string value;
        while (pos < line.size() && line[pos] != '"') {
            if (line[pos] == '\\') {
                char escaped = pos + 1 < line.size() ? line[pos + 1] : '\0';
                if (escaped == 'n') {
                    value += '\n';
                } else if (escaped == '\\' || escaped == '"') {
                    value += escaped;
                } else {
                    throw_bad_line(line_number, "unknown escape in the value of " +
                                                    std::string(label) +
                                                    R"( (only \\, \" and \n))");
                }
                pos += 2;
            } else {
                value += line[pos++];
            }
        }
        if (pos >= line.size()) {
            throw_bad_line(line_number, "the value of " + std::string(label) + " is not closed");
        }
        ++pos; // the closing quote
        if (label == "subject") {
            sample.subject = std::move(value);
        }
        skip_blanks();
        if (pos < line.size() && line[pos] == ',') {
            ++pos;
        } else if (pos >= line.size() || line[pos] != '}') {
            throw_bad_line(line_number,
                           "expected ',' or '}' after the label " + std::string(label));
        }
    }
}

// Whether a sample of this name belongs to the family: the family's own name, or a histogram's
// or summary's series derived from it.
bool belongs_to(std::string_view sample_name, std::string_view family) {
    if (!sample_name.starts_with(family)) {
        return false;
    }
    std::string_view suffix = sample_name.substr(family.size());
    return suffix.empty() || suffix == "_bucket" || suffix == "_sum" || suffix == "_count";
}

struct PushedFamily {
    std::string name;
    std::vector<std::string> metadata; // its # HELP and # TYPE lines, as written
};

struct Subject {
    std::optional<std::string> name;
    std::map<std::size_t, std::vector<std::string>> samples; // by family index, in family order
};

} // namespace

std::string base64_url_encode(const std::string& data) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string encoded;
    encoded.reserve((data.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < data.size(); i += 3) {
        std::size_t left = data.size() - i;
        unsigned chunk = static_cast<unsigned char>(data[i]) << 16;
        if (left > 1) {
            chunk |= static_cast<unsigned char>(data[i + 1]) << 8;
        }
        if (left > 2) {
            chunk |= static_cast<unsigned char>(data[i + 2]);
        }
        encoded += alphabet[(chunk >> 18) & 0x3F];
        encoded += alphabet[(chunk >> 12) & 0x3F];
        encoded += left > 1 ? alphabet[(chunk >> 6) & 0x3F] : '=';
        encoded += left > 2 ? alphabet[chunk & 0x3F] : '=';
    }
    return encoded;
}

std::string pushgateway_group_url(const std::string& gateway_url, const std::string& job,
                                  const PushLabels& grouping) {
    if (job.empty()) {
        throw UsageError("a Pushgateway job name must not be empty");
    }
    std::string url = gateway_url;
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    url += "/metrics/" + url_segment("job", job);
    for (const auto& [name, value] : grouping) {
        if (!is_label_name(name) || name == "job") {
            throw UsageError("'" + name +
                             "' cannot be a Pushgateway grouping label (use letters, "
                             "digits and '_', not starting with a digit, and not 'job')");
        }
        url += "/" + url_segment(name, value);
    }
    return url;
}

void push_to_gateway(const std::string& gateway_url, const std::string& job,
                     const std::vector<PushGroup>& groups) {
    for (const PushGroup& group : groups) {
        net::HttpRequest request;
        request.method = "PUT";
        request.url = pushgateway_group_url(gateway_url, job, group.grouping);
        request.headers = {{"Content-Type", exposition_content_type}};
        request.body = group.exposition_text;
        request.total_timeout_s = 30;
        request.peer_name = "the Pushgateway";
        net::HttpResponse response = net::send(request);
        if (!response.ok()) {
            throw NetworkError("the Pushgateway at " + net::url_for_messages(gateway_url) +
                               " refused the metrics of job \"" + job + "\" " +
                               describe_grouping(group.grouping) + " with HTTP status " +
                               std::to_string(response.status) + ": " +
                               gateway_explanation(response.body));
        }
    }
}

std::vector<PushGroup> group_exposition_by_subject(const std::string& exposition_text,
                                                   const std::string& host) {
    std::vector<PushedFamily> families;
    std::map<std::string, std::size_t, std::less<>> family_index;
    std::optional<std::size_t> current; // the family whose # lines came last
    std::vector<Subject> subjects;

    auto family_named = [&](const std::string& name) {
        auto [it, added] = family_index.try_emplace(name, families.size());
        if (added) {
            families.push_back(PushedFamily{name, {}});
        }
        return it->second;
    };

    std::string_view text = exposition_text;
    std::size_t line_number = 0;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        if (line.starts_with('#')) {
            bool metadata = line.starts_with("# HELP ") || line.starts_with("# TYPE ");
            if (metadata) {
                std::string_view rest = line.substr(7);
                std::string name(rest.substr(0, rest.find(' ')));
                current = family_named(name);
                families[*current].metadata.emplace_back(line);
            }
            continue;
        }
        SampleLine sample = read_sample(line, line_number);
        std::size_t family = current && belongs_to(sample.name, families[*current].name)
                                 ? *current
                                 : family_named(sample.name);
        auto subject = std::find_if(subjects.begin(), subjects.end(),
                                    [&](const Subject& s) { return s.name == sample.subject; });
        if (subject == subjects.end()) {
            subject = subjects.insert(subjects.end(), Subject{sample.subject, {}});
        }
        subject->samples[family].emplace_back(line);
    }

    std::vector<PushGroup> groups;
    for (const Subject& subject : subjects) {
        PushGroup group;
        group.grouping.emplace_back("host", host);
        if (subject.name) {
            group.grouping.emplace_back("subject", *subject.name);
        }
        for (const auto& [family, lines] : subject.samples) {
            for (const std::string& line : families[family].metadata) {
                group.exposition_text += line + "\n";
            }
            for (const std::string& line : lines) {
                group.exposition_text += line + "\n";
            }
        }
        groups.push_back(std::move(group));
    }
    return groups;
}

} // namespace farm::report
