// Runs a program (no shell) and collects its exit status and output.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mosq::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or not started
  std::string out;
  std::string err;
};

// env: variables to set on top of (or, with an empty value prefixed by
// "-", removed from) this process's environment. stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          int timeout_seconds = 120);

// As run_process, with stderr sent to the same pipe as stdout: `out` holds
// both, interleaved as the program wrote them (what `cmd 2>&1` shows), and
// `err` only this helper's own notes (could not start, killed on timeout).
ProcessResult run_process_combined(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env = {},
                                   int timeout_seconds = 120);

// The tool under test, with args.
ProcessResult run_tool(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});

// "exit 2\n--- stdout\n...\n--- stderr\n..." for failure messages.
std::string describe(const ProcessResult& result);

}  // namespace mosq::test
