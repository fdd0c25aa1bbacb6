// The Pushgateway URL rules and the split of an exposition into groups. The last case pushes to
// a real Pushgateway when FARM_TEST_PUSHGATEWAY_URL names one (tests/cli/pushgateway.sh starts
// one), and is skipped otherwise.
#include "farm/core/error.hpp"
#include "farm/net/http_client.hpp"
#include "farm/report/push.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

using namespace farm::report;

namespace {

const char* exposition = R"(# HELP farm_wall_seconds Wall time of one run.
# TYPE farm_wall_seconds gauge
farm_wall_seconds{subject="build:@example/web",host="box",metric="wall"} 12.5
farm_wall_seconds{subject="install",host="box",metric="wall"} 30
# a comment that is not metadata

# HELP farm_runs_total Runs recorded.
# TYPE farm_runs_total counter
farm_runs_total{subject="install",host="box"} 4
# HELP farm_note Text with "quotes", a \\ and a line break.
# TYPE farm_note gauge
farm_note{host="box",subject="say \"hi\"\\there\nnow"} 1
# TYPE farm_latency_seconds histogram
farm_latency_seconds_bucket{subject="install",host="box",le="+Inf"} 4
farm_latency_seconds_sum{subject="install",host="box"} 2.5
farm_latency_seconds_count{subject="install",host="box"} 4
farm_up{host="box"} 1
)";

std::string grouping_value(const PushGroup& group, const std::string& name) {
    for (const auto& [label, value] : group.grouping) {
        if (label == name) {
            return value;
        }
    }
    return "(absent)";
}

} // namespace

TEST_CASE("report::push base64_url_encode follows RFC 4648 section 5") {
    CHECK(base64_url_encode("") == "");
    CHECK(base64_url_encode("f") == "Zg==");
    CHECK(base64_url_encode("fo") == "Zm8=");
    CHECK(base64_url_encode("foo") == "Zm9v");
    CHECK(base64_url_encode("build:@example/web") == "YnVpbGQ6QGV4YW1wbGUvd2Vi");
    CHECK(base64_url_encode("\xfb\xff") == "-_8="); // '-' and '_' instead of '+' and '/'
}

TEST_CASE("report::push URLs encode each value the way the Pushgateway reads it") {
    CHECK(pushgateway_group_url("http://gw:9091/", "farm", {{"host", "box"}, {"subject", "web"}}) ==
          "http://gw:9091/metrics/job/farm/host/box/subject/web");
    // A '/' anywhere in a value: base64, or the gateway would split the path there.
    CHECK(pushgateway_group_url("http://gw:9091", "farm", {{"subject", "build:@example/web"}}) ==
          "http://gw:9091/metrics/job/farm/subject@base64/YnVpbGQ6QGV4YW1wbGUvd2Vi");
    // "." and ".." would be resolved away as path steps.
    CHECK(pushgateway_group_url("http://gw", "farm", {{"subject", ".."}, {"host", "."}}) ==
          "http://gw/metrics/job/farm/subject@base64/Li4=/host@base64/Lg==");
    CHECK(pushgateway_group_url("http://gw:9091", "a/b", {}) ==
          "http://gw:9091/metrics/job@base64/YS9i");
    // Other values are percent-encoded.
    CHECK(pushgateway_group_url("http://gw:9091", "farm", {{"subject", "build:@example web%"}}) ==
          "http://gw:9091/metrics/job/farm/subject/build%3A%40example%20web%25");
    // The gateway's spelling of an empty value.
    CHECK(pushgateway_group_url("http://gw", "farm", {{"host", ""}}) ==
          "http://gw/metrics/job/farm/host@base64/=");
    CHECK_THROWS_AS(pushgateway_group_url("http://gw", "", {}), farm::UsageError);
    CHECK_THROWS_AS(pushgateway_group_url("http://gw", "farm", {{"0bad", "x"}}), farm::UsageError);
    CHECK_THROWS_AS(pushgateway_group_url("http://gw", "farm", {{"job", "x"}}), farm::UsageError);
}

