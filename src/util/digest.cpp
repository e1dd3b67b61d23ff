#include "util/digest.h"

#include <openssl/evp.h>

#include "util/error.h"

namespace mosq {

namespace {

// Fetched once: EVP_sha256() makes every EVP_Digest fetch the
// implementation again (a name lookup under the method store's lock). The
// EVP_MD is immutable, shared by threads, and lives as long as the process.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* type = sha256_md();
  if (type == nullptr || EVP_Digest(data.data(), data.size(), md, &len, type, nullptr) != 1) {
    throw Error("SHA-256 failed");
  }
  static const char* const k_hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(k_hex[md[i] >> 4]);
    out.push_back(k_hex[md[i] & 0x0f]);
  }
  return out;
}

}  // namespace mosq
