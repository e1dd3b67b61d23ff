#include "broker/config_render.h"

#include <sstream>

namespace mosq::broker {
namespace {

const char* bool_word(bool value) { return value ? "true" : "false"; }

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

std::string render_config(const spec::Spec& spec) {
  std::ostringstream out;
  out << "# Managed by mosq-reconcile. Do not edit: the next run puts it back.\n";
  out << "per_listener_settings false\n";
  out << "allow_anonymous " << bool_word(spec.broker.allow_anonymous) << "\n";
  out << "password_file " << spec.broker.password_file << "\n";
  for (const spec::Listener& listener : spec.listeners) {
    out << "\n";
    out << "listener " << listener.port;
    if (listener.bind_address) out << " " << *listener.bind_address;
    out << "\n";
    if (!listener.tls || !spec.tls) continue;
    out << "cafile " << spec.tls->ca.cert_path << "\n";
    out << "certfile " << spec.tls->server.cert_path << "\n";
    out << "keyfile " << spec.tls->server.key_path << "\n";
    out << "tls_version " << spec::tls_version_name(listener.tls_version) << "\n";
    out << "require_certificate " << bool_word(listener.require_certificate) << "\n";
    if (listener.use_identity_as_username) out << "use_identity_as_username true\n";
  }
  return out.str();
}

std::string listener_section(const std::string& config_text) {
  std::istringstream in(config_text);
  std::string line;
  std::string section;
  bool in_listeners = false;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (t.rfind("listener ", 0) == 0 || t.rfind("port ", 0) == 0) in_listeners = true;
    if (in_listeners) section += t + "\n";
  }
  return section;
}

}  // namespace mosq::broker
