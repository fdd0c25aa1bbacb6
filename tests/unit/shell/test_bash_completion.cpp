#include "farm/shell/cli_model.hpp"

#include "shell/model.hpp"

#include <doctest/doctest.h>

using namespace farm::shell;

TEST_CASE("shell::bash_completion lists commands, groups, options and values") {
    std::string script = bash_completion(test_model());
    CHECK(script.find("_farm_commands=(perf:build completion)\n") != std::string::npos);
    CHECK(script.find("_farm_groups=(perf)\n") != std::string::npos);
    CHECK(script.find("'perf:build --install') _farm_kind=choice _farm_choices=(warm cold) ;;") !=
          std::string::npos);
    CHECK(script.find("'perf:build -o' | 'perf:build --output-dir') _farm_kind=directory ;;") !=
          std::string::npos);
    CHECK(script.find("'perf:build --subject') _farm_kind=subject ;;") != std::string::npos);
    // A flag takes no value: it must not swallow the next word.
    CHECK(script.find("'perf:build --json')") == std::string::npos);
    CHECK(script.find("    completion) _farm_kind=choice _farm_choices=(bash zsh) ;;") !=
          std::string::npos);
    CHECK(script.find("    perf:build) _farm_choices=(--install --db -o --output-dir --subject "
                      "--json) ;;") != std::string::npos);
    CHECK(script.ends_with("complete -F _farm farm\n"));
}

TEST_CASE("shell::bash_completion quotes values bash would split") {
    CliModel model = test_model();
    model.commands[0].options[0].choices = {"it's", "a b"};
    std::string script = bash_completion(model);
    CHECK(script.find("_farm_choices=('it'\\''s' 'a b')") != std::string::npos);
}

TEST_CASE("shell::bash_completion is the same for the same model") {
    CHECK(bash_completion(test_model()) == bash_completion(test_model()));
}
