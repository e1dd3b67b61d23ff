// Private keys through OpenSSL 3's EVP API only (no RSA_/EC_KEY calls).
// A PrivateKey cannot be printed; its PEM comes out as a Secret.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/key_type.h"
#include "crypto/ossl_ptr.h"
#include "util/secret.h"

namespace mosq::crypto {

// OpenSSL hands a passphrase callback a PEM_BUFSIZE (1024) byte buffer, so
// a longer passphrase could encrypt a key that then cannot be loaded:
// to_pem() refuses one.
constexpr std::size_t k_max_passphrase_bytes = 1024;

class PrivateKey {
 public:
  explicit PrivateKey(EvpPkeyPtr key);

  // A fresh key of this type. Throws Error when OpenSSL fails.
  static PrivateKey generate(KeyType type);

  EVP_PKEY* get() const { return m_key.get(); }

  // One of our key types, or nullopt (rsa1024, DSA, P-521, ...).
  std::optional<KeyType> type() const;
  // "RSA 2048", "EC P-256", "Ed25519", "RSA 1024", "DSA 2048": for plans.
  std::string describe() const;
  // SHA-256 of the public key's SubjectPublicKeyInfo DER, lower-case hex:
  // safe to print, identifies the key pair.
  std::string public_key_fingerprint() const;

  // An independent copy (EVP_PKEY_dup): one thread may encode it while
  // another signs with this one. Throws Error when OpenSSL fails.
  PrivateKey duplicate() const;

  // PKCS#8 PEM; encrypted with AES-256-CBC when passphrase is given.
  // Throws Error for an empty passphrase or one over k_max_passphrase_bytes.
  Secret to_pem(const Secret* passphrase) const;

 private:
  EvpPkeyPtr m_key;
};

// The same facts for any key, public or private (a certificate's key, say).
std::optional<KeyType> key_type_of(const EVP_PKEY* key);
std::string describe_key(const EVP_PKEY* key);
// SHA-256 of i2d_PUBKEY(key), lower-case hex. Throws Error when OpenSSL fails.
std::string fingerprint_public_key(const EVP_PKEY* key);

enum class KeyLoadStatus {
  ok,
  corrupt,           // not a private key PEM we can parse (garbage, truncated, empty)
  needs_passphrase,  // encrypted, and no passphrase was given
  wrong_passphrase,  // encrypted, and the passphrase does not decrypt it
};

struct KeyLoadResult {
  KeyLoadStatus status = KeyLoadStatus::corrupt;
  std::optional<PrivateKey> key;
  bool encrypted = false;  // the PEM was encrypted (PKCS#8 or legacy Proc-Type)
  std::string detail;      // OpenSSL's reason, for messages (never key material)
};

// Reads PKCS#8 (plain or encrypted) and legacy PEM ("BEGIN RSA PRIVATE KEY",
// with or without "Proc-Type: 4,ENCRYPTED" DES3 as `openssl genrsa -des3`
// writes). Never prompts on a terminal. Never throws on bad input.
KeyLoadResult load_private_key(const Secret& pem, const Secret* passphrase);

// Whether a PEM text holds an encrypted key (PKCS#8 EncryptedPrivateKeyInfo
// or a legacy Proc-Type: 4,ENCRYPTED header), without opening it.
bool is_encrypted_pem(std::string_view pem);

}  // namespace mosq::crypto
