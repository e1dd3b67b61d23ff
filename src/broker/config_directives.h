// Reading a Mosquitto 2.0 config file as the broker does (mosquitto.conf(5),
// src/conf.c): one directive per line, tokens split on spaces, '#' in the
// first column a comment; a listener's options belong to the last
// `listener` line above them in the same file (each file starts in the
// default listener's scope); include_dir files load in Mosquitto's order.
// Used to read hand-made config files the tool never writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosq::broker {

struct ConfigDirective {
  int line = 0;                   // 1-based
  std::string name;               // "password_file"
  std::string value;              // the rest of the line, trimmed
  // For a listener option (is_listener_option): the port of the listener
  // it belongs to, and that listener's line; line 0 for the default
  // listener (options before any `listener` line; its port is `port`, or
  // 1883).
  bool in_listener = false;
  int listener_line = 0;
  std::optional<int> listener_port;
};

std::vector<ConfigDirective> parse_config_directives(const std::string& text);

// A port as a `listener` or `port` line's first token gives it: 1..65535.
std::optional<int> parse_port(const std::string& token);

// Mosquitto's include_dir order: case-sensitive alphabetical, the upper
// case of a letter before its lower case (00.conf, 01.conf, A.conf,
// a.conf, B.conf, b.conf).
bool include_order_less(const std::string& a, const std::string& b);

// The default listener exists when `port` or any listener option stands
// before the first `listener` line (Mosquitto 2.0 then listens on `port`,
// or 1883): its port, or nullopt.
std::optional<int> default_listener_port(const std::vector<ConfigDirective>& directives);

}  // namespace mosq::broker
