// How the tool reads its environment: a function, so tests inject one.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace mosq::observe {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// getenv().
EnvLookup process_environment();

}  // namespace mosq::observe
