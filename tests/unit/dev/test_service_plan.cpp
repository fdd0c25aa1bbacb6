// dev::plan_services: each service's framework, from its workspace package's dependencies or
// from the command's own words, so that its advice names that framework's settings only.
#include "farm/dev/service_plan.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm;

TEST_CASE("dev::framework_in_command reads the command's words") {
    CHECK(dev::framework_in_command({"pnpm", "exec", "next", "dev", "--turbopack"}) == "Next.js");
    CHECK(dev::framework_in_command({"node_modules/.bin/vite", "--port", "5173"}) == "Vite");
    CHECK(dev::framework_in_command({"pnpm", "run", "dev"}).empty());
    CHECK(dev::framework_in_command({"node", "next-server.js"}).empty()); // not the next CLI
}

TEST_CASE("dev::plan_services: a workspace package's framework from its dependencies") {
    std::filesystem::path root = test::fresh_folder("service_plan", "workspace");
    test::write_file(root / "package.json", R"({"name": "root", "private": true})");
    test::write_file(root / "pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n");
    test::write_file(root / "turbo.json", R"({"tasks": {"dev": {}}})");
    test::write_file(root / "apps/web/package.json",
                     R"({"name": "@acme/web", "scripts": {"dev": "next dev"},
                         "dependencies": {"next": "15.5.9"}})");
    test::write_file(root / "apps/site/package.json",
                     R"({"name": "@acme/site", "scripts": {"dev": "vite"},
                         "devDependencies": {"vite": "6.3.5"}})");
    test::write_file(root / "apps/api/package.json",
                     R"({"name": "@acme/api", "scripts": {"dev": "node server.js"}})");
    std::vector<dev::ServiceSpec> specs = dev::plan_services(core::DevConfig{}, root);
    REQUIRE(specs.size() == 3);
    for (const dev::ServiceSpec& spec : specs) {
        CAPTURE(spec.name);
        CHECK(spec.framework == (spec.name == "@acme/web"    ? "Next.js"
                                 : spec.name == "@acme/site" ? "Vite"
                                                             : ""));
    }

    // A configured service: from its command.
    core::DevConfig config;
    core::DevService service;
    service.name = "front";
    service.command_line = "pnpm exec vite --port 5173";
    config.services.push_back(service);
    std::vector<dev::ServiceSpec> configured = dev::plan_services(config, root);
    REQUIRE(configured.size() == 1);
    CHECK(configured[0].framework == "Vite");
}
