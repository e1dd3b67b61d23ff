#pragma once

#include <string>

namespace mosq {

// A unified diff (3 lines of context) of two texts, "" when equal.
std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& before_label, const std::string& after_label);

}  // namespace mosq
