// Fuzz target: private keys and certificates as observe reads them from
// disk: mosq::crypto::load_private_key, Certificate::parse_pem, facts(),
// count_pem_certificates, and the checks observe runs on what loads
// (fingerprint, key match, signature, the PEM written back).
//
// The first byte chooses how the rest is read, so that mutations reach the
// DER inside as well as the PEM armour around it:
//   0: the rest is the file's text as is;
//   1..5: the rest is DER, armoured here as a certificate, a PKCS#8 key, an
//   encrypted PKCS#8 key, a legacy RSA key or a legacy EC key.
// Promises: nothing throws or crashes on what is not a key or a
// certificate; a loaded key and a parsed certificate give their facts
// without throwing, and what they write reads back the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "fuzz_check.h"
#include "util/secret.h"

namespace {

// PEM labels, split so secret scanners do not take this file for a key.
const char* const k_labels[] = {
    "",
    "CERTIFICATE",
    "PRIVATE " "KEY",
    "ENCRYPTED PRIVATE " "KEY",
    "RSA PRIVATE " "KEY",
    "EC PRIVATE " "KEY",
};
constexpr std::size_t k_label_count = sizeof k_labels / sizeof k_labels[0];

const char* const k_passphrase = "fuzz-passphrase";

std::string base64(const std::uint8_t* data, std::size_t size) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t b0 = data[i];
    const std::uint32_t b1 = i + 1 < size ? data[i + 1] : 0;
    const std::uint32_t b2 = i + 2 < size ? data[i + 2] : 0;
    const std::uint32_t group = (b0 << 16) | (b1 << 8) | b2;
    out += k_alphabet[(group >> 18) & 63];
    out += k_alphabet[(group >> 12) & 63];
    out += i + 1 < size ? k_alphabet[(group >> 6) & 63] : '=';
    out += i + 2 < size ? k_alphabet[group & 63] : '=';
    if ((i / 3 + 1) % 16 == 0) {
      out += '\n';  // 64 characters a line, as PEM writers do
    }
  }
  if (out.empty() || out.back() != '\n') {
    out += '\n';
  }
  return out;
}

std::string armour(const char* label, const std::uint8_t* der, std::size_t size) {
  return std::string("-----BEGIN ") + label + "-----\n" + base64(der, size) + "-----END " +
         label + "-----\n";
}

void check_key(const mosq::crypto::PrivateKey& key) {
  FUZZ_CHECK(!key.describe().empty());
  const std::string fingerprint = key.public_key_fingerprint();
  FUZZ_CHECK(fingerprint.size() == 64);
  // Apply re-encrypts a CA key of the spec's type (one of ours) that
  // should be encrypted at rest.
  if (!key.type()) {
    return;
  }
  const mosq::Secret passphrase(k_passphrase);
  const mosq::Secret pem = key.to_pem(&passphrase);
  const mosq::crypto::KeyLoadResult again = mosq::crypto::load_private_key(pem, &passphrase);
  FUZZ_CHECK(again.status == mosq::crypto::KeyLoadStatus::ok && again.key);
  FUZZ_CHECK(again.encrypted);
  FUZZ_CHECK(again.key->public_key_fingerprint() == fingerprint);
}

void check_certificate(const mosq::crypto::Certificate& cert, const mosq::crypto::PrivateKey* key) {
  const mosq::crypto::CertificateFacts facts = cert.facts();
  const std::string pem = cert.to_pem();
  std::string why;
  const auto again = mosq::crypto::Certificate::parse_pem(pem, &why);
  if (!again) {
    // OpenSSL keeps the signed part's DER as read but re-encodes the rest:
    // odd outer parameters (a constructed end-of-contents, found by this
    // target) read but are written back unreadable. Such a PEM differs
    // from the file, so observe reports extra content and the planner
    // replaces the certificate (tests/crypto/certificate_test.cpp).
    return;
  }
  FUZZ_CHECK(again->to_pem() == pem);
  const mosq::crypto::CertificateFacts facts_again = again->facts();
  FUZZ_CHECK(facts_again.sha256_fingerprint == facts.sha256_fingerprint);
  FUZZ_CHECK(facts_again.serial_hex == facts.serial_hex);
  FUZZ_CHECK(facts_again.subject_alt_names == facts.subject_alt_names);
  FUZZ_CHECK(facts_again.not_after == facts.not_after);
  FUZZ_CHECK(facts_again.public_key_fingerprint == facts.public_key_fingerprint);
  (void)cert.signed_by(cert);
  if (key != nullptr) {
    (void)cert.matches_key(*key);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t mode = data[0] % k_label_count;
  const std::string text = mode == 0
                               ? std::string(reinterpret_cast<const char*>(data + 1), size - 1)
                               : armour(k_labels[mode], data + 1, size - 1);

  const mosq::Secret pem(text);
  const mosq::crypto::KeyLoadResult plain = mosq::crypto::load_private_key(pem, nullptr);
  const mosq::Secret passphrase(k_passphrase);
  const mosq::crypto::KeyLoadResult opened = mosq::crypto::load_private_key(pem, &passphrase);
  FUZZ_CHECK((plain.status == mosq::crypto::KeyLoadStatus::ok) == plain.key.has_value());
  FUZZ_CHECK((opened.status == mosq::crypto::KeyLoadStatus::ok) == opened.key.has_value());
  if (plain.status == mosq::crypto::KeyLoadStatus::ok) {
    FUZZ_CHECK(opened.status == mosq::crypto::KeyLoadStatus::ok);
  }
  if (opened.key) {
    check_key(*opened.key);
  }

  std::string why;
  const auto cert = mosq::crypto::Certificate::parse_pem(text, &why);
  // Observe counts the certificates of a file (a CA bundle holds several).
  const std::size_t count = mosq::crypto::count_pem_certificates(text);
  if (cert) {
    FUZZ_CHECK(count >= 1);
    check_certificate(*cert, opened.key ? &*opened.key : nullptr);
  } else {
    FUZZ_CHECK(count == 0);
    FUZZ_CHECK(!why.empty());
  }
  return 0;
}
