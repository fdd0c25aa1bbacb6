// The one exception family of farm and the exit codes it maps to.
//
// The library reports every failure by throwing farm::Error (or a subclass); main() catches it
// once and turns it into a message on stderr and an exit code. Messages say what was wrong,
// where (file, line, column when there is one) and what to do about it.
#pragma once

#include <stdexcept>
#include <string>

namespace farm {

// Documented in README.md; scripts and CI rely on these values.
enum class ExitCode : int {
    ok = 0,
    check_failed = 1,   // a threshold, budget or regression check failed
    usage = 2,          // bad options, bad configuration, unusable database
    command_failed = 3, // the measured command failed or could not be started
    interrupted = 130,  // Ctrl-C or SIGTERM
};

class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, ExitCode code = ExitCode::usage)
        : std::runtime_error(message), m_code(code) {}
    ExitCode code() const { return m_code; }

  private:
    ExitCode m_code;
};

// Bad options or configuration: exit 2.
class UsageError : public Error {
  public:
    explicit UsageError(const std::string& message) : Error(message, ExitCode::usage) {}
};

// The command being measured failed, timed out or does not exist: exit 3.
class CommandError : public Error {
  public:
    explicit CommandError(const std::string& message) : Error(message, ExitCode::command_failed) {}
};

// A history database that cannot be used (damaged, foreign, unwritable): exit 2.
class DatabaseError : public Error {
  public:
    explicit DatabaseError(const std::string& message) : Error(message, ExitCode::usage) {}
};

// A server that cannot be reached, does not answer in time or answers with an error (an HTTP
// request that failed, a Pushgateway that refused a push): exit 2, since the fix is almost
// always a URL, a running service or a setting.
class NetworkError : public Error {
  public:
    explicit NetworkError(const std::string& message) : Error(message, ExitCode::usage) {}
};

} // namespace farm
