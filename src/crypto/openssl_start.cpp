#include "crypto/openssl_start.h"

#include <openssl/crypto.h>

#include "crypto/ossl_ptr.h"
#include "util/error.h"

namespace mosq::crypto {

void start_openssl() {
  if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, nullptr) != 1) {
    throw Error(drain_openssl_errors("cannot start OpenSSL"));
  }
}

}  // namespace mosq::crypto
