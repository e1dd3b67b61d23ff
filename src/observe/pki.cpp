#include "observe/pki.h"

#include "crypto/key_type.h"
#include "observe/given_ca.h"
#include "observe/key_file.h"
#include "observe/observe.h"
#include "observe/read_limits.h"
#include "observe/tool_state.h"
#include "spec/spec_error.h"
#include "util/error.h"

namespace mosq::observe {
namespace {

struct LoadedCertificate {
  ObservedCertificate observed;
  std::optional<crypto::Certificate> cert;
  std::string content;  // the file's text
  const CertificateRecord* record = nullptr;  // vouches for the content; cert then not parsed

  // The certificate, parsed now if a record vouched for it (for a signature
  // check the record cannot answer); null when the file holds none.
  const crypto::Certificate* parsed() {
    if (!cert && observed.parsed) cert = crypto::Certificate::parse_pem(content, nullptr);
    return cert ? &*cert : nullptr;
  }
};

// Whether the certificate holds the key: compared as keys when both were
// opened, else by the public key's SHA-256 (a record's, for a key or a
// certificate that was not opened: key_file.h, tool_state.h).
bool holds_key(const LoadedCertificate& cert, const LoadedKey& key) {
  const std::string& fingerprint = cert.observed.facts.public_key_fingerprint;
  if (key.key) return cert.cert ? cert.cert->matches_key(*key.key) : fingerprint == key.key->public_key_fingerprint();
  return key.vouched() && fingerprint == key.observed.recorded_public_key_sha256;
}

// A certificate file as observed. A file whose digest is the one the state
// file's record names is not parsed: its facts come from the record (see
// tool_state.h; the record is made by an apply that parsed the file).
LoadedCertificate observe_certificate(const FileSystem& fs, const Root& root, const std::string& path,
                                      const LoadedKey& key, const ToolState& state) {
  LoadedCertificate loaded;
  loaded.observed.file = observe_file(fs, root, path, k_max_pem_bytes, &loaded.content);
  if (!loaded.observed.file.exists()) return loaded;
  const CertificateRecord* record = state.certificate_record(path);
  if (record && record->file_sha256 == loaded.observed.file.digest) {
    loaded.record = record;
    loaded.observed.parsed = true;
    loaded.observed.facts = record->facts;
    loaded.observed.extra_content = record->extra_content;
    loaded.observed.certificates_in_file = record->certificates_in_file;
  } else {
    loaded.cert = crypto::Certificate::parse_pem(loaded.content, &loaded.observed.parse_error);
    if (!loaded.cert) return loaded;
    loaded.observed.parsed = true;
    CertificateContent read = certificate_content(*loaded.cert, loaded.content);
    loaded.observed.facts = std::move(read.facts);
    loaded.observed.extra_content = read.extra_content;
    loaded.observed.certificates_in_file = read.certificates_in_file;
  }
  loaded.observed.matches_key = holds_key(loaded, key);
  return loaded;
}

// Whether leaf's signature verifies under the CA certificate (for the CA
// itself: under its own key): the record's answer when it was checked
// against this very CA file, else checked now.
bool signed_by(LoadedCertificate& leaf, LoadedCertificate& ca) {
  if (!leaf.observed.parsed || !ca.observed.parsed) return false;
  if (leaf.record && leaf.record->issuer_sha256 == ca.observed.file.digest) return leaf.record->signed_by_issuer;
  const crypto::Certificate* cert = leaf.parsed();
  const crypto::Certificate* issuer = ca.parsed();
  return cert && issuer && cert->signed_by(*issuer);
}

// An encrypted managed CA key whose passphrase this run was not given, and
// that no record vouches for (no apply with the passphrase recorded it, or
// the file changed since): the key cannot be checked. Throws, naming the
// variable.
[[noreturn]] void refuse_unvouched_ca_key(const spec::Spec& spec, const ResolvedSecrets& secrets,
                                          const Root& root, const ObservedKey& key) {
  const std::string path = root.host_path(key.file.path).str();
  const std::optional<KeyRecord>& record = secrets.recorded.verified_ca_key;
  const std::string why =
      !record || record->path != key.file.path || !crypto::parse_key_type(record->key_type)
          ? "no apply that had it has recorded " + path + " in " + root.state_file().str() +
                ", so the key cannot be checked without it"
          : path + " changed since an apply last opened it with the passphrase (its digest differs "
                   "from the record in " + root.state_file().str() + ")";
  spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
                      *secrets.ca_passphrase_missing + " (it holds the CA key's passphrase): " + why +
                          "; set it for this run. Nothing was changed");
}

// A managed CA's key file: a corrupt one is replaced (flagged as breaking
// trust), unless it may be an encrypted key we failed to open. Returns the
// key as the plan sees it.
ObservedKey check_ca_key_opens(const spec::Spec& spec, const ResolvedSecrets& secrets, const Root& root,
                               const CaKey& ca_key) {
  const ObservedKey& key = ca_key.loaded.observed;
  if (!key.file.exists()) return key;
  const std::string path = root.host_path(key.file.path).str();
  const auto& var = spec.tls->ca.passphrase_env;
  switch (key.status) {
    case crypto::KeyLoadStatus::ok:
      if (secrets.ca_passphrase_missing && !key.encrypted) {
        spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
                            *secrets.ca_passphrase_missing + ": it holds the passphrase to encrypt " +
                                path + ", which is not encrypted at rest. Nothing was changed");
      }
      return key;
    case crypto::KeyLoadStatus::needs_passphrase:
      if (var && secrets.ca_passphrase_missing) refuse_unvouched_ca_key(spec, secrets, root, key);
      spec::throw_located(
          spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
          path +
              " is encrypted and the spec gives no passphrase: set passphrase_env to the "
              "variable that holds it");
    case crypto::KeyLoadStatus::wrong_passphrase:
      throw_wrong_ca_passphrase(spec, path);
    case crypto::KeyLoadStatus::corrupt:
      if (var) {
        spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.key",
                            path + " is not a readable private key (" + key.detail +
                                ") and a passphrase is set: refusing to replace the CA key; "
                                "restore it or remove it by hand to make a new CA");
      }
      return key;  // planned as a replacement, flagged as breaking trust
  }
  return key;
}

}  // namespace

