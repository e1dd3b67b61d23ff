#include "broker/config_render.h"

#include <initializer_list>
#include <set>
#include <sstream>

#include "util/error.h"

namespace mosq::broker {
namespace {

const char* bool_word(bool value) { return value ? "true" : "false"; }

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

// The second net under the spec reader's rule: a value that would break
// its line (a line break or any control character, blanks Mosquitto trims,
// nothing at all) is never written.
class ConfigLines {
 public:
  void comment(const std::string& text) { m_out << "# " << text << "\n"; }
  void blank() { m_out << "\n"; }
  void line(const std::string& directive, std::initializer_list<std::string> values) {
    std::string text = directive;
    for (const std::string& value : values) {
      check(directive, value);
      text += " " + value;
    }
    m_out << text << "\n";
  }
  std::string str() const { return m_out.str(); }

 private:
  static void check(const std::string& directive, const std::string& value) {
    bool broken = value.empty() || value.front() == ' ' || value.back() == ' ';
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      broken = broken || byte < 0x20 || byte == 0x7f;
    }
    if (broken) {
      throw Error("internal error: refusing to write a broker config line '" + directive +
                  "' whose value is empty, has outer blanks or a control character");
    }
  }
  std::ostringstream m_out;
};

}  // namespace

std::string render_config(const spec::Spec& spec) {
  ConfigLines out;
  out.comment("Managed by mosq-reconcile. Do not edit: the next run puts it back.");
  out.line("per_listener_settings", {"false"});
  out.line("allow_anonymous", {bool_word(spec.broker.allow_anonymous)});
  out.line("password_file", {spec.broker.password_file});
  if (spec.broker.acl_file) out.line("acl_file", {*spec.broker.acl_file});
  for (const spec::Listener& listener : spec.listeners) {
    out.blank();
    if (listener.bind_address) {
      if (listener.bind_address->find(' ') != std::string::npos) {
        throw Error("internal error: a listener's bind address holds a space");
      }
      out.line("listener", {std::to_string(listener.port), *listener.bind_address});
    } else {
      out.line("listener", {std::to_string(listener.port)});
    }
    if (!listener.tls || !spec.tls) continue;
    out.line("cafile", {spec.tls->ca.cert_path});
    out.line("certfile", {spec.tls->server.cert_path});
    out.line("keyfile", {spec.tls->server.key_path});
    out.line("tls_version", {std::string(spec::tls_version_name(listener.tls_version))});
    out.line("require_certificate", {bool_word(listener.require_certificate)});
    if (listener.use_identity_as_username) out.line("use_identity_as_username", {"true"});
  }
  return out.str();
}

bool is_listener_option(const std::string& option) {
  static const std::set<std::string> k_listener_options{
      // Listeners
      "bind_address", "bind_interface", "http_dir", "listener", "max_connections", "maximum_qos", "max_qos",
      "max_topic_alias", "mount_point", "port", "protocol", "socket_domain", "use_username_as_clientid",
      "websockets_headers_size",
      // Certificate based SSL/TLS support
      "cafile", "capath", "certfile", "ciphers", "ciphers_tls1.3", "crlfile", "dhparamfile", "keyfile",
      "require_certificate", "tls_engine", "tls_engine_kpass_sha1", "tls_keyform", "tls_version",
      "use_identity_as_username", "use_subject_as_username",
      // Pre-shared-key based SSL/TLS support
      "psk_hint"};
  return k_listener_options.count(option) != 0;
}

std::string listener_section(const std::string& config_text) {
  std::istringstream in(config_text);
  std::string line;
  std::string section;
  bool in_listener = false;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    const std::string option = t.substr(0, t.find_first_of(" \t"));
    if (option == "listener" || option == "port") in_listener = true;
    if (in_listener && is_listener_option(option)) section += t + "\n";
  }
  return section;
}

}  // namespace mosq::broker
