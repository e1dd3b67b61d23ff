// The CA's private key, loaded once, before observing, from the one place
// the spec names: the key file (maybe encrypted, tls.ca.passphrase_env) or,
// for a given CA (managed: false), the PEM text in tls.ca.key_env. It then
// lives in the resolved secrets: observe checks it against the CA
// certificate, the plan reads its observation, and the issuer signs with it.
// A key from the environment never reaches the disk, the output or a
// message; its PEM text is a Secret, wiped once loaded, and the loaded key
// is freed (and cleansed) by OpenSSL with the secrets.
#pragma once

#include <optional>
#include <string>

#include "observe/env_lookup.h"
#include "observe/key_file.h"
#include "observe/tool_state.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"
#include "util/secret.h"

namespace mosq::observe {

enum class CaKeyOrigin { file, environment };

struct CaKey {
  CaKeyOrigin origin = CaKeyOrigin::file;
  std::string name;      // the file as the spec names it, or the variable's name
  std::string field;     // "tls.ca.key" or "tls.ca.key_env", for messages
  bool present = false;  // the file exists; the variable is set and not empty
  LoadedKey loaded;      // for a file, its observation (metadata, digest) too

  bool usable() const { return loaded.key.has_value(); }
  // Vouched for by the state file's record and not opened this run (see
  // key_file.h): usable once unlock_ca_key() has opened it.
  bool locked() const { return !loaded.key && loaded.locked_pem.has_value(); }
  // Locked, and unlock_ca_key() can open it: not encrypted, or its
  // passphrase is at hand.
  bool unlockable(bool have_passphrase) const {
    return locked() && (have_passphrase || !loaded.observed.encrypted);
  }
  // "environment variable MQTT_CA_KEY" or the file's host path: for messages.
  std::string source(const Root& root) const;
};

// nullopt without tls:, or for a given CA without a key source (the loader
// refuses that). Never throws for a key that does not open: observe decides
// (a managed CA replaces a corrupt key; a given CA's key must open). Throws
// Error only for a key file that cannot be read at all. A managed CA's key
// file that the state file's record vouches for is not opened (key_file.h).
std::optional<CaKey> resolve_ca_key(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                                    const EnvLookup& env, const Secret* passphrase, const ToolState& recorded);

// The located error for a passphrase that does not decrypt the CA key file
// (its host path): nothing was changed.
[[noreturn]] void throw_wrong_ca_passphrase(const spec::Spec& spec, const std::string& host_path);

// The state file's record for a managed CA's key file: the encrypted key's
// (verified_ca_key) when passphrase_env is set, else the file's entry among
// the plain keys. Null for a given CA, whose key is always opened.
const KeyRecord* ca_key_record(const spec::Spec& spec, const ToolState& state);

}  // namespace mosq::observe
