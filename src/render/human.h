// The plan for people: one line per changing resource with its reasons,
// Terraform's markers (+ create, ~ update, -/+ replace, - delete) and a
// summary line. Colour only when asked (the CLI asks on a TTY).
#pragma once

#include <string>

#include "plan/plan.h"

namespace mosq::render {

enum class Color { off, on };

std::string render_human(const plan::Plan& plan, Color color);

// "Plan: 1 to add, 2 to change, 1 to replace." or "No changes."
std::string summary_line(const plan::Plan& plan);

}  // namespace mosq::render
