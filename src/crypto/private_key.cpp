#include "crypto/private_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cctype>
#include <climits>
#include <cstring>
#include <utility>

#include "crypto/legacy_key.h"
#include "crypto/openssl_start.h"
#include "util/error.h"

namespace mosq::crypto {
namespace {

// Markers of an encrypted PEM: PKCS#8 EncryptedPrivateKeyInfo, or the legacy
// OpenSSL "traditional" format with a Proc-Type header.
// (Literals split so secret scanners do not take the marker for a key.)
constexpr const char* k_pkcs8_encrypted = "-----BEGIN ENCRYPTED PRIVATE " "KEY-----";
constexpr const char* k_legacy_encrypted = "Proc-Type: 4,ENCRYPTED";
constexpr const char* k_pkcs8_plain = "-----BEGIN PRIVATE " "KEY-----";
static_assert(k_max_passphrase_bytes == PEM_BUFSIZE, "the passphrase callback's buffer size");

// The cipher a legacy encrypted PEM names ("DEK-Info: DES-EDE3-CBC,<iv>");
// empty for a PEM without that header (PKCS#8).
std::string_view legacy_pem_cipher(std::string_view pem) {
  constexpr std::string_view k_dek_info = "DEK-Info:";
  std::size_t at = pem.find(k_dek_info);
  if (at == std::string_view::npos) return {};
  at += k_dek_info.size();
  while (at < pem.size() && pem[at] == ' ') ++at;
  std::size_t end = at;
  while (end < pem.size() && end - at < 64 &&
         (std::isalnum(static_cast<unsigned char>(pem[end])) != 0 || pem[end] == '-' || pem[end] == '_')) {
    ++end;
  }
  return pem.substr(at, end - at);
}

EvpPkeyPtr keygen(KeyType type) {
  switch (type) {
    case KeyType::rsa2048:
      return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    case KeyType::rsa3072:
      return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)));
    case KeyType::rsa4096:
      return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(4096)));
    case KeyType::ec_p256:
      return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    case KeyType::ec_p384:
      return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    case KeyType::ed25519:
      return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }
  return nullptr;
}

// The curve's NID of an EC key, or NID_undef.
int ec_curve_nid(const EVP_PKEY* key) {
  char group[80] = {};
  size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &length) != 1) {
    return NID_undef;
  }
  int nid = OBJ_txt2nid(group);
  if (nid == NID_undef) {
    nid = EC_curve_nist2nid(group);
  }
  return nid;
}

std::string ec_curve_description(const EVP_PKEY* key) {
  const int nid = ec_curve_nid(key);
  if (nid == NID_undef) {
    return "EC (unknown curve)";
  }
  const char* nist = EC_curve_nid2nist(nid);
  return std::string("EC ") + (nist != nullptr ? nist : OBJ_nid2sn(nid));
}

std::string lower_hex(const unsigned char* bytes, std::size_t length) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (std::size_t i = 0; i < length; ++i) {
    out += k_digits[bytes[i] >> 4];
    out += k_digits[bytes[i] & 0x0f];
  }
  return out;
}

// What the passphrase callback was given and whether OpenSSL asked for it.
struct PassphraseRequest {
  const Secret* passphrase = nullptr;
  bool asked = false;
  bool too_long = false;
};

// Hands OpenSSL the passphrase we were given; fails instead of prompting.
int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* request = static_cast<PassphraseRequest*>(user);
  request->asked = true;
  if (request->passphrase == nullptr || size < 0) {
    return -1;
  }
  const std::string& value = request->passphrase->reveal();
  if (value.size() > static_cast<std::size_t>(size)) {
    request->too_long = true;
    return -1;
  }
  std::memcpy(buf, value.data(), value.size());
  return static_cast<int>(value.size());
}

bool starts_with(const std::string& text, const char* prefix) {
  return text.compare(0, std::strlen(prefix), prefix) == 0;
}

