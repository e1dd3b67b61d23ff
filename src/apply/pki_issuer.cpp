#include "apply/pki_issuer.h"

#include <algorithm>
#include <ctime>

#include "observe/read_limits.h"
#include "util/error.h"

namespace mosq::apply {

PkiIssuer::PkiIssuer(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                     FileSystem& fs, const Root& root, std::int64_t now)
    : m_spec(spec), m_secrets(secrets), m_fs(fs), m_root(root), m_now(now) {}

const spec::CertificateSpec& PkiIssuer::spec_for(const plan::Change& change) const {
  const spec::Tls& tls = *m_spec.tls;
  switch (change.kind) {
    case plan::ResourceKind::ca_key:
    case plan::ResourceKind::ca_certificate: return tls.ca;
    case plan::ResourceKind::server_key:
    case plan::ResourceKind::server_certificate: return tls.server;
    default: break;
  }
  for (const auto& client : tls.clients) {
    if (change.name.find("[" + client.name + "]") != std::string::npos) return client.certificate;
  }
  throw Error("internal error: no spec entry for " + change.name);
}

const Secret* PkiIssuer::ca_passphrase() const {
  return m_secrets.ca_passphrase ? &*m_secrets.ca_passphrase : nullptr;
}

const crypto::PrivateKey& PkiIssuer::key_for(const std::string& key_path,
                                             const Secret* passphrase) {
  auto it = m_keys.find(key_path);
  if (it != m_keys.end()) return it->second;
  const HostPath key_file = m_root.host_path(key_path);
  const std::string host = key_file.str();
  ReadResult read = m_fs.read(key_file, observe::k_max_pem_bytes, LastLink::not_followed);
  if (read.status != ReadStatus::ok) throw Error(host + ": cannot read the key: " + read.error);
  Secret pem(std::move(read.content));
  crypto::KeyLoadResult loaded = crypto::load_private_key(pem, passphrase);
  if (loaded.status != crypto::KeyLoadStatus::ok || !loaded.key) {
    throw Error(host + ": cannot load the key (" + loaded.detail + ")");
  }
  return m_keys.emplace(key_path, std::move(*loaded.key)).first->second;
}

const crypto::Certificate& PkiIssuer::ca_certificate() {
  if (m_ca_cert) return *m_ca_cert;
  const HostPath cert_file = m_root.host_path(m_spec.tls->ca.cert_path);
  const std::string host = cert_file.str();
  ReadResult read = m_fs.read(cert_file, observe::k_max_pem_bytes, LastLink::not_followed);
  if (read.status != ReadStatus::ok) throw Error(host + ": cannot read: " + read.error);
  std::string why;
  m_ca_cert = crypto::Certificate::parse_pem(read.content, &why);
  if (!m_ca_cert) throw Error(host + ": not a certificate (" + why + ")");
  return *m_ca_cert;
}

void PkiIssuer::write(const plan::Change& change) {
  const spec::CertificateSpec& wanted = spec_for(change);
  const bool is_ca = change.kind == plan::ResourceKind::ca_key ||
                     change.kind == plan::ResourceKind::ca_certificate;
  const Secret* passphrase = is_ca ? ca_passphrase() : nullptr;
  const bool is_key = change.kind == plan::ResourceKind::ca_key ||
                      change.kind == plan::ResourceKind::server_key ||
                      change.kind == plan::ResourceKind::client_key;
  if (is_key) {
    const crypto::PrivateKey* key = nullptr;
    if (change.action == plan::Action::update) {
      key = &key_for(wanted.key_path, passphrase);  // same key, re-encrypted
    } else {
      auto made = m_keys.insert_or_assign(wanted.key_path,
                                          crypto::PrivateKey::generate(wanted.key_type));
      key = &made.first->second;
    }
    Secret pem = key->to_pem(passphrase);
    m_fs.write_atomic(m_root.host_path(wanted.key_path), pem.reveal(), change.policy);
    return;
  }
  crypto::CertificateRequest request;
  request.subject = wanted.subject;
  request.subject_alt_names = wanted.subject_alt_names;
  request.validity_days = wanted.validity_days;
  request.now = m_now;
  // --now in the future: valid from today all the same, so the broker can
  // serve it now; notAfter still counts from --now, so the run converges.
  request.valid_from = std::min<std::int64_t>(m_now, std::time(nullptr));
  const crypto::PrivateKey& subject_key = key_for(wanted.key_path, passphrase);
  if (change.kind == plan::ResourceKind::ca_certificate) {
    request.profile = crypto::CertificateProfile::ca;
    m_ca_cert = crypto::issue_certificate(request, subject_key, nullptr, subject_key);
    m_fs.write_atomic(m_root.host_path(wanted.cert_path), m_ca_cert->to_pem(), change.policy);
    return;
  }
  request.profile = change.kind == plan::ResourceKind::server_certificate
                        ? crypto::CertificateProfile::server
                        : crypto::CertificateProfile::client;
  const crypto::Certificate& ca_cert = ca_certificate();
  const crypto::PrivateKey& ca_key = key_for(m_spec.tls->ca.key_path, ca_passphrase());
  crypto::Certificate cert = crypto::issue_certificate(request, subject_key, &ca_cert, ca_key);
  m_fs.write_atomic(m_root.host_path(wanted.cert_path), cert.to_pem(), change.policy);
}

}  // namespace mosq::apply