TEST_CASE("report::group_exposition_by_subject makes one valid exposition per subject") {
    std::vector<PushGroup> groups = group_exposition_by_subject(exposition, "box");
    REQUIRE(groups.size() == 4);

    CHECK(grouping_value(groups[0], "subject") == "build:@example/web");
    CHECK(grouping_value(groups[0], "host") == "box");
    CHECK(groups[0].grouping.front().first == "host");
    CHECK(groups[0].exposition_text ==
          "# HELP farm_wall_seconds Wall time of one run.\n"
          "# TYPE farm_wall_seconds gauge\n"
          "farm_wall_seconds{subject=\"build:@example/web\",host=\"box\",metric=\"wall\"} 12.5\n");

    CHECK(grouping_value(groups[1], "subject") == "install");
    CHECK(groups[1].exposition_text ==
          "# HELP farm_wall_seconds Wall time of one run.\n"
          "# TYPE farm_wall_seconds gauge\n"
          "farm_wall_seconds{subject=\"install\",host=\"box\",metric=\"wall\"} 30\n"
          "# HELP farm_runs_total Runs recorded.\n"
          "# TYPE farm_runs_total counter\n"
          "farm_runs_total{subject=\"install\",host=\"box\"} 4\n"
          "# TYPE farm_latency_seconds histogram\n"
          "farm_latency_seconds_bucket{subject=\"install\",host=\"box\",le=\"+Inf\"} 4\n"
          "farm_latency_seconds_sum{subject=\"install\",host=\"box\"} 2.5\n"
          "farm_latency_seconds_count{subject=\"install\",host=\"box\"} 4\n");

    // Escapes in label values are read: \" \\ and \n.
    CHECK(grouping_value(groups[2], "subject") == "say \"hi\"\\there\nnow");
    CHECK(groups[2].exposition_text.starts_with("# HELP farm_note "));

    // A sample without a subject is grouped by host alone and keeps no foreign metadata.
    CHECK(groups[3].grouping == PushLabels{{"host", "box"}});
    CHECK(groups[3].exposition_text == "farm_up{host=\"box\"} 1\n");
}

TEST_CASE("report::group_exposition_by_subject names the line it cannot read") {
    CHECK(group_exposition_by_subject("", "box").empty());
    CHECK_THROWS_WITH_AS(group_exposition_by_subject("# TYPE a gauge\na{subject=\"x} 1\n", "h"),
                         doctest::Contains("line 2: the value of subject is not closed"),
                         farm::Error);
    CHECK_THROWS_WITH_AS(group_exposition_by_subject("a{subject=\"\\t\"} 1\n", "h"),
                         doctest::Contains("line 1: unknown escape"), farm::Error);
    CHECK_THROWS_WITH_AS(group_exposition_by_subject("a{9x=\"1\"} 1\n", "h"),
                         doctest::Contains("line 1: expected a label name"), farm::Error);
}

TEST_CASE("report::push_to_gateway names the gateway when it cannot be reached") {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    close(fd); // bound, never listened on, released: nobody answers there
    std::string gateway = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    std::string expected = "cannot reach the Pushgateway at " + gateway + ":";
    CHECK_THROWS_WITH_AS(push_to_gateway(gateway, "farm", {{{{"host", "h"}}, "up 1\n"}}),
                         doctest::Contains(expected.c_str()), farm::NetworkError);
}

TEST_CASE("report::push_to_gateway against a real Pushgateway") {
    const char* gateway = std::getenv("FARM_TEST_PUSHGATEWAY_URL");
    if (gateway == nullptr || *gateway == '\0') {
        MESSAGE("skipped: set FARM_TEST_PUSHGATEWAY_URL to a Pushgateway's URL to run it");
        return;
    }
    std::string job = "farm_unit_test";
    push_to_gateway(gateway, job, group_exposition_by_subject(exposition, "box"));

    farm::net::HttpRequest get;
    get.url = std::string(gateway) + "/metrics";
    farm::net::HttpResponse scraped = farm::net::send(get);
    REQUIRE(scraped.status == 200);
    const std::string& text = scraped.body;
    // The gateway sorts labels by name and adds instance="" and job.
    CHECK(text.find("farm_wall_seconds{host=\"box\",instance=\"\",job=\"farm_unit_test\","
                    "metric=\"wall\",subject=\"build:@example/web\"} 12.5") != std::string::npos);
    CHECK(text.find("farm_wall_seconds{host=\"box\",instance=\"\",job=\"farm_unit_test\","
                    "metric=\"wall\",subject=\"install\"} 30") != std::string::npos);
    CHECK(text.find("farm_runs_total{host=\"box\",instance=\"\",job=\"farm_unit_test\","
                    "subject=\"install\"} 4") != std::string::npos);
    CHECK(text.find("subject=\"say \\\"hi\\\"\\\\there\\nnow\"} 1") != std::string::npos);
    CHECK(text.find("farm_up{host=\"box\",instance=\"\",job=\"farm_unit_test\"} 1") !=
          std::string::npos);

    // Text the gateway cannot parse is refused with 400; its explanation comes along.
    PushLabels broken = {{"host", "box"}, {"subject", "broken"}};
    try {
        push_to_gateway(gateway, job, {{broken, "not a metric line\n"}});
        FAIL("the gateway accepted a broken exposition");
    } catch (const farm::NetworkError& e) {
        std::string message = e.what();
        MESSAGE(message);
        CHECK(message.find("refused the metrics of job \"farm_unit_test\" {host=\"box\", "
                           "subject=\"broken\"} with HTTP status 400: ") != std::string::npos);
    }

    // Leave the gateway as it was found.
    for (const PushGroup& group : group_exposition_by_subject(exposition, "box")) {
        farm::net::HttpRequest remove;
        remove.method = "DELETE";
        remove.url = pushgateway_group_url(gateway, job, group.grouping);
        CHECK(farm::net::send(remove).ok());
    }
}
