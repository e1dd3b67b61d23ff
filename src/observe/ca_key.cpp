#include "observe/ca_key.h"

#include "spec/spec_error.h"

namespace mosq::observe {

std::string CaKey::source(const Root& root) const {
  return origin == CaKeyOrigin::environment ? "environment variable " + name : root.host_path(name).str();
}

std::optional<CaKey> resolve_ca_key(const spec::Spec& spec, const FileSystem& fs, const Root& root,
                                    const EnvLookup& env, const Secret* passphrase, const ToolState& recorded) {
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
  key.loaded = observe_key(fs, root, ca.key_path, passphrase, ca_key_record(spec, recorded));
  key.present = key.loaded.observed.file.exists();
  return key;
}

void throw_wrong_ca_passphrase(const spec::Spec& spec, const std::string& host_path) {
  spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
                      "the passphrase in " + spec.tls->ca.passphrase_env.value_or("?") + " does not decrypt " +
                          host_path + "; nothing was changed");
}

const KeyRecord* ca_key_record(const spec::Spec& spec, const ToolState& state) {
  if (!spec.tls || !spec.tls->ca.managed || spec.tls->ca.key_env) return nullptr;
  const spec::CertificateSpec& ca = spec.tls->ca;
  if (ca.passphrase_env) return state.verified_ca_key ? &*state.verified_ca_key : nullptr;
  return state.key_record(ca.key_path);
}

}  // namespace mosq::observe