CertificateContent certificate_content(const crypto::Certificate& cert, const std::string& pem) {
  CertificateContent content;
  content.facts = cert.facts();
  content.extra_content = pem != cert.to_pem();
  // Exactly the certificate's own PEM holds one; only other text can hold
  // more (parsing each again costs a public-key decoder apiece).
  content.certificates_in_file = content.extra_content ? crypto::count_pem_certificates(pem) : 1;
  return content;
}

ObservedPki observe_pki(const spec::Spec& spec, const ResolvedSecrets& secrets,
                        const FileSystem& fs, const Root& root) {
  const spec::Tls& tls = *spec.tls;
  if (!secrets.ca_key) {
    throw Error("internal error: the CA key's source was not resolved");
  }
  // Loaded once, with the secrets: from its file or the environment.
  const CaKey& ca_key = *secrets.ca_key;
  const ObservedKey managed_key =
      tls.ca.managed ? check_ca_key_opens(spec, secrets, root, ca_key) : ObservedKey{};
  const ToolState& state = secrets.recorded;
  LoadedCertificate ca_cert = observe_certificate(fs, root, tls.ca.cert_path, ca_key.loaded, state);
  ca_cert.observed.signed_by_ca = signed_by(ca_cert, ca_cert);
  if (!tls.ca.managed) check_given_ca(spec, root, ca_cert.observed, ca_key);

  ObservedPki pki;
  LoadedKey server_key =
      observe_key(fs, root, tls.server.key_path, nullptr, state.key_record(tls.server.key_path));
  LoadedCertificate server_cert = observe_certificate(fs, root, tls.server.cert_path, server_key, state);
  server_cert.observed.signed_by_ca = signed_by(server_cert, ca_cert);

  for (const spec::ClientCertificateSpec& client : tls.clients) {
    LoadedKey key = observe_key(fs, root, client.certificate.key_path, nullptr,
                                state.key_record(client.certificate.key_path));
    LoadedCertificate cert = observe_certificate(fs, root, client.certificate.cert_path, key, state);
    cert.observed.signed_by_ca = signed_by(cert, ca_cert);
    pki.client_keys[client.name] = std::move(key.observed);
    pki.client_certs[client.name] = std::move(cert.observed);
  }
  if (tls.ca.managed) pki.ca_key = managed_key;
  // Locked (vouched for, not decrypted): unlock_ca_key() decrypts it with
  // the passphrase before anything is signed.
  pki.ca_key_available = ca_key.usable() || ca_key.unlockable(secrets.ca_passphrase.has_value());
  if (!pki.ca_key_available) {
    pki.ca_key_missing = secrets.ca_passphrase_missing && ca_key.present
                             ? *secrets.ca_passphrase_missing + "; it holds the CA key's passphrase"
                         : ca_key.origin == CaKeyOrigin::environment
                             ? "environment variable " + ca_key.name + " is not set"
                             : ca_key.name + " does not exist";
  }
  pki.ca_cert = std::move(ca_cert.observed);
  pki.server_key = std::move(server_key.observed);
  pki.server_cert = std::move(server_cert.observed);
  return pki;
}

}  // namespace mosq::observe
