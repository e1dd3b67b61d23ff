// tls.ca's managed: and key_env: fields. A fleet trusts one CA made once
// (on the Ansible control node, its key in the vault): each broker is then
// given the CA certificate (managed: false) and signs its own server and
// client certificates with the key from key_env, which never reaches disk.
#pragma once

#include <optional>
#include <string>

#include "spec/yaml_reader.h"

namespace mosq::spec {

struct CaSource {
  bool managed = true;
  std::optional<std::string> key_env;
};

// Reads managed and key_env from the CA's fields and reports, each at its
// field, what a given CA cannot have (subject, validity_days, key_type: they
// come from the certificate; allow_replace: it is never replaced here), what it needs (key_env or key) and what only
// it can have (key_env).
CaSource read_ca_source(YamlReader& reader, const MappingReader& fields);

}  // namespace mosq::spec
