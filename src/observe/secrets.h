// Secrets are resolved late, just before observing, from the sources the
// spec names (environment variables, files), and held as Secret.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "observe/ca_key.h"
#include "observe/env_lookup.h"
#include "observe/tool_state.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"
#include "util/secret.h"

namespace mosq::observe {

struct ResolvedSecrets {
  std::unordered_map<std::string, Secret> passwords;  // user -> password, env and file sources
  std::optional<Secret> ca_passphrase;      // when tls.ca.passphrase_env is set
  // tls.ca.passphrase_env is set but its variable is not (or is empty):
  // "environment variable X is not set", for messages. Allowed only where
  // no key is opened (see observe/pki.cpp).
  std::optional<std::string> ca_passphrase_missing;
  std::optional<CaKey> ca_key;              // when the spec has tls: (see ca_key.h)
  // What earlier applies recorded (observe/tool_state.h), read once here,
  // before the CA key it vouches for, and used by observe. Not a secret.
  ToolState recorded;
};

// Throws SpecError with every missing or unreadable source, each naming the
// spec location, the field and the variable or file ("broker.yaml:14:5:
// users[0].password_env: environment variable MQTT_USER1_PASSWORD is not
// set"). Values never appear in messages.
// Password files are read on `workers` threads when there are many; the
// result and the problems reported are the same for any number.
ResolvedSecrets resolve_secrets(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                                const EnvLookup& env, unsigned workers = 1);

}  // namespace mosq::observe
