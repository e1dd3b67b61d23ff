#include "spec/section_readers.h"

namespace mosq::spec {
namespace {

constexpr long long k_max_port = 65535;

std::optional<TlsVersion> read_tls_version(YamlReader& reader, const Located& at) {
  auto value = reader.string(at);
  if (!value) {
    return std::nullopt;
  }
  if (*value == "tlsv1.2") {
    return TlsVersion::tlsv1_2;
  }
  if (*value == "tlsv1.3") {
    return TlsVersion::tlsv1_3;
  }
  if (*value == "tlsv1.1") {
    return TlsVersion::tlsv1_1;
  }
  if (*value == "tlsv1" || *value == "tlsv1.0") {
    reader.error(at, "'" + *value +
                         "' is refused: Mosquitto 2.0 does not start with it (\"Unsupported tls_version\"); "
                         "use tlsv1.2 or tlsv1.3 (tlsv1.1 is accepted with a warning)");
    return std::nullopt;
  }
  reader.one_of(at, {"tlsv1.2", "tlsv1.3", "tlsv1.1"});
  return std::nullopt;
}

Listener read_listener(YamlReader& reader, const Located& at) {
  Listener listener;
  listener.mark = at.field_mark;
  const MappingReader fields(reader, at,
                             {"port", "bind_address", "tls", "tls_version", "require_certificate",
                              "use_identity_as_username"});
  if (const auto port = fields.required("port")) {
    if (const auto value = reader.integer(*port)) {
      if (*value < 1 || *value > k_max_port) {
        reader.error(*port, "expected a port number 1..65535, got " + std::to_string(*value));
      } else {
        listener.port = static_cast<int>(*value);
      }
    }
  }
  if (const auto bind_address = fields.optional("bind_address")) {
    listener.bind_address = reader.text(*bind_address);
    if (listener.bind_address && listener.bind_address->find(' ') != std::string::npos) {
      reader.error(*bind_address, "not an address or host name: it contains a space");
      listener.bind_address.reset();
    }
  }
  if (const auto tls = fields.optional("tls")) {
    listener.tls = reader.boolean(*tls).value_or(true);
  }
  if (const auto tls_version = fields.optional("tls_version")) {
    listener.tls_version = read_tls_version(reader, *tls_version).value_or(TlsVersion::tlsv1_2);
  }
  if (const auto require_certificate = fields.optional("require_certificate")) {
    listener.require_certificate = reader.boolean(*require_certificate).value_or(false);
  }
  if (const auto use_identity = fields.optional("use_identity_as_username")) {
    listener.use_identity_as_username = reader.boolean(*use_identity).value_or(false);
  }
  return listener;
}

}  // namespace

std::vector<Listener> read_listeners(YamlReader& reader, const Located& listeners) {
  std::vector<Listener> result;
  if (const auto items = reader.list(listeners)) {
    for (const auto& item : *items) {
      result.push_back(read_listener(reader, item));
    }
  }
  return result;
}

}  // namespace mosq::spec
