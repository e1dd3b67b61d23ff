// issue_certificate(): the CA, server and client profiles of certificate.h.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include <climits>
#include <ctime>
#include <utility>

#include "crypto/certificate.h"
#include "crypto/legacy_key.h"
#include "crypto/subject_alt_name.h"
#include "util/error.h"

namespace mosq::crypto {
namespace {

constexpr int k_serial_bytes = 16;
constexpr std::int64_t k_backdate_seconds = 3600;
constexpr std::int64_t k_seconds_per_day = 86400;

[[noreturn]] void fail(const std::string& what) { throw Error(drain_openssl_errors(what)); }

const char* profile_name(CertificateProfile profile) {
  switch (profile) {
    case CertificateProfile::ca:
      return "CA";
    case CertificateProfile::server:
      return "server";
    case CertificateProfile::client:
      return "client";
  }
  return "unknown";
}

void set_serial(X509* cert) {
  unsigned char bytes[k_serial_bytes] = {};
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    fail("cannot draw a random serial number");
  }
  bytes[0] &= 0x7f;                   // positive as a DER INTEGER
  bytes[k_serial_bytes - 1] |= 0x01;  // and never zero
  BignumPtr number(BN_bin2bn(bytes, sizeof bytes, nullptr));
  Asn1IntegerPtr serial(number ? BN_to_ASN1_INTEGER(number.get(), nullptr) : nullptr);
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) {
    fail("cannot set the serial number");
  }
}

void set_validity(X509* cert, const CertificateRequest& request) {
  const std::int64_t not_before = request.valid_from.value_or(request.now) - k_backdate_seconds;
  const std::int64_t not_after = request.now + request.validity_days * k_seconds_per_day;
  Asn1TimePtr begin(ASN1_TIME_set(nullptr, static_cast<time_t>(not_before)));
  Asn1TimePtr end(ASN1_TIME_set(nullptr, static_cast<time_t>(not_after)));
  if (!begin || !end || X509_set1_notBefore(cert, begin.get()) != 1 ||
      X509_set1_notAfter(cert, end.get()) != 1) {
    fail("cannot set the validity period");
  }
}

void set_subject(X509* cert, const DistinguishedName& subject) {
  if (subject.empty()) {
    throw Error("the certificate subject is empty");
  }
  X509NamePtr name(X509_NAME_new());
  if (!name) {
    fail("cannot allocate a subject name");
  }
  for (const NameAttribute& attribute : canonical_order(subject)) {
    if (attribute.value.empty()) {
      throw Error("subject " + attribute.type + ": empty value");
    }
    if (attribute.value.size() > static_cast<std::size_t>(INT_MAX) ||
        X509_NAME_add_entry_by_txt(name.get(), attribute.type.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(attribute.value.data()),
                                   static_cast<int>(attribute.value.size()), -1, 0) != 1) {
      fail("subject " + attribute.type + "=" + attribute.value + ": not accepted by OpenSSL");
    }
  }
  if (X509_set_subject_name(cert, name.get()) != 1) {
    fail("cannot set the subject name");
  }
}

// One extension from OpenSSL's configuration syntax ("critical,CA:TRUE").
void add_extension(X509* cert, X509V3_CTX* context, int nid, const char* value) {
  X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value));
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
    fail(std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = " + value);
  }
}

GeneralNamePtr general_name(const std::string& canonical) {
  GeneralNamePtr name(GENERAL_NAME_new());
  if (!name) {
    fail("cannot allocate a subjectAltName entry");
  }
  if (canonical.rfind("DNS:", 0) == 0) {
    const std::string host = canonical.substr(4);
    Asn1StringPtr value(ASN1_IA5STRING_new());
    if (!value || ASN1_STRING_set(value.get(), host.data(), static_cast<int>(host.size())) != 1) {
      fail("cannot encode " + canonical);
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, value.release());
    return name;
  }
  const std::string address = canonical.substr(3);  // "IP:"
  unsigned char bytes[16] = {};
  int length = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) {
    length = 4;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    length = 16;
  } else {
    throw Error(canonical + ": not an IPv4 or IPv6 address");
  }
  Asn1StringPtr value(ASN1_OCTET_STRING_new());
  if (!value || ASN1_OCTET_STRING_set(value.get(), bytes, length) != 1) {
    fail("cannot encode " + canonical);
  }
  GENERAL_NAME_set0_value(name.get(), GEN_IPADD, value.release());
  return name;
}

