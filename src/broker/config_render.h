// The broker config snippet this tool owns, rendered from the spec.
// Deterministic: the same spec always gives the same bytes.
#pragma once

#include <string>

#include "spec/spec.h"

namespace mosq::broker {

std::string render_config(const spec::Spec& spec);

// The part of a config text that Mosquitto reads only at start (listener
// blocks and what they load), normalised: when this differs between the
// running config and the new one, SIGHUP is not enough.
std::string listener_section(const std::string& config_text);

}  // namespace mosq::broker
