#include "crypto/legacy_key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <string>

namespace mosq::crypto {
namespace {

// Whether the EC key's parameter `name` reads `value`.
bool ec_param_is(const EVP_PKEY* key, const char* name, const std::string& value) {
  char text[32] = {};
  std::size_t length = 0;
  return EVP_PKEY_get_utf8_string_param(key, name, text, sizeof text, &length) == 1 && value == text;
}

}  // namespace

EvpPkeyPtr legacy_copy(const EVP_PKEY* key) {
  // get1 exports the provider's key into a cache inside it: not a change
  // of the key, made under its lock.
  EVP_PKEY* const source = const_cast<EVP_PKEY*>(key);
  EvpPkeyPtr copy;
  ERR_set_mark();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (EVP_PKEY_is_a(key, "RSA")) {
    RSA* rsa = EVP_PKEY_get1_RSA(source);
    copy.reset(rsa != nullptr ? EVP_PKEY_new() : nullptr);
    if (copy && EVP_PKEY_assign_RSA(copy.get(), rsa) != 1) copy.reset();
    if (!copy) RSA_free(rsa);
  } else if (EVP_PKEY_is_a(key, "EC") &&
             ec_param_is(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed") &&
             ec_param_is(key, OSSL_PKEY_PARAM_EC_ENCODING, "named_curve")) {
    EC_KEY* ec = EVP_PKEY_get1_EC_KEY(source);
    copy.reset(ec != nullptr ? EVP_PKEY_new() : nullptr);
    if (copy && EVP_PKEY_assign_EC_KEY(copy.get(), ec) != 1) copy.reset();
    if (!copy) EC_KEY_free(ec);
  }
#pragma GCC diagnostic pop
  ERR_pop_to_mark();  // a failed copy only means the provider's path
  return copy;
}

}  // namespace mosq::crypto
