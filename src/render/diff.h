// --diff: unified diffs of the text files the plan changes: the broker
// config, the ACL file, and the password file with every hash shown as
// (sensitive value).
#pragma once

#include <string>
#include <vector>

#include "observe/observed.h"
#include "plan/plan.h"

namespace mosq::render {

// One changed text file, before and after (hashes redacted): what --json
// --diff lists as file_diffs, and what Ansible's diff mode shows.
struct FileDiff {
  std::string path;
  bool exists = false;  // false: before is empty, the file is created
  std::string before;
  std::string after;
};

std::vector<FileDiff> file_diffs(const plan::Plan& plan, const observe::Observed& observed);

// Unified diffs of file_diffs().
std::string render_diff(const plan::Plan& plan, const observe::Observed& observed);

// "user:hash" -> "user:(sensitive value)"; other lines unchanged.
std::string redact_password_file(const std::string& content);

}  // namespace mosq::render