// The PKCS#8 PEM this tool writes (plain, or encrypted when a passphrase is
// given), read as PKCS#8 and turned into a key of the type its algorithm
// names. PEM_read_bio_PrivateKey reaches the same key through OpenSSL 3's
// decoder chain for every key type and format, and building that chain
// cost more than the rest of a no-op run (a fifth of its instructions in a
// callgrind profile of the example). Null on anything else or any failure:
// the caller then takes the general path, which also words the error.
EvpPkeyPtr load_pkcs8(const std::string& text, const Secret* passphrase) {
  const bool plain = starts_with(text, k_pkcs8_plain);
  const bool encrypted = starts_with(text, k_pkcs8_encrypted);
  if (!plain && !(encrypted && passphrase != nullptr && !passphrase->empty() &&
                  passphrase->size() <= k_max_passphrase_bytes)) {
    return nullptr;
  }
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return nullptr;
  PKCS8_PRIV_KEY_INFO* info = nullptr;
  if (plain) {
    info = PEM_read_bio_PKCS8_PRIV_KEY_INFO(bio.get(), nullptr, nullptr, nullptr);
  } else {
    X509_SIG* sealed = PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr);
    if (sealed == nullptr) return nullptr;
    const std::string& pass = passphrase->reveal();
    info = PKCS8_decrypt(sealed, pass.data(), static_cast<int>(pass.size()));
    X509_SIG_free(sealed);
  }
  if (info == nullptr) return nullptr;
  EvpPkeyPtr key(EVP_PKCS82PKEY(info));
  PKCS8_PRIV_KEY_INFO_free(info);  // cleanses the key bytes it held
  return key;
}

KeyLoadResult failure(KeyLoadStatus status, bool encrypted, std::string detail) {
  KeyLoadResult result;
  result.status = status;
  result.encrypted = encrypted;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

std::optional<KeyType> key_type_of(const EVP_PKEY* key) {
  if (key == nullptr) {
    return std::nullopt;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    switch (EVP_PKEY_get_bits(key)) {
      case 2048:
        return KeyType::rsa2048;
      case 3072:
        return KeyType::rsa3072;
      case 4096:
        return KeyType::rsa4096;
      default:
        return std::nullopt;
    }
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    switch (ec_curve_nid(key)) {
      case NID_X9_62_prime256v1:
        return KeyType::ec_p256;
      case NID_secp384r1:
        return KeyType::ec_p384;
      default:
        return std::nullopt;
    }
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    return KeyType::ed25519;
  }
  return std::nullopt;
}

std::string describe_key(const EVP_PKEY* key) {
  if (key == nullptr) {
    return "no key";
  }
  const std::string bits = std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "RSA")) {
    return "RSA " + bits;
  }
  if (EVP_PKEY_is_a(key, "RSA-PSS")) {
    return "RSA-PSS " + bits;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    return ec_curve_description(key);
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    return "Ed25519";
  }
  if (EVP_PKEY_is_a(key, "ED448")) {
    return "Ed448";
  }
  if (EVP_PKEY_is_a(key, "DSA")) {
    return "DSA " + bits;
  }
  const char* name = EVP_PKEY_get0_type_name(key);
  return std::string(name != nullptr ? name : "unknown key") + " " + bits;
}

