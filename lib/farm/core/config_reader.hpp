// The strict reader behind load_config (config.cpp) and its sections in other files
// (config_dev.cpp, config_ai.cpp, config_test.cpp): every check names the key's path, and the line
// and column where the value stands in the file, so that a config that does not load says exactly
// where to look. Internal to core: commands and the rest of the library use config.hpp.
#pragma once

#include "farm/core/config.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::core::detail {

class ConfigReader {
  public:
    ConfigReader(std::filesystem::path file, std::string text)
        : m_file(std::move(file)), m_text(std::move(text)) {}

    // Throws UsageError "FILE:LINE:COLUMN: WHERE: WHAT (see docs/config.md)"; the position is
    // left out when WHERE is not a path in the file ("the top level").
    [[noreturn]] void fail(const std::string& where, const std::string& what) const;

    // Every key of `object` must be one of `known`.
    void check_keys(const nlohmann::json& object, const std::string& where,
                    const std::vector<std::string>& known) const;
    double number(const nlohmann::json& value, const std::string& where, double min,
                  double max) const;
    // A whole number (5, 5.0 or 5e0, never 2.5) between min and max.
    std::int64_t integer(const nlohmann::json& value, const std::string& where, std::int64_t min,
                         std::int64_t max) const;
    // A duration in seconds between min and core::max_duration_s (30 days).
    double seconds(const nlohmann::json& value, const std::string& where, double min) const;
    std::string string(const nlohmann::json& value, const std::string& where) const;
    std::int64_t size(const nlohmann::json& value, const std::string& where) const;
    std::vector<std::string> strings(const nlohmann::json& value, const std::string& where) const;
    // An array of {path, limit, compression}, as build.budgets.
    std::vector<SizeBudget> size_budgets(const nlohmann::json& value,
                                         const std::string& where) const;

  private:
    std::filesystem::path m_file;
    std::string m_text;
};

// The sections read in files of their own.
void read_dev(const ConfigReader& reader, const nlohmann::json& dev, DevConfig& out);
void read_dev_thresholds(const ConfigReader& reader, const nlohmann::json& thresholds,
                         DevThresholds& out);
void read_ai(const ConfigReader& reader, const nlohmann::json& ai, AiConfig& out);
void read_test(const ConfigReader& reader, const nlohmann::json& test, TestConfig& out);
// The services and providers the test suites name exist in the dev and ai sections.
void check_test_references(const ConfigReader& reader, const Config& config);

} // namespace farm::core::detail
