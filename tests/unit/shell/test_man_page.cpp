#include "farm/shell/cli_model.hpp"

#include "shell/model.hpp"

#include <doctest/doctest.h>

using namespace farm::shell;

TEST_CASE("shell::man_page has the sections and escapes troff") {
    std::string page = man_page(test_model());
    CHECK(page.find(".TH FARM 1 \"\" \"farm 9.8.7\" \"User Commands\"\n") != std::string::npos);
    CHECK(page.find(".SH NAME\nfarm \\- measures things\n") != std::string::npos);
    CHECK(page.find(".SS \"farm perf:build [OPTIONS] \\-\\- COMMAND\"\n") != std::string::npos);
    // A help line starting with a dot would be a troff request.
    CHECK(page.find("\n\\&.dot line\n") != std::string::npos);
    CHECK(page.find(".TP\n\\fB\\-\\-install\\fR \\fIwarm|cold\\fR\n") != std::string::npos);
    CHECK(page.find("\\fB\\-o\\fR, \\fB\\-\\-output\\-dir\\fR \\fITEXT\\fR\na folder "
                    "(repeatable)\n") != std::string::npos);
    CHECK(page.find(".TP\n\\fIshell\\fR\nwhich shell\n") != std::string::npos);
    for (const char* section : {".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS",
                                ".SH \"EXIT STATUS\"\n.TP\n.B 0\nok\n.TP\n.B 130\ninterrupted",
                                ".SH FILES", ".SH ENVIRONMENT\n.TP\n.B FARM_DB"}) {
        CHECK(page.find(section) != std::string::npos);
    }
}
