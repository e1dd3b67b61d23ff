// --diff: unified diffs of the text files the plan changes: the broker
// config, and the password file with every hash shown as (sensitive value).
#pragma once

#include <string>

#include "observe/observed.h"
#include "plan/plan.h"

namespace mosq::render {

std::string render_diff(const plan::Plan& plan, const observe::Observed& observed);

// "user:hash" -> "user:(sensitive value)"; other lines unchanged.
std::string redact_password_file(const std::string& content);

}  // namespace mosq::render
