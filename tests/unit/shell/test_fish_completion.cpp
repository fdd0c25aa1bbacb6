#include "farm/shell/cli_model.hpp"

#include "shell/model.hpp"

#include <doctest/doctest.h>

using namespace farm::shell;

TEST_CASE("shell::fish_completion guards each option by its command") {
    std::string script = fish_completion(test_model());
    CHECK(script.find("set -g __farm_groups perf\n") != std::string::npos);
    CHECK(script.find("complete -c farm -n __farm_no_command -a 'perf:build' -d 'time a "
                      "command'\n") != std::string::npos);
    CHECK(script.find("complete -c farm -n '__farm_using perf' -a 'build'") != std::string::npos);
    CHECK(script.find("-n '__farm_using perf:build' -l install -x -a 'warm cold' -d 'install "
                      "[mode]'\n") != std::string::npos);
    CHECK(script.find("-l db -r -F -d 'it\\'s the history'\n") != std::string::npos);
    CHECK(script.find("-s o -l output-dir -x -a '(__fish_complete_directories)'") !=
          std::string::npos);
    CHECK(script.find("-l subject -x -a '(__farm_list subjects)'") != std::string::npos);
    CHECK(script.find("-l json -d 'as JSON'\n") != std::string::npos);
    CHECK(script.find("-n '__farm_using completion' -a 'bash zsh' -d 'which shell'\n") !=
          std::string::npos);
}