std::string fingerprint_public_key(const EVP_PKEY* key) {
  ErrorQueueGuard guard;
  const EvpPkeyPtr legacy = legacy_copy(key);  // the same bytes, sooner: see legacy_key.h
  unsigned char* der = nullptr;
  const int der_length = i2d_PUBKEY(legacy ? legacy.get() : key, &der);
  if (der_length <= 0) {
    throw Error(drain_openssl_errors("cannot encode the public key"));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  const int ok = EVP_Digest(der, static_cast<size_t>(der_length), digest, &digest_length,
                            EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1) {
    throw Error(drain_openssl_errors("cannot hash the public key"));
  }
  return lower_hex(digest, digest_length);
}

PrivateKey::PrivateKey(EvpPkeyPtr key) : m_key(std::move(key)) {
  if (!m_key) {
    throw Error("internal error: PrivateKey made from a null key");
  }
}

PrivateKey PrivateKey::generate(KeyType type) {
  ErrorQueueGuard guard;
  EvpPkeyPtr key = keygen(type);
  if (!key) {
    throw Error(
        drain_openssl_errors("cannot generate a " + std::string(key_type_name(type)) + " key"));
  }
  return PrivateKey(std::move(key));
}

PrivateKey PrivateKey::duplicate() const {
  ErrorQueueGuard guard;
  EvpPkeyPtr copy(EVP_PKEY_dup(m_key.get()));
  if (!copy) throw Error(drain_openssl_errors("cannot copy a key"));
  return PrivateKey(std::move(copy));
}

std::optional<KeyType> PrivateKey::type() const { return key_type_of(m_key.get()); }

std::string PrivateKey::describe() const { return describe_key(m_key.get()); }

std::string PrivateKey::public_key_fingerprint() const {
  return fingerprint_public_key(m_key.get());
}

Secret PrivateKey::to_pem(const Secret* passphrase) const {
  ErrorQueueGuard guard;
  // A secure-memory BIO: its buffer is cleansed when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio) {
    throw Error(drain_openssl_errors("cannot allocate memory for a private key"));
  }
  // The same PKCS#8 out of a legacy copy, without the encoder look-up
  // (see legacy_key.h): with a passphrase, the same PBES2 parameters too.
  const EvpPkeyPtr legacy = legacy_copy(m_key.get());
  EVP_PKEY* const key = legacy ? legacy.get() : m_key.get();
  int ok = 0;
  if (passphrase == nullptr) {
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    if (passphrase->empty()) {
      throw Error("refusing to encrypt a private key with an empty passphrase");
    }
    if (passphrase->size() > k_max_passphrase_bytes) {
      throw Error("the passphrase is longer than " + std::to_string(k_max_passphrase_bytes) +
                  " bytes, which OpenSSL cannot read back");
    }
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(),
                                       passphrase->reveal().data(),
                                       static_cast<int>(passphrase->size()), nullptr, nullptr);
  }
  if (ok != 1) {
    throw Error(drain_openssl_errors("cannot write the private key as PKCS#8 PEM"));
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) {
    throw Error("cannot write the private key as PKCS#8 PEM: no output");
  }
  return Secret(std::string(data, static_cast<std::size_t>(length)));
}

bool is_encrypted_pem(std::string_view pem) {
  return pem.find(k_pkcs8_encrypted) != std::string_view::npos ||
         pem.find(k_legacy_encrypted) != std::string_view::npos;
}

KeyLoadResult load_private_key(const Secret& pem, const Secret* passphrase) {
  ErrorQueueGuard guard;
  const std::string& text = pem.reveal();
  const bool encrypted = is_encrypted_pem(text);
  if (text.empty()) {
    return failure(KeyLoadStatus::corrupt, false, "empty file");
  }
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    return failure(KeyLoadStatus::corrupt, encrypted, "file too large for a private key");
  }
  // A read-only BIO over the Secret's own memory: no copy of the PEM.
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) {
    return failure(KeyLoadStatus::corrupt, encrypted, drain_openssl_errors("out of memory"));
  }
  if (EvpPkeyPtr fast = load_pkcs8(text, passphrase)) {
    KeyLoadResult result;
    result.status = KeyLoadStatus::ok;
    result.key.emplace(std::move(fast));
    result.encrypted = encrypted;
    return result;
  }
  ERR_clear_error();  // what the PKCS#8 path met: the general path words the error
  if (encrypted) know_legacy_pem_cipher(legacy_pem_cipher(text));  // see start_openssl
  PassphraseRequest request;
  request.passphrase = passphrase;
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &request));
  if (key) {
    KeyLoadResult result;
    result.status = KeyLoadStatus::ok;
    result.key.emplace(std::move(key));
    result.encrypted = encrypted;
    return result;
  }
  // OpenSSL asks for the passphrase only once the structure parsed; a
  // truncated or damaged encrypted PEM fails before that and is corrupt.
  if (encrypted && request.asked) {
    if (passphrase == nullptr) {
      return failure(KeyLoadStatus::needs_passphrase, true,
                     "the key is encrypted and no passphrase was given");
    }
    if (request.too_long) {
      return failure(KeyLoadStatus::wrong_passphrase, true,
                     "the passphrase is longer than OpenSSL's limit of " +
                         std::to_string(k_max_passphrase_bytes) + " bytes");
    }
    return failure(KeyLoadStatus::wrong_passphrase, true,
                   drain_openssl_errors("the passphrase does not decrypt the key"));
  }
  return failure(KeyLoadStatus::corrupt, encrypted,
                 drain_openssl_errors("not a private key PEM OpenSSL can read"));
}

}  // namespace mosq::crypto
