#include "crypto/openssl_start.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <mutex>
#include <set>
#include <string>

#include "crypto/ossl_ptr.h"
#include "util/error.h"

namespace mosq::crypto {

void start_openssl() {
  if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_ADD_ALL_CIPHERS,
                          nullptr) != 1) {
    throw Error(drain_openssl_errors("cannot start OpenSSL"));
  }
  // The cipher this tool encrypts keys with: a fetched cipher takes its
  // NID (its OID in a PBES2 header) from the legacy table when the
  // provider's ciphers are first fetched, so it is there before that.
  if (EVP_add_cipher(EVP_aes_256_cbc()) != 1) {
    throw Error(drain_openssl_errors("cannot start OpenSSL: cannot register AES-256-CBC"));
  }
  EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (sha256 == nullptr) {
    throw Error(drain_openssl_errors(
        "cannot start OpenSSL: it has no SHA-256 digest (does its configuration, the system's openssl.cnf "
        "or the file OPENSSL_CONF names, load a provider that has one?)"));
  }
  EVP_MD_free(sha256);  // the method store keeps it for the run's own fetches
}

void know_legacy_pem_cipher(std::string_view name) {
  static std::mutex mutex;
  // The legacy table keeps the name's pointer, not a copy: the names live
  // here for the rest of the process, as do the ciphers they point to.
  static std::set<std::string> names;
  if (name.empty()) return;
  const std::lock_guard<std::mutex> lock(mutex);
  const std::string text(name);
  ERR_set_mark();
  if (EVP_get_cipherbyname(text.c_str()) == nullptr) {
    // Registered under the header's own spelling: a cipher fetched after
    // start_openssl has no NID to register it under (see there), and the
    // PEM reader needs none.
    EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, text.c_str(), nullptr);
    if (cipher != nullptr) {
      const std::string& kept = *names.insert(text).first;
      if (OBJ_NAME_add(kept.c_str(), OBJ_NAME_TYPE_CIPHER_METH, reinterpret_cast<const char*>(cipher)) != 1) {
        EVP_CIPHER_free(cipher);
      }
    }
  }
  ERR_pop_to_mark();  // an unknown name is the PEM reader's to refuse
}

}  // namespace mosq::crypto
