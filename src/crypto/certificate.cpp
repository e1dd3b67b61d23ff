#include "crypto/certificate.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <ctime>
#include <utility>

#include "crypto/subject_alt_name.h"
#include "util/error.h"

namespace mosq::crypto {
namespace {

// A certificate PEM is never encrypted: refuse rather than prompt.
int refuse_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return -1; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm),
// so the conversion needs neither timegm nor the TZ environment.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::int64_t unix_seconds(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return 0;
  }
  const std::int64_t days =
      days_from_civil(static_cast<std::int64_t>(tm.tm_year) + 1900,
                      static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
  return days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

std::string asn1_string_bytes(const ASN1_STRING* value) {
  const unsigned char* data = ASN1_STRING_get0_data(value);
  const int length = ASN1_STRING_length(value);
  if (data == nullptr || length <= 0) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
}

std::string object_text(const ASN1_OBJECT* object) {
  const int nid = OBJ_obj2nid(object);
  if (nid != NID_undef) {
    return OBJ_nid2sn(nid);
  }
  char buf[128] = {};
  OBJ_obj2txt(buf, sizeof buf, object, 1);
  return buf;
}

DistinguishedName name_attributes(const X509_NAME* name) {
  DistinguishedName out;
  const int count = X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    NameAttribute attribute;
    attribute.type = object_text(X509_NAME_ENTRY_get_object(entry));
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length >= 0 && utf8 != nullptr) {
      attribute.value.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    } else {
      attribute.value = asn1_string_bytes(data);  // not convertible: keep the bytes
    }
    OPENSSL_free(utf8);
    out.push_back(std::move(attribute));
  }
  return out;
}

std::string ip_text(const ASN1_OCTET_STRING* address) {
  const std::string bytes = asn1_string_bytes(address);
  char printed[INET6_ADDRSTRLEN] = {};
  const int family = bytes.size() == 4 ? AF_INET : bytes.size() == 16 ? AF_INET6 : 0;
  if (family != 0 && inet_ntop(family, bytes.data(), printed, sizeof printed) != nullptr) {
    return std::string("IP:") + printed;
  }
  static constexpr char k_digits[] = "0123456789ABCDEF";
  std::string hex = "IP:";  // an address with a mask (name constraints) or malformed
  for (unsigned char c : bytes) {
    hex += k_digits[c >> 4];
    hex += k_digits[c & 0x0f];
  }
  return hex;
}

// DNS and IP entries in canonical form; the others with OpenSSL's prefixes,
// so a certificate carrying names the spec does not list compares different.
std::string general_name_text(const GENERAL_NAME* name) {
  int type = 0;
  void* value = GENERAL_NAME_get0_value(name, &type);
  switch (type) {
    case GEN_DNS: {
      const std::string text = "DNS:" + asn1_string_bytes(static_cast<ASN1_IA5STRING*>(value));
      return canonical_subject_alt_name(text, nullptr).value_or(text);
    }
    case GEN_IPADD:
      return ip_text(static_cast<ASN1_OCTET_STRING*>(value));
    case GEN_EMAIL:
      return "email:" + asn1_string_bytes(static_cast<ASN1_IA5STRING*>(value));
    case GEN_URI:
      return "URI:" + asn1_string_bytes(static_cast<ASN1_IA5STRING*>(value));
    case GEN_RID:
      return "RID:" + object_text(static_cast<ASN1_OBJECT*>(value));
    case GEN_DIRNAME: {
      char buf[256] = {};
      X509_NAME_oneline(static_cast<X509_NAME*>(value), buf, sizeof buf);
      return std::string("DirName:") + buf;
    }
    case GEN_OTHERNAME: {
      ASN1_OBJECT* oid = nullptr;
      GENERAL_NAME_get0_otherName(name, &oid, nullptr);
      return "othername:" + (oid != nullptr ? object_text(oid) : std::string("?"));
    }
    default:
      return "other:" + std::to_string(type);
  }
}

std::vector<std::string> subject_alt_names(const X509* cert) {
  std::vector<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) {
    return out;
  }
  const int count = sk_GENERAL_NAME_num(names.get());
  for (int i = 0; i < count; ++i) {
    out.push_back(general_name_text(sk_GENERAL_NAME_value(names.get(), i)));
  }
  return out;
}

std::string serial_hex(const X509* cert) {
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!serial) {
    return {};
  }
  char* hex = BN_bn2hex(serial.get());
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  return out;
}

