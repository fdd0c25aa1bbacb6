#include "farm/dev/session.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace farm::dev;

// Real services (sh scripts) that show readiness on their output: no network needed.

namespace {

ServiceSpec shell_service(const std::string& name, const std::string& script,
                          const std::string& ready_pattern) {
    ServiceSpec spec;
    spec.name = name;
    spec.kind = "other";
    spec.command.argv = {"sh", "-c", script};
    spec.command_text = script;
    spec.ready.kind = farm::core::DevReadyKind::output;
    spec.ready.pattern = ready_pattern;
    return spec;
}

} // namespace

TEST_CASE("dev::measure_dev times start-up and reloads, and stops every service") {
    std::ofstream("watched.txt") << "one\n";
    DevPlan plan;
    // A "server": ready after 0.2 s, then says "reloaded" whenever watched.txt changes.
    ServiceSpec spec = shell_service(
        "web",
        "sleep 0.2; echo ready; old=$(cat watched.txt); while true; do "
        "new=$(cat watched.txt); if [ \"$new\" != \"$old\" ]; then old=$new; echo reloaded; fi; "
        "sleep 0.01; done",
        "^ready$");
    spec.command.cwd = std::filesystem::current_path();
    spec.reload = farm::core::DevReload{};
    spec.reload->file = "watched.txt";
    spec.reload->edit = farm::core::DevReloadEdit::append;
    spec.reload->pattern = "^reloaded$";
    plan.services = {spec, shell_service("db", "echo database up; sleep 60", "up$")};
    plan.runs = 2;
    plan.reloads = 2;
    plan.duration_s = 0.2;
    plan.settle_s = 0.1;
    plan.timeout_s = 20;
    DevResult result = measure_dev(plan);
    INFO(result.failure);
    REQUIRE(result.outcome == DevOutcome::completed);
    REQUIRE(result.services.size() == 2);
    const ServiceMeasurement& web = result.services[0];
    REQUIRE(web.startup_s.size() == 2);
    CHECK(web.startup_s[0] >= 0.19);
    CHECK(web.startup_s[0] < 10);
    CHECK(web.cpu_cores_mean.size() == 2);
    CHECK(web.rss_peak_bytes[0] > 0);
    REQUIRE(web.reload_s.size() == 2);
    CHECK(web.reload_s[0] > 0);
    // The log clock ran (no page: no HMR socket, no browser), and the start-up phases seen.
    CHECK(web.server_log_ms.size() == 2);
    CHECK(web.hmr_ms.empty());
    CHECK(web.first_output_s.size() == 2);
    CHECK(result.ready_total_s.size() == 2);
    CHECK(result.services[1].reload_s.empty());
    CHECK(result.service_pids.size() == 4);
    for (std::int64_t pid : result.service_pids) {
        CHECK_FALSE(farm::exec::process_alive(pid_t(pid)));
    }
    std::ifstream in("watched.txt");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content == "one\n"); // the edit was undone
}

TEST_CASE("dev::measure_dev matches patterns on output without its colour codes") {
    DevPlan plan;
    plan.services = {
        shell_service("web", "printf '\\033[32mready\\033[39m\\n'; sleep 60", "^ready$")};
    plan.runs = 1;
    plan.duration_s = 0;
    plan.timeout_s = 5;
    DevResult result = measure_dev(plan);
    INFO(result.failure);
    CHECK(result.outcome == DevOutcome::completed);
}

TEST_CASE("dev::measure_dev refuses reloads that nothing can see") {
    std::ofstream("unseen.txt") << "one\n";
    DevPlan plan;
    ServiceSpec spec = shell_service("web", "echo ready; sleep 60", "^ready$");
    spec.command.cwd = std::filesystem::current_path();
    spec.reload = farm::core::DevReload{};
    spec.reload->file = "unseen.txt";
    plan.services = {spec};
    plan.runs = 1;
    plan.duration_s = 0;
    DevResult result = measure_dev(plan);
    CHECK(result.outcome == DevOutcome::failed);
    CHECK(result.failure.find("nothing can see its reloads") != std::string::npos);
}

TEST_CASE("dev::measure_dev stops a service that is never ready at the timeout") {
    DevPlan plan;
    plan.services = {shell_service("stuck", "echo loading the world; sleep 60", "^ready$"),
                     shell_service("other", "echo ok; sleep 60", "^ok$")};
    plan.runs = 3;
    plan.timeout_s = 0.5;
    auto begin = std::chrono::steady_clock::now();
    DevResult result = measure_dev(plan);
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(8));
    CHECK(result.outcome == DevOutcome::failed);
    CHECK(result.failure.find("service 'stuck' was not ready after 0.5 s") != std::string::npos);
    CHECK(result.failure.find("loading the world") != std::string::npos);
    for (std::int64_t pid : result.service_pids) {
        CHECK_FALSE(farm::exec::process_alive(pid_t(pid)));
    }
}

TEST_CASE("dev::measure_dev names the service whose command does not exist") {
    DevPlan plan;
    ServiceSpec missing = shell_service("api", "", "x");
    missing.command.argv = {"farm-no-such-server-xyz"};
    plan.services = {shell_service("first", "echo ok; sleep 60", "ok"), missing};
    DevResult result = measure_dev(plan);
    CHECK(result.outcome == DevOutcome::failed);
    CHECK(result.failure.find("service 'api'") != std::string::npos);
    CHECK(result.failure.find("command not found") != std::string::npos);
    REQUIRE(result.service_pids.size() == 1);
    CHECK_FALSE(farm::exec::process_alive(pid_t(result.service_pids[0])));
}

TEST_CASE("dev::measure_dev reports a service that dies before it is ready") {
    DevPlan plan;
    plan.services = {shell_service("api", "echo cannot bind; exit 1", "ready")};
    DevResult result = measure_dev(plan);
    CHECK(result.outcome == DevOutcome::failed);
    CHECK(result.failure.find("service 'api' exited (exit code 1) before it was ready") !=
          std::string::npos);
    CHECK(result.failure.find("cannot bind") != std::string::npos);
}

TEST_CASE("dev::check_ports_free refuses a port that something already holds") {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    listen(fd, 4);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    int port = ntohs(address.sin_port);
    ServiceSpec spec = shell_service("web", "true", "x");
    spec.ready.kind = farm::core::DevReadyKind::url;
    spec.ready.url = "http://127.0.0.1:" + std::to_string(port) + "/";
    std::string expected = "port " + std::to_string(port) + " of service 'web' is already in use";
    CHECK_THROWS_WITH_AS(check_ports_free({spec}), doctest::Contains(expected.c_str()),
                         farm::UsageError);
    close(fd);
    CHECK_NOTHROW(check_ports_free({spec}));
}
