#include "crypto/ossl_ptr.h"

namespace mosq::crypto {

std::string drain_openssl_errors(const std::string& what) {
  std::string message = what;
  const char* sep = ": ";
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    const char* reason = ERR_reason_error_string(code);
    message += sep;
    message += reason != nullptr ? reason : buf;
    sep = "; ";
  }
  return message;
}

}  // namespace mosq::crypto
