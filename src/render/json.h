// The plan as JSON: the contract for Ansible, CI and monitoring.
// format_version "1.0"; a breaking change bumps the major number.
// No secret (password, hash, key) ever appears: password lines are named
// by user only, keys by type and public-key fingerprint at most.
#pragma once

#include <nlohmann/json.hpp>

#include "plan/plan.h"
#include "render/diff.h"

namespace mosq::render {

constexpr const char* k_json_format_version = "1.0";

nlohmann::json render_json(const plan::Plan& plan);

// --json --diff: [{"path", "exists", "before", "after"}], hashes redacted.
nlohmann::json render_json_file_diffs(const std::vector<FileDiff>& diffs);

// ["create"], ["update"], ["delete","create"], ["delete"], ["no-op"].
nlohmann::json json_actions(plan::Action action);

}  // namespace mosq::render
