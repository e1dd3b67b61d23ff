#include "broker/config_directives.h"

#include <cctype>
#include <sstream>

#include "broker/config_render.h"

namespace mosq::broker {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::optional<int> parse_port(const std::string& token) {
  if (token.empty() || token.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

std::vector<ConfigDirective> parse_config_directives(const std::string& text) {
  std::vector<ConfigDirective> directives;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  bool after_listener = false;
  int listener_line = 0;
  std::optional<int> listener_port;
  while (std::getline(in, raw)) {
    ++line;
    const std::string t = trim(raw);
    if (t.empty() || t.front() == '#') continue;
    ConfigDirective d;
    d.line = line;
    const auto space = t.find_first_of(" \t");
    d.name = t.substr(0, space);
    d.value = space == std::string::npos ? "" : trim(t.substr(space));
    if (d.name == "listener") {
      after_listener = true;
      listener_line = line;
      listener_port = parse_port(d.value.substr(0, d.value.find_first_of(" \t")));
    }
    if (is_listener_option(d.name) && d.name != "port") {
      d.in_listener = true;
      d.listener_line = after_listener ? listener_line : 0;
      d.listener_port = after_listener ? listener_port : std::nullopt;
    }
    directives.push_back(std::move(d));
  }
  // The default listener's options learn its port once the file is read.
  const std::optional<int> default_port = default_listener_port(directives);
  for (ConfigDirective& d : directives) {
    if (d.in_listener && d.listener_line == 0) d.listener_port = default_port;
  }
  return directives;
}

std::optional<int> default_listener_port(const std::vector<ConfigDirective>& directives) {
  bool exists = false;
  std::optional<int> port;
  for (const ConfigDirective& d : directives) {
    if (d.name == "listener") break;
    if (d.name == "port") {
      exists = true;
      port = parse_port(d.value);
    } else if (is_listener_option(d.name)) {
      exists = true;
    }
  }
  // `port` may also follow the first listener line: it is global in scope.
  for (const ConfigDirective& d : directives) {
    if (d.name == "port") {
      exists = true;
      port = parse_port(d.value);
    }
  }
  if (!exists) return std::nullopt;
  return port.value_or(1883);
}

bool include_order_less(const std::string& a, const std::string& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = static_cast<unsigned char>(a[i]);
    const unsigned char y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    const int lx = std::tolower(x), ly = std::tolower(y);
    if (lx != ly) return lx < ly;
    return std::isupper(x) != 0;  // same letter: upper case first
  }
  return a.size() < b.size();
}

}  // namespace mosq::broker
