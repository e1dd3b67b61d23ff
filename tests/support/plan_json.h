// Reading the output of `mosq-reconcile --plan --json` in tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mosq::test {

// The action planned for a resource, from "resources" (no-ops included);
// "(absent)" when the plan does not list it.
inline std::string action_of(const nlohmann::json& plan, const std::string& resource) {
  for (const auto& r : plan.at("resources")) {
    if (r.at("resource") == resource) return r.at("action");
  }
  return "(absent)";
}

// The resource's entry in "changes", nullptr when it has none.
inline const nlohmann::json* change_of(const nlohmann::json& plan, const std::string& resource) {
  for (const auto& c : plan.at("changes")) {
    if (c.at("resource") == resource) return &c;
  }
  return nullptr;
}

}  // namespace mosq::test
