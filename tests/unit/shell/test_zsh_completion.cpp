#include "farm/shell/cli_model.hpp"

#include "shell/model.hpp"

#include <doctest/doctest.h>

using namespace farm::shell;

TEST_CASE("shell::zsh_completion escapes for _arguments and _describe") {
    std::string script = zsh_completion(test_model());
    CHECK(script.starts_with("#compdef farm\n"));
    CHECK(script.find("'perf\\:build:time a command'") != std::string::npos);
    CHECK(script.find("'build:time a command'") != std::string::npos); // `perf build`
    CHECK(script.find("'--install[install \\[mode\\]]:TEXT:(warm cold)'") != std::string::npos);
    CHECK(script.find("'--db[it'\\''s the history]:TEXT:_files'") != std::string::npos);
    CHECK(script.find("'*'{-o,--output-dir}'[a folder]:TEXT:_files -/'") != std::string::npos);
    CHECK(script.find("'--subject[a subject]:TEXT:_farm_list subjects'") != std::string::npos);
    CHECK(script.find("'--json[as JSON]' \\") == std::string::npos); // the last spec has no `\`
    CHECK(script.find("'--json[as JSON]'\n") != std::string::npos);
    CHECK(script.find("'1:shell:(bash zsh)'") != std::string::npos);
    CHECK(script.find("'(- *)'{-h,--help}'[this help]'") != std::string::npos);
}