std::string certificate_fingerprint(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) {
    throw Error(drain_openssl_errors("cannot hash the certificate"));
  }
  char* hex = OPENSSL_buf2hexstr(digest, static_cast<long>(length));
  if (hex == nullptr) {
    throw Error(drain_openssl_errors("cannot format the certificate fingerprint"));
  }
  std::string out = hex;
  OPENSSL_free(hex);
  return out;
}

// SHA-256 of the certificate's own SubjectPublicKeyInfo DER, lower-case hex:
// the bytes i2d_PUBKEY makes of its key, without OpenSSL 3's encoder lookup
// (which costs more than parsing the certificate).
std::string spki_fingerprint(X509* cert) {
  unsigned char* der = nullptr;
  const int der_length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (der_length <= 0) {
    throw Error(drain_openssl_errors("cannot encode the certificate's public key"));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  const int ok = EVP_Digest(der, static_cast<size_t>(der_length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1) {
    throw Error(drain_openssl_errors("cannot hash the public key"));
  }
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < digest_length; ++i) {
    out += k_digits[digest[i] >> 4];
    out += k_digits[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace

Certificate::Certificate(X509Ptr cert) : m_cert(std::move(cert)) {
  if (!m_cert) {
    throw Error("internal error: Certificate made from a null X509");
  }
}

std::size_t count_pem_certificates(const std::string& pem) {
  ErrorQueueGuard guard;
  if (pem.empty() || pem.size() > static_cast<std::size_t>(INT_MAX)) {
    return 0;
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::size_t count = 0;
  while (bio && X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, refuse_passphrase, nullptr))) {
    ++count;
  }
  return count;
}

std::optional<Certificate> Certificate::parse_pem(const std::string& pem, std::string* why) {
  ErrorQueueGuard guard;
  const auto fail = [why](std::string message) -> std::optional<Certificate> {
    if (why != nullptr) {
      *why = std::move(message);
    }
    return std::nullopt;
  };
  if (pem.empty()) {
    return fail("empty file");
  }
  if (pem.size() > static_cast<std::size_t>(INT_MAX)) {
    return fail("file too large for a certificate");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return fail(drain_openssl_errors("out of memory"));
  }
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!cert) {
    return fail(drain_openssl_errors("not a PEM certificate"));
  }
  return Certificate(std::move(cert));
}

CertificateFacts Certificate::facts() const {
  ErrorQueueGuard guard;
  X509* cert = m_cert.get();
  CertificateFacts facts;
  facts.version = static_cast<int>(X509_get_version(cert)) + 1;
  facts.serial_hex = serial_hex(cert);
  facts.subject = name_attributes(X509_get_subject_name(cert));
  facts.issuer = name_attributes(X509_get_issuer_name(cert));
  facts.subject_alt_names = subject_alt_names(cert);
  facts.not_before = unix_seconds(X509_get0_notBefore(cert));
  facts.not_after = unix_seconds(X509_get0_notAfter(cert));
  // These cache the extensions; a missing keyUsage/EKU reads as all bits set.
  facts.is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  facts.has_key_cert_sign = (X509_get_key_usage(cert) & KU_KEY_CERT_SIGN) != 0;
  const std::uint32_t extended = X509_get_extended_key_usage(cert);
  facts.server_auth = (extended & XKU_SSL_SERVER) != 0;
  facts.client_auth = (extended & XKU_SSL_CLIENT) != 0;
  const EVP_PKEY* public_key = X509_get0_pubkey(cert);
  if (public_key != nullptr) {
    facts.public_key_fingerprint = spki_fingerprint(cert);
    facts.key_description = describe_key(public_key);
  } else {
    facts.key_description = "unsupported public key";
  }
  facts.sha256_fingerprint = certificate_fingerprint(cert);
  return facts;
}

std::string Certificate::to_pem() const {
  ErrorQueueGuard guard;
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), m_cert.get()) != 1) {
    throw Error(drain_openssl_errors("cannot write the certificate as PEM"));
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) {
    throw Error("cannot write the certificate as PEM: no output");
  }
  return std::string(data, static_cast<std::size_t>(length));
}

bool Certificate::matches_key(const PrivateKey& key) const {
  ErrorQueueGuard guard;
  const EVP_PKEY* public_key = X509_get0_pubkey(m_cert.get());
  return public_key != nullptr && EVP_PKEY_eq(public_key, key.get()) == 1;
}

bool Certificate::signed_by(const Certificate& issuer) const {
  ErrorQueueGuard guard;
  if (X509_NAME_cmp(X509_get_issuer_name(m_cert.get()), X509_get_subject_name(issuer.get())) != 0) {
    return false;
  }
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer.get());
  return issuer_key != nullptr && X509_verify(m_cert.get(), issuer_key) == 1;
}

}  // namespace mosq::crypto
