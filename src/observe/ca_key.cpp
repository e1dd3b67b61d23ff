#include "observe/ca_key.h"

namespace mosq::observe {

std::string CaKey::source(const Root& root) const {
  return origin == CaKeyOrigin::environment ? "environment variable " + name : root.host_path(name).str();
}

std::optional<CaKey> resolve_ca_key(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                                    const EnvLookup& env, const Secret* passphrase) {
  if (!spec.tls) return std::nullopt;
  const spec::CertificateSpec& ca = spec.tls->ca;
  CaKey key;
  if (ca.key_env) {
    key.origin = CaKeyOrigin::environment;
    key.name = *ca.key_env;
    key.field = "tls.ca.key_env";
    std::optional<std::string> value = env(*ca.key_env);
    if (!value) return key;
    // Moved, not copied: the PEM's only copy is the Secret, wiped when it goes.
    const Secret pem(std::move(*value));
    key.present = !pem.empty();
    if (key.present) key.loaded = load_key(pem, passphrase);
    return key;
  }
  if (ca.key_path.empty()) return std::nullopt;
  key.name = ca.key_path;
  key.field = "tls.ca.key";
  key.loaded = observe_key(fs, root, ca.key_path, passphrase);
  key.present = key.loaded.observed.file.exists();
  return key;
}

}  // namespace mosq::observe
