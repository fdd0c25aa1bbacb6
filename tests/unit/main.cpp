// The unit-test runner: doctest's main, run from a fresh temporary folder so that tests which
// write files (databases, fixtures) never touch the source tree or each other's leftovers.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

int main(int argc, char** argv) {
    std::string pattern = (std::filesystem::temp_directory_path() / "farm-unit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        return 2;
    }
    std::filesystem::path original = std::filesystem::current_path();
    std::filesystem::current_path(pattern);
    doctest::Context context;
    context.applyCommandLine(argc, argv);
    int result = context.run();
    std::filesystem::current_path(original);
    std::error_code ec;
    std::filesystem::remove_all(pattern, ec);
    return result;
}
