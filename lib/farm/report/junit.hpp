// JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): `farm perf:test --junit`.
// One <testsuite> per suite of farm.config.json, one <testcase> per check (classname the suite,
// name "SUBJECT metric"), a <failure> with the reason for each failed check, <skipped> for a
// suite that was not run, and one failed case for a suite whose job failed. Text is escaped for
// XML and characters XML 1.0 cannot hold are dropped, so the file always parses.
#pragma once

#include "farm/report/suite_run.hpp"

#include <string>
#include <vector>

namespace farm::report {

std::string render_junit(const std::vector<SuiteOutcome>& suites, const std::string& timestamp);

// `text` escaped for an XML attribute or element.
std::string xml_escape(const std::string& text);

} // namespace farm::report
