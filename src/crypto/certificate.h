// X.509 certificates: issue a CA, server or client certificate, and read
// the facts the planner compares with the spec.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/distinguished_name.h"
#include "crypto/key_type.h"
#include "crypto/ossl_ptr.h"
#include "crypto/private_key.h"

namespace mosq::crypto {

struct CertificateFacts {
  int version = 0;  // 1 or 3, as people say it (X509_get_version() + 1)
  std::string serial_hex;  // upper-case hex, no separators
  DistinguishedName subject;
  DistinguishedName issuer;
  std::vector<std::string> subject_alt_names;  // canonical "DNS:..", "IP:.."
  std::int64_t not_before = 0;  // unix seconds
  std::int64_t not_after = 0;
  bool is_ca = false;            // basicConstraints CA:TRUE
  bool has_key_cert_sign = false;  // keyUsage keyCertSign (or no keyUsage at all on v1)
  bool server_auth = false;      // extendedKeyUsage serverAuth, or no EKU at all
  bool client_auth = false;      // extendedKeyUsage clientAuth, or no EKU at all
  std::string public_key_fingerprint;  // same as PrivateKey::public_key_fingerprint()
  std::string key_description;         // "EC P-256", ...
  std::string sha256_fingerprint;      // of the DER certificate, upper-case hex with ':'
};

enum class CertificateProfile { ca, server, client };

struct CertificateRequest {
  CertificateProfile profile = CertificateProfile::server;
  DistinguishedName subject;
  std::vector<std::string> subject_alt_names;  // canonical; server/client only
  int validity_days = 0;
  std::int64_t now = 0;  // unix seconds; notBefore = now - 1 hour, notAfter = now + validity_days
  // When set, notBefore = this - 1 hour instead (so a certificate issued
  // "as of" a future --now is valid from today).
  std::optional<std::int64_t> valid_from;
};

class Certificate {
 public:
  explicit Certificate(X509Ptr cert);

  // The first certificate of a PEM text; nullopt with *why on garbage.
  static std::optional<Certificate> parse_pem(const std::string& pem, std::string* why);

  X509* get() const { return m_cert.get(); }
  CertificateFacts facts() const;
  std::string to_pem() const;

  // The certificate's public key is key's public key.
  bool matches_key(const PrivateKey& key) const;
  // issuer's subject is this certificate's issuer AND issuer's public key
  // verifies this certificate's signature.
  bool signed_by(const Certificate& issuer) const;

 private:
  X509Ptr m_cert;
};

// How many certificates a PEM text holds, up to the first that does not
// parse (a CA bundle holds several; parse_pem reads the first).
std::size_t count_pem_certificates(const std::string& pem);

// A v3 certificate with a random positive 128-bit serial and the extensions
// of its profile:
//   ca:     basicConstraints critical CA:TRUE pathlen:0; keyUsage critical
//           keyCertSign, cRLSign; subjectKeyIdentifier. Self-signed by `key`.
//   server: basicConstraints CA:FALSE; keyUsage critical digitalSignature
//           (+keyEncipherment for RSA); extendedKeyUsage serverAuth; SAN; SKI; AKI.
//   client: as server but extendedKeyUsage clientAuth.
// SHA-256 signatures (none for Ed25519). Throws Error when OpenSSL fails.
Certificate issue_certificate(const CertificateRequest& request, const PrivateKey& subject_key,
                              const Certificate* issuer_cert, const PrivateKey& issuer_key);

}  // namespace mosq::crypto
