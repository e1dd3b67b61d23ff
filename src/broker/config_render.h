// The broker config snippet this tool owns, rendered from the spec.
// Deterministic: the same spec always gives the same bytes.
#pragma once

#include <string>

#include "spec/spec.h"

namespace mosq::broker {

std::string render_config(const spec::Spec& spec);

// Whether a config option belongs to the listener above it (mosquitto.conf(5)
// of 2.0, "Listeners" and the listener TLS/PSK options). Any other option
// is global wherever it stands, even after a listener line.
bool is_listener_option(const std::string& option);

// The part of a config text that Mosquitto reads only at start: each
// listener's line followed by its own options, trimmed, comments and
// global options left out. When this differs between the running config
// and the new one, SIGHUP is not enough.
std::string listener_section(const std::string& config_text);

}  // namespace mosq::broker
