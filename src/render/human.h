// The plan for people: one line per changing resource with its reasons,
// Terraform's markers (+ create, ~ update, -/+ replace, - delete) and a
// summary line. Colour only when asked (the CLI asks on a TTY).
#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"

namespace mosq::render {

enum class Color { off, on };

// The plan, without its warnings (those go to stderr: render_warnings).
std::string render_human(const plan::Plan& plan, Color color);

// "Warning: ...\n" per warning of the plan.
std::string render_warnings(const plan::Plan& plan, Color color);

// "Plan: 1 to add, 2 to change, 1 to replace, 0 to remove (users: +1 ~0 -1)."
// or "No changes."
std::string summary_line(const plan::Plan& plan);

// One line per changing resource ("~ password file /etc/mosquitto/mqttpass:
// +sensor-7, -olduser"), then restart lines: what --quiet prints.
std::vector<std::string> change_lines(const plan::Plan& plan);

}  // namespace mosq::render
