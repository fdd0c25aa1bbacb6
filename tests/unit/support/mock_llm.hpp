// Runs tests/support's farm_mock_llm as a child process for one test: started with the given
// script options on an ephemeral loopback port, ready once it printed "listening on PORT",
// killed when the object goes away.
#pragma once

#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace farm::test {

class MockLlm {
  public:
    explicit MockLlm(std::vector<std::string> options) {
        std::vector<std::string> argv = {FARM_MOCK_LLM, "--host", "127.0.0.1", "--port", "0"};
        argv.insert(argv.end(), options.begin(), options.end());
        std::vector<char*> pointers;
        for (std::string& argument : argv) {
            pointers.push_back(argument.data());
        }
        pointers.push_back(nullptr);
        int out[2];
        REQUIRE(pipe(out) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        int failed =
            posix_spawn(&m_pid, argv[0].c_str(), &actions, nullptr, pointers.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        REQUIRE_MESSAGE(failed == 0, "cannot start " << argv[0]);
        std::string line;
        pollfd readable{out[0], POLLIN, 0};
        char c = 0;
        while (line.find('\n') == std::string::npos && poll(&readable, 1, 5000) == 1 &&
               read(out[0], &c, 1) == 1) {
            line += c;
        }
        close(out[0]);
        REQUIRE_MESSAGE(line.starts_with("listening on "), "farm_mock_llm said: " << line);
        m_port = std::stoi(line.substr(13));
    }
    ~MockLlm() {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
    MockLlm(const MockLlm&) = delete;
    MockLlm& operator=(const MockLlm&) = delete;

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    int port() const { return m_port; }

  private:
    pid_t m_pid = -1;
    int m_port = 0;
};

} // namespace farm::test
