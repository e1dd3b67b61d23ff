#include "crypto/openssl_start.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/ossl_ptr.h"
#include "util/error.h"

namespace mosq::crypto {

void start_openssl() {
  if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, nullptr) != 1) {
    throw Error(drain_openssl_errors("cannot start OpenSSL"));
  }
  // SHA-256 is every run's first algorithm (the files' digests): a
  // configuration that loads no provider with it fails here, said as such.
  EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (sha256 == nullptr) {
    throw Error(drain_openssl_errors(
        "cannot start OpenSSL: it has no SHA-256 digest (does its configuration, the system's openssl.cnf "
        "or the file OPENSSL_CONF names, load a provider that has one?)"));
  }
  EVP_MD_free(sha256);  // the method store keeps it for the run's own fetches
}

}  // namespace mosq::crypto
