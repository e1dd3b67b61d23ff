#include "observe/given_ca.h"

#include "spec/spec_error.h"

namespace mosq::observe {
namespace {

[[noreturn]] void fail(const spec::Spec& spec, const std::string& field, const std::string& message,
                       const spec::Mark* mark = nullptr) {
  spec::throw_located(spec, mark != nullptr ? *mark : spec.tls->ca.mark, field, message);
}

void check_key_opens(const spec::Spec& spec, const Root& root, const CaKey& key) {
  if (!key.present) return;
  const std::string source = key.source(root);
  const auto& passphrase_env = spec.tls->ca.passphrase_env;
  switch (key.loaded.observed.status) {
    case crypto::KeyLoadStatus::ok:
      return;
    case crypto::KeyLoadStatus::needs_passphrase:
      if (passphrase_env) {
        fail(spec, "tls.ca.passphrase_env",
             "environment variable " + *passphrase_env + " is not set (it holds the passphrase of the CA key in " +
                 source + ")");
      }
      fail(spec, key.field,
           "the CA key in " + source + " is encrypted and the spec gives no passphrase: set passphrase_env to "
           "the variable that holds it");
    case crypto::KeyLoadStatus::wrong_passphrase:
      fail(spec, "tls.ca.passphrase_env",
           "the passphrase in " + passphrase_env.value_or("?") + " does not decrypt the CA key in " + source +
               "; nothing was changed");
    case crypto::KeyLoadStatus::corrupt:
      // OpenSSL's reason only: never a byte of what the variable holds.
      fail(spec, key.field,
           source + " does not hold a private key OpenSSL can read (" + key.loaded.observed.detail +
               "); it must hold the CA key's PEM text");
  }
}

void check_subject_differs(const spec::Spec& spec, const crypto::DistinguishedName& ca_subject,
                           const spec::CertificateSpec& issued, const std::string& field) {
  if (!crypto::same_name(issued.subject, ca_subject)) return;
  fail(spec, field,
       "the subject equals the given CA's (" + crypto::format_name(ca_subject) +
           "); OpenSSL 3 then treats this certificate as self-signed and verification fails: give it a "
           "different subject, e.g. CN set to the broker's host name",
       &issued.mark);
}

}  // namespace

void check_given_ca(const spec::Spec& spec, const Root& root, const ObservedCertificate& ca_cert,
                    const CaKey& key) {
  const std::string path = root.host_path(ca_cert.file.path).str();
  check_key_opens(spec, root, key);
  if (!ca_cert.file.exists()) {
    fail(spec, "tls.ca.cert",
         path + " does not exist: a given CA (managed: false) is never made here; put its certificate "
                "there first (e.g. with Ansible's copy) and run again");
  }
  if (!ca_cert.parsed) {
    fail(spec, "tls.ca.cert", path + " is not a certificate (" + ca_cert.parse_error + ")");
  }
  if (ca_cert.certificates_in_file > 1) {
    fail(spec, "tls.ca.cert",
         path + " holds " + std::to_string(ca_cert.certificates_in_file) +
             " certificates; a given CA is one certificate (CA bundles for a rollover are not supported yet)");
  }
  if (!ca_cert.facts.is_ca) {
    fail(spec, "tls.ca.cert", path + " is not a CA certificate (no basicConstraints CA:TRUE)");
  }
  if (!ca_cert.facts.has_key_cert_sign) {
    fail(spec, "tls.ca.cert",
         path + " may not sign certificates (its keyUsage lacks keyCertSign): what it signed would not verify");
  }
  if (key.usable() && !ca_cert.matches_key) {
    fail(spec, key.field,
         "the CA key in " + key.source(root) + " does not match the CA certificate " + path +
             " (their public keys differ); nothing was changed");
  }
  const spec::Tls& tls = *spec.tls;
  check_subject_differs(spec, ca_cert.facts.subject, tls.server, "tls.server.subject");
  for (std::size_t i = 0; i < tls.clients.size(); ++i) {
    check_subject_differs(spec, ca_cert.facts.subject, tls.clients[i].certificate,
                          "tls.clients[" + std::to_string(i) + "].subject");
  }
}

}  // namespace mosq::observe
