#include "farm/shell/cli_model.hpp"

#include <algorithm>
#include <cctype>

namespace farm::shell {

std::string group_of(const std::string& command) {
    std::size_t colon = command.find(':');
    return colon == std::string::npos ? std::string() : command.substr(0, colon);
}

std::vector<std::string> command_groups(const CliModel& model) {
    std::vector<std::string> groups;
    for (const CommandModel& c : model.commands) {
        std::string group = group_of(c.name);
        if (!group.empty() && std::find(groups.begin(), groups.end(), group) == groups.end()) {
            groups.push_back(group);
        }
    }
    std::sort(groups.begin(), groups.end());
    return groups;
}

std::string one_line(const std::string& text) {
    std::string out;
    bool space = false;
    for (char ch : text) {
        if (std::isspace(static_cast<unsigned char>(ch))) {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += ch;
    }
    return out;
}

} // namespace farm::shell
