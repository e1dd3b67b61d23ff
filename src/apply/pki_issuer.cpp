#include "apply/pki_issuer.h"

#include <algorithm>
#include <variant>

#include "observe/read_limits.h"
#include "spec/spec_error.h"
#include "util/digest.h"
#include "util/error.h"

namespace mosq::apply {

namespace {

// The certificates the plan signs with the CA key it found
// ("server_certificate /etc/...crt, ..."): empty when it signs none, or
// when it makes a new CA key first (that key signs what follows).
std::string signed_with_found_ca_key(const plan::Plan& plan) {
  std::string waiting;
  for (const plan::Change& change : plan.changes) {
    if (!change.content_changes) continue;
    if (change.kind() == plan::ResourceKind::ca_key) return "";
    if (plan::is_signed_by_ca(change.kind())) {
      waiting += (waiting.empty() ? "" : ", ") + change.name() + " " + change.path;
    }
  }
  return waiting;
}

}  // namespace

void unlock_ca_key(const plan::Plan& plan, const spec::Spec& spec, observe::ResolvedSecrets& secrets,
                   const Root& root) {
  if (!secrets.ca_key || !secrets.ca_key->unlockable(secrets.ca_passphrase.has_value())) return;
  if (signed_with_found_ca_key(plan).empty()) return;
  observe::CaKey& key = *secrets.ca_key;
  const std::string path = key.source(root);
  const Secret* passphrase = secrets.ca_passphrase ? &*secrets.ca_passphrase : nullptr;
  observe::LoadedKey opened = observe::load_key(*key.loaded.locked_pem, passphrase);
  if (opened.observed.status == crypto::KeyLoadStatus::wrong_passphrase) {
    observe::throw_wrong_ca_passphrase(spec, path);
  }
  if (!opened.key) {
    spec::throw_located(spec, spec.tls->ca.mark, key.field,
                        path + " is not a readable private key (" + opened.observed.detail +
                            "); nothing was changed");
  }
  // The file's digest matched the record: only a forged record gets here.
  if (opened.key->public_key_fingerprint() != key.loaded.observed.recorded_public_key_sha256) {
    throw Error(path + ": the key does not hold the public key that " + root.state_file().str() +
                " records for it (was the state file edited?); nothing was changed: delete the state file "
                "and run again to record the key anew");
  }
  key.loaded.key = std::move(opened.key);
  key.loaded.locked_pem.reset();
}

void check_can_issue(const plan::Plan& plan, const spec::Spec& spec,
                     const observe::ResolvedSecrets& secrets, const Root& root) {
  if (!spec.tls) return;
  for (const plan::Change& change : plan.changes) {
    // Made (or re-encrypted) this run: it must be encrypted at rest.
    if (change.content_changes && change.kind() == plan::ResourceKind::ca_key &&
        secrets.ca_passphrase_missing && spec.tls->ca.passphrase_env) {
      spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
                          *secrets.ca_passphrase_missing +
                              ": it holds the passphrase to encrypt the CA key " + change.path +
                              "; nothing was written");
    }
  }
  const std::string waiting = signed_with_found_ca_key(plan);
  if (waiting.empty() || (secrets.ca_key && secrets.ca_key->usable())) return;
  if (!secrets.ca_key) throw Error("internal error: the CA key's source was not resolved");
  const observe::CaKey& key = *secrets.ca_key;
  if (key.present && secrets.ca_passphrase_missing) {
    spec::throw_located(spec, spec.tls->ca.mark, "tls.ca.passphrase_env",
                        *secrets.ca_passphrase_missing +
                            ": it holds the CA key's passphrase, needed to issue " + waiting +
                            "; nothing was written");
  }
  const std::string missing = key.origin == observe::CaKeyOrigin::environment
                                  ? "environment variable " + key.name + " is not set or empty"
                                  : key.source(root) + " does not exist";
  spec::throw_located(spec, spec.tls->ca.mark, key.field,
                      missing + ": it holds the CA key, needed to issue " + waiting +
                          "; nothing was written");
}

PkiIssuer::PkiIssuer(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                     FileSystem& fs, const Root& root, std::int64_t now, std::int64_t real_now)
    : m_spec(spec), m_secrets(secrets), m_fs(fs), m_root(root), m_now(now), m_real_now(real_now) {}

const spec::CertificateSpec& PkiIssuer::spec_for(const plan::Change& change) const {
  const spec::Tls& tls = *m_spec.tls;
  switch (change.kind()) {
    case plan::ResourceKind::ca_key:
    case plan::ResourceKind::ca_certificate: return tls.ca;
    case plan::ResourceKind::server_key:
    case plan::ResourceKind::server_certificate: return tls.server;
    case plan::ResourceKind::client_key:
    case plan::ResourceKind::client_certificate:
      for (const auto& client : tls.clients) {
        if (client.name == change.address.client) return client.certificate;
      }
      break;
    case plan::ResourceKind::password_file:
    case plan::ResourceKind::broker_config:
    case plan::ResourceKind::acl_file: break;
  }
  throw Error("internal error: no spec entry for " + change.name());
}

const Secret* PkiIssuer::ca_passphrase() const {
  return m_secrets.ca_passphrase ? &*m_secrets.ca_passphrase : nullptr;
}

