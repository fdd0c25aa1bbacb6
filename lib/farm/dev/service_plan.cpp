#include "farm/dev/service_plan.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/pnpm/output_dirs.hpp"
#include "farm/pnpm/project.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace farm::dev {

namespace {

// The words of a command line, split at spaces (what a line without shell syntax is).
std::vector<std::string> words_of(const std::string& line) {
    std::istringstream words(line);
    std::vector<std::string> out;
    for (std::string word; words >> word;) {
        out.push_back(word);
    }
    return out;
}

bool needs_shell(const std::string& line) {
    return line.find_first_of("|&;<>()$`\\\"'*?[]#~={}%\n") != std::string::npos;
}

exec::ChildCommand command_for(const core::DevService& service, const std::filesystem::path& root) {
    exec::ChildCommand command;
    if (!service.argv.empty()) {
        command.argv = service.argv;
    } else if (needs_shell(service.command_line)) {
        command.argv = {service.command_line};
        command.use_shell = true;
    } else {
        command.argv = words_of(service.command_line);
    }
    command.cwd = service.cwd.empty() ? root : root / service.cwd;
    command.extra_env = service.env;
    return command;
}

bool has_word(const std::string& name, const std::vector<std::string>& words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const std::string& w) { return name.find(w) != std::string::npos; });
}

// At a turbo or Nx root: a service per workspace package with a `dev` script, and each one's
// framework by name in `frameworks`; nothing elsewhere.
std::vector<core::DevService> workspace_services(const std::filesystem::path& root,
                                                 std::map<std::string, std::string>& frameworks) {
    std::vector<core::DevService> services;
    if (!std::filesystem::exists(root / "turbo.json") &&
        !std::filesystem::exists(root / "nx.json")) {
        return services;
    }
    pnpm::Project project = pnpm::load_project(root);
    for (const pnpm::Package& package : project.packages) {
        if (!package.has_script("dev")) {
            continue;
        }
        core::DevService service;
        service.name = package.name;
        frameworks[package.name] = pnpm::detect_framework(package);
        service.argv = {"pnpm", "--filter", pnpm::filter_selector(project, package), "run", "dev"};
        services.push_back(std::move(service));
    }
    return services;
}

} // namespace

std::string framework_in_command(const std::vector<std::string>& words) {
    for (const std::string& word : words) {
        std::string name = std::filesystem::path(word).filename().string(); // node_modules/.bin/
        if (name == "next") {
            return "Next.js";
        }
        if (name == "vite") {
            return "Vite";
        }
    }
    return "";
}

std::string guess_kind(const std::string& name) {
    std::string lower;
    for (char c : name) {
        lower += char(std::tolower(static_cast<unsigned char>(c)));
    }
    if (has_word(lower, {"ollama", "llm", "model"})) {
        return "ollama";
    }
    if (has_word(lower, {"db", "database", "postgres", "mysql", "maria", "mongo", "redis", "sqlite",
                         "supabase"})) {
        return "database";
    }
    if (has_word(lower, {"web", "front", "vite", "next", "nuxt", "ui", "client", "app", "site"})) {
        return "frontend";
    }
    if (has_word(lower, {"api", "back", "server", "worker", "svc", "service"})) {
        return "backend";
    }
    return "other";
}

std::vector<ServiceSpec> plan_services(const core::DevConfig& config,
                                       const std::filesystem::path& project_root,
                                       const std::vector<std::string>& only) {
    std::vector<core::DevService> services = config.services;
    std::map<std::string, std::string> frameworks;
    if (services.empty()) {
        services = workspace_services(project_root, frameworks);
    }
    if (services.empty()) {
        core::DevService fallback;
        fallback.name = "dev";
        fallback.command_line = "pnpm run dev";
        fallback.kind = "frontend";
        services.push_back(fallback);
    }
    std::vector<std::string> names;
    for (const core::DevService& s : services) {
        names.push_back(s.name);
    }
    for (const std::string& wanted : only) {
        if (std::find(names.begin(), names.end(), wanted) == names.end()) {
            std::string message = "--service " + wanted + ": no such service";
            if (std::optional<std::string> close = core::closest_match(wanted, names)) {
                message += "; did you mean '" + *close + "'?";
            }
            std::string list;
            for (const std::string& n : names) {
                list += (list.empty() ? "" : ", ") + n;
            }
            throw UsageError(message + " (services: " + list + ")");
        }
    }
    std::vector<ServiceSpec> specs;
    for (const core::DevService& s : services) {
        if (!only.empty() && std::find(only.begin(), only.end(), s.name) == only.end()) {
            continue;
        }
        ServiceSpec spec;
        spec.name = s.name;
        spec.kind = s.kind.empty() ? guess_kind(s.name) : s.kind;
        spec.command = command_for(s, project_root);
        spec.framework = frameworks[s.name];
        if (spec.framework.empty()) {
            spec.framework = framework_in_command(spec.command.use_shell ? words_of(s.command_line)
                                                                         : spec.command.argv);
        }
        spec.command_text = s.argv.empty() ? core::redact_secrets(s.command_line)
                                           : core::join_command_line(core::redact_secrets(s.argv));
        spec.ready = s.ready;
        spec.reload = s.reload;
        specs.push_back(std::move(spec));
    }
    return specs;
}

std::string describe_ready(const core::DevReady& ready) {
    switch (ready.kind) {
    case core::DevReadyKind::url:
        return "GET " + core::redact_secrets(ready.url) + " to answer 2xx";
    case core::DevReadyKind::port:
        return ready.host + ":" + std::to_string(ready.port) + " to accept connections";
    case core::DevReadyKind::output:
        return "an output line matching /" + ready.pattern + "/";
    case core::DevReadyKind::printed_port:
        break;
    }
    return "the http://localhost:PORT it prints to accept connections";
}

} // namespace farm::dev
