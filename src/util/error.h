// The one domain error type. Low layers throw it with a message worded for
// the user (naming the file, line and field where there is one); only the
// top level (cli/run.cpp) turns it into output and an exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace mosq {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace mosq