void add_subject_alt_names(X509* cert, const std::vector<std::string>& entries) {
  if (entries.empty()) {
    return;
  }
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) {
    fail("cannot allocate subjectAltName");
  }
  for (const std::string& entry : entries) {
    std::string why;
    const std::optional<std::string> canonical = canonical_subject_alt_name(entry, &why);
    if (!canonical) {
      throw Error("subjectAltName " + why);
    }
    GeneralNamePtr name = general_name(*canonical);
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) {
      fail("cannot add " + *canonical);
    }
    name.release();  // the stack owns it now
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    fail("cannot add subjectAltName");
  }
}

// X509_set_pubkey(cert, key), with a legacy copy of the key where there
// is one: OpenSSL 3.0 encodes a provider's key and decodes the result back,
// building a decoder chain each time (1.2-1.6 ms a certificate); the copy
// takes 0.05-0.15 ms for the same SubjectPublicKeyInfo bytes. The
// certificate then holds that copy as its public key, which verifies as
// the key would (see legacy_key.h).
void set_public_key(X509* cert, EVP_PKEY* key) {
  const EvpPkeyPtr legacy = legacy_copy(key);
  if (X509_set_pubkey(cert, legacy ? legacy.get() : key) != 1) {
    fail("cannot set the certificate's public key");
  }
}

void add_profile_extensions(X509* cert, X509* issuer, const CertificateRequest& request,
                            const PrivateKey& subject_key) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509V3_set_ctx_nodb(&context);
  if (request.profile == CertificateProfile::ca) {
    add_extension(cert, &context, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_extension(cert, &context, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert, &context, NID_subject_key_identifier, "hash");
    return;
  }
  add_extension(cert, &context, NID_basic_constraints, "CA:FALSE");
  add_extension(cert, &context, NID_key_usage,
                EVP_PKEY_is_a(subject_key.get(), "RSA")
                    ? "critical,digitalSignature,keyEncipherment"
                    : "critical,digitalSignature");
  add_extension(cert, &context, NID_ext_key_usage,
                request.profile == CertificateProfile::server ? "serverAuth" : "clientAuth");
  add_subject_alt_names(cert, request.subject_alt_names);
  add_extension(cert, &context, NID_subject_key_identifier, "hash");
  // The issuer's key id when it has one, else its name and serial.
  add_extension(cert, &context, NID_authority_key_identifier, "keyid,issuer");
}

void check_request(const CertificateRequest& request, const PrivateKey& subject_key,
                   const Certificate* issuer_cert, const PrivateKey& issuer_key) {
  if (request.validity_days <= 0) {
    throw Error(std::string("a ") + profile_name(request.profile) +
                " certificate needs validity_days > 0");
  }
  if (request.profile == CertificateProfile::ca) {
    if (!request.subject_alt_names.empty()) {
      throw Error("a CA certificate takes no subjectAltName");
    }
    if (EVP_PKEY_eq(subject_key.get(), issuer_key.get()) != 1) {
      throw Error("a CA certificate is self-signed: the issuer key must be the CA's own key");
    }
    return;
  }
  if (issuer_cert == nullptr) {
    throw Error(std::string("a ") + profile_name(request.profile) +
                " certificate needs an issuing CA certificate");
  }
  if (!issuer_cert->matches_key(issuer_key)) {
    throw Error("the issuer key does not belong to the issuing CA certificate");
  }
}

}  // namespace

Certificate issue_certificate(const CertificateRequest& request, const PrivateKey& subject_key,
                              const Certificate* issuer_cert, const PrivateKey& issuer_key) {
  ErrorQueueGuard guard;
  check_request(request, subject_key, issuer_cert, issuer_key);
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    fail("cannot allocate a certificate");
  }
  set_serial(cert.get());
  set_validity(cert.get(), request);
  set_subject(cert.get(), request.subject);
  set_public_key(cert.get(), subject_key.get());
  const bool self_signed = request.profile == CertificateProfile::ca;
  X509* issuer = self_signed ? cert.get() : issuer_cert->get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1) {
    fail("cannot set the issuer name");
  }
  add_profile_extensions(cert.get(), issuer, request, subject_key);
  // EdDSA signs the message itself: no separate digest.
  const bool eddsa =
      EVP_PKEY_is_a(issuer_key.get(), "ED25519") || EVP_PKEY_is_a(issuer_key.get(), "ED448");
  if (X509_sign(cert.get(), issuer_key.get(), eddsa ? nullptr : EVP_sha256()) <= 0) {
    fail(std::string("cannot sign the ") + profile_name(request.profile) + " certificate");
  }
  return Certificate(std::move(cert));
}

}  // namespace mosq::crypto
