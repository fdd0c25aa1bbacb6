// Pushing Prometheus metrics to a Pushgateway, one group per subject.
//
// A Pushgateway keeps the last push of each group (job plus grouping labels) until the next push
// to the same group replaces it. farm pushes each subject as a group of its own
// (job/JOB/host/HOST/subject/SUBJECT), so that pushing the report of one subject never erases
// another's, and a later push of the same subject replaces its old numbers.
//
// Guarantees:
// - The URL follows the Pushgateway's rules for every value: a value that is empty, holds a '/'
//   or is "." or ".." is sent as `LABEL@base64/VALUE` (URL-safe base64, RFC 4648 section 5), any
//   other value percent-encoded, so no subject name can reach a different group than its own.
// - Each group is sent with HTTP PUT as the text exposition format 0.0.4 and is a valid
//   exposition on its own: every family keeps its # HELP and # TYPE lines in each group that has
//   samples of it. (The gateway gives every sample the group's labels; a sample label of the
//   same name is overwritten, not refused.)
// - A gateway that cannot be reached, or answers anything but 2xx, throws farm::NetworkError with
//   the gateway's URL (without credentials), the status and the gateway's own explanation.
//   Groups are pushed in order; the groups before a failure stay pushed.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace farm::report {

using PushLabels = std::vector<std::pair<std::string, std::string>>;

struct PushGroup {
    PushLabels grouping; // label name -> value, in URL order; "job" is given separately
    std::string exposition_text;
};

inline constexpr const char* exposition_content_type = "text/plain; version=0.0.4";

// GATEWAY/metrics/job/JOB/LABEL/VALUE/...; throws farm::UsageError for an empty job or a label
// name that Prometheus would not accept.
std::string pushgateway_group_url(const std::string& gateway_url, const std::string& job,
                                  const PushLabels& grouping);

// Replaces each group's metrics on the gateway with the group's exposition text.
void push_to_gateway(const std::string& gateway_url, const std::string& job,
                     const std::vector<PushGroup>& groups);

// Splits a full exposition (# HELP / # TYPE lines, samples labelled subject="..." and
// host="...") into one group per subject, in the order subjects first appear, each with the
// grouping {host, subject}. Samples without a subject label form one group with the grouping
// {host} alone. Other comments and blank lines are dropped. Throws farm::Error naming the line
// of a sample whose labels cannot be read.
std::vector<PushGroup> group_exposition_by_subject(const std::string& exposition_text,
                                                   const std::string& host);

// "YnVpbGQ6QGV4YW1wbGUvd2Vi" for "build:@example/web": RFC 4648 section 5, with '=' padding.
std::string base64_url_encode(const std::string& data);

} // namespace farm::report
