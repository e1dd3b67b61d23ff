#include "observe/pki.h"

#include "observe/observe.h"
#include "observe/read_limits.h"
#include "spec/spec_error.h"
#include "util/error.h"

namespace mosq::observe {
namespace {

// The loaded key stays here, beside its observation, for the checks that
// need it (does the certificate match it?); it never leaves observe.
struct LoadedKey {
  ObservedKey observed;
  std::optional<crypto::PrivateKey> key;
};

LoadedKey observe_key(const FileSystem& fs, const Root& root, const std::string& path,
                      const Secret* passphrase) {
  LoadedKey loaded;
  std::string content;
  loaded.observed.file = observe_file(fs, root, path, k_max_pem_bytes, &content);
  if (!loaded.observed.file.exists()) return loaded;
  Secret pem(std::move(content));
  crypto::KeyLoadResult result = crypto::load_private_key(pem, passphrase);
  loaded.observed.status = result.status;
  loaded.observed.encrypted = result.encrypted;
  loaded.observed.detail = result.detail;
  if (result.key) {
    loaded.observed.type = result.key->type();
    loaded.observed.description = result.key->describe();
    loaded.observed.fingerprint = result.key->public_key_fingerprint();
    loaded.key = std::move(result.key);
  }
  return loaded;
}

struct LoadedCertificate {
  ObservedCertificate observed;
  std::optional<crypto::Certificate> cert;
};

LoadedCertificate observe_certificate(const FileSystem& fs, const Root& root,
                                      const std::string& path, const LoadedKey& key) {
  LoadedCertificate loaded;
  std::string content;
  loaded.observed.file = observe_file(fs, root, path, k_max_pem_bytes, &content);
  if (!loaded.observed.file.exists()) return loaded;
  loaded.cert = crypto::Certificate::parse_pem(content, &loaded.observed.parse_error);
  if (!loaded.cert) return loaded;
  loaded.observed.parsed = true;
  loaded.observed.extra_content = content != loaded.cert->to_pem();
  loaded.observed.facts = loaded.cert->facts();
  loaded.observed.matches_key = key.key && loaded.cert->matches_key(*key.key);
  return loaded;
}

void check_ca_key_opens(const spec::Spec& spec, const Root& root, const ObservedKey& key) {
  if (!key.file.exists()) return;
  const std::string path = root.host_path(key.file.path).str();
  const auto& var = spec.tls->ca.passphrase_env;
  switch (key.status) {
    case crypto::KeyLoadStatus::ok:
      return;
    case crypto::KeyLoadStatus::needs_passphrase:
      spec::throw_located(
          spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
          path +
              " is encrypted and the spec gives no passphrase: set passphrase_env to the "
              "variable that holds it");
    case crypto::KeyLoadStatus::wrong_passphrase:
      spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
                          "the passphrase in " + var.value_or("?") + " does not decrypt " + path +
                              "; nothing was changed");
    case crypto::KeyLoadStatus::corrupt:
      if (var) {
        spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.key",
                            path + " is not a readable private key (" + key.detail +
                                ") and a passphrase is set: refusing to replace the CA key; "
                                "restore it or remove it by hand to make a new CA");
      }
      return;  // planned as a replacement, flagged as breaking trust
  }
}

}  // namespace

ObservedPki observe_pki(const spec::Spec& spec, const ResolvedSecrets& secrets,
                        const FileSystem& fs, const Root& root) {
  const spec::Tls& tls = *spec.tls;
  ObservedPki pki;
  const Secret* passphrase = secrets.ca_passphrase ? &*secrets.ca_passphrase : nullptr;
  LoadedKey ca_key = observe_key(fs, root, tls.ca.key_path, passphrase);
  check_ca_key_opens(spec, root, ca_key.observed);
  LoadedCertificate ca_cert = observe_certificate(fs, root, tls.ca.cert_path, ca_key);
  ca_cert.observed.signed_by_ca = ca_cert.cert && ca_cert.cert->signed_by(*ca_cert.cert);

  auto signed_by_ca = [&](const LoadedCertificate& leaf) {
    return leaf.cert && ca_cert.cert && leaf.cert->signed_by(*ca_cert.cert);
  };

  LoadedKey server_key = observe_key(fs, root, tls.server.key_path, nullptr);
  LoadedCertificate server_cert = observe_certificate(fs, root, tls.server.cert_path, server_key);
  server_cert.observed.signed_by_ca = signed_by_ca(server_cert);

  for (const spec::ClientCertificateSpec& client : tls.clients) {
    LoadedKey key = observe_key(fs, root, client.certificate.key_path, nullptr);
    LoadedCertificate cert = observe_certificate(fs, root, client.certificate.cert_path, key);
    cert.observed.signed_by_ca = signed_by_ca(cert);
    pki.client_keys[client.name] = std::move(key.observed);
    pki.client_certs[client.name] = std::move(cert.observed);
  }
  pki.ca_key = std::move(ca_key.observed);
  pki.ca_cert = std::move(ca_cert.observed);
  pki.server_key = std::move(server_key.observed);
  pki.server_cert = std::move(server_cert.observed);
  return pki;
}

}  // namespace mosq::observe
