#include "commands/help_format.hpp"

#include "commands/cli.hpp"

namespace farm::commands {

namespace {

class FarmHelpFormatter : public CLI::Formatter {
  public:
    std::string make_usage(const CLI::App* app, std::string name) const override {
        const CommandInfo* command = find_command(typed_name_of(*app));
        if (command == nullptr) {
            return CLI::Formatter::make_usage(app, name);
        }
        return std::string("Usage: farm ") + command->name + " " + command->usage + "\n";
    }

    std::string make_footer(const CLI::App* app) const override {
        std::string footer = CLI::Formatter::make_footer(app);
        const CommandInfo* command = find_command(typed_name_of(*app));
        if (command == nullptr || command->examples.empty()) {
            return footer;
        }
        std::string examples = "Examples:\n";
        for (const char* example : command->examples) {
            examples += std::string("  ") + example + "\n";
        }
        return examples + (footer.empty() ? "" : "\n" + footer);
    }
};

} // namespace

std::string typed_name_of(const CLI::App& app) {
    const CLI::App* parent = app.get_parent();
    if (parent == nullptr) {
        return {};
    }
    std::string above = typed_name_of(*parent);
    return above.empty() ? app.get_name() : above + ":" + app.get_name();
}

std::shared_ptr<CLI::Formatter> help_formatter() {
    auto formatter = std::make_shared<FarmHelpFormatter>();
    return formatter;
}

} // namespace farm::commands