const crypto::PrivateKey& PkiIssuer::key_for(const std::string& key_path) {
  auto it = m_keys.find(key_path);
  if (it != m_keys.end()) return it->second;
  const HostPath key_file = m_root.host_path(key_path);
  const std::string host = key_file.str();
  ReadResult read = m_fs.read(key_file, observe::k_max_pem_bytes, LastLink::not_followed);
  if (read.status != ReadStatus::ok) throw Error(host + ": cannot read the key: " + read.error);
  Secret pem(std::move(read.content));
  crypto::KeyLoadResult loaded = crypto::load_private_key(pem, nullptr);
  if (loaded.status != crypto::KeyLoadStatus::ok || !loaded.key) {
    throw Error(host + ": cannot load the key (" + loaded.detail + ")");
  }
  return m_keys.emplace(key_path, std::move(*loaded.key)).first->second;
}

const crypto::PrivateKey& PkiIssuer::ca_key() const {
  if (m_new_ca_key) return *m_new_ca_key;
  if (m_secrets.ca_key && m_secrets.ca_key->usable()) return *m_secrets.ca_key->loaded.key;
  throw Error("internal error: no CA key to sign with");  // check_can_issue() said so first
}

const crypto::Certificate& PkiIssuer::ca_certificate() {
  const std::string& path = m_spec.tls->ca.cert_path;
  for (const Made& made : m_made) {
    if (made.path == path && made.cert) return *made.cert;
  }
  if (m_ca_cert) return *m_ca_cert;
  const HostPath cert_file = m_root.host_path(path);
  const std::string host = cert_file.str();
  ReadResult read = m_fs.read(cert_file, observe::k_max_pem_bytes, LastLink::not_followed);
  if (read.status != ReadStatus::ok) throw Error(host + ": cannot read: " + read.error);
  std::string why;
  m_ca_cert = crypto::Certificate::parse_pem(read.content, &why);
  if (!m_ca_cert) throw Error(host + ": not a certificate (" + why + ")");
  return *m_ca_cert;
}

void PkiIssuer::prepare(const plan::Plan& plan) {
  for (const plan::Change& change : plan.changes) {
    const bool pki = std::holds_alternative<plan::KeyDetails>(change.details) ||
                     std::holds_alternative<plan::CertificateDetails>(change.details);
    if (pki && change.content_changes) make(change);
  }
}

void PkiIssuer::make(const plan::Change& change) {
  const spec::CertificateSpec& wanted = spec_for(change);
  Made made;
  made.path = change.path;
  if (change.kind() == plan::ResourceKind::ca_key) {
    if (change.action != plan::Action::update) {  // else the same key, re-encrypted
      m_new_ca_key = crypto::PrivateKey::generate(wanted.key_type);
    }
    made.key = &ca_key();
    if (const Secret* passphrase = ca_passphrase()) {
      made.pending = std::async(std::launch::async, [key = ca_key().duplicate(), passphrase] {
        return EncodedKey{key.to_pem(passphrase), key.public_key_fingerprint()};
      });
    } else {
      made.encoded = EncodedKey{ca_key().to_pem(nullptr), ca_key().public_key_fingerprint()};
    }
  } else if (change.kind() == plan::ResourceKind::server_key || change.kind() == plan::ResourceKind::client_key) {
    auto made_key = m_keys.insert_or_assign(wanted.key_path, crypto::PrivateKey::generate(wanted.key_type));
    made.key = &made_key.first->second;
    made.encoded = EncodedKey{made.key->to_pem(nullptr), made.key->public_key_fingerprint()};
  } else {
    crypto::CertificateRequest request;
    request.subject = wanted.subject;
    request.subject_alt_names = wanted.subject_alt_names;
    request.validity_days = wanted.validity_days;
    request.now = m_now;
    // --now in the future: valid from today all the same, so the broker can
    // serve it now; notAfter still counts from --now, so the run converges.
    request.valid_from = std::min<std::int64_t>(m_now, m_real_now);
    if (change.kind() == plan::ResourceKind::ca_certificate) {
      request.profile = crypto::CertificateProfile::ca;
      made.cert = crypto::issue_certificate(request, ca_key(), nullptr, ca_key());
    } else {
      request.profile = change.kind() == plan::ResourceKind::server_certificate ? crypto::CertificateProfile::server
                                                                                 : crypto::CertificateProfile::client;
      made.cert = crypto::issue_certificate(request, key_for(wanted.key_path), &ca_certificate(), ca_key());
    }
  }
  m_made.push_back(std::move(made));
}

PkiIssuer::Made& PkiIssuer::made_for(const std::string& path) {
  for (Made& made : m_made) {
    if (made.path == path) return made;
  }
  throw Error("internal error: nothing was made for " + path);
}

void PkiIssuer::write(const plan::Change& change) {
  Made& made = made_for(change.path);
  const HostPath host = m_root.host_path(change.path);
  if (made.cert) {
    const std::string pem = made.cert->to_pem();
    m_fs.write_atomic(host, pem, change.policy);
    m_written.certificates.push_back(WrittenCertificate{change.path, sha256_hex(pem), std::move(*made.cert)});
    made.cert.reset();
    return;
  }
  const bool encrypted = made.pending.valid();
  const EncodedKey key = encrypted ? made.pending.get() : std::move(*made.encoded);
  made.encoded.reset();
  m_fs.write_atomic(host, key.pem.reveal(), change.policy);
  // A key not of our types is not remembered: the record then opens it.
  if (const std::optional<crypto::KeyType> type = made.key->type()) {
    m_written.keys.push_back(
        WrittenKey{change.path, sha256_hex(key.pem.reveal()), key.public_key_sha256, *type, encrypted});
  }
}

}  // namespace mosq::apply
