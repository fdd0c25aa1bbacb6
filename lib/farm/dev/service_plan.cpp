#include "farm/dev/service_plan.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/pnpm/project.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace farm::dev {

namespace {

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
        std::istringstream words(service.command_line);
        std::string word;
        while (words >> word) {
            command.argv.push_back(word);
        }
    }
    command.cwd = service.cwd.empty() ? root : root / service.cwd;
    command.extra_env = service.env;
    return command;
}

bool has_word(const std::string& name, const std::vector<std::string>& words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const std::string& w) { return name.find(w) != std::string::npos; });
}

// At a turbo or Nx root: a service per workspace package with a `dev` script; nothing elsewhere.
std::vector<core::DevService> workspace_services(const std::filesystem::path& root) {
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
        service.argv = {"pnpm", "--filter", pnpm::filter_selector(project, package), "run", "dev"};
        services.push_back(std::move(service));
    }
    return services;
}

} // namespace

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
    if (services.empty()) {
        services = workspace_services(project_root);
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
