#include "util/secret.h"

#include <openssl/crypto.h>

namespace mosq {

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();
    m_value = other.m_value;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    m_value = std::move(other.m_value);
    other.wipe();
  }
  return *this;
}

void Secret::wipe() noexcept {
  if (!m_value.empty()) {
    OPENSSL_cleanse(m_value.data(), m_value.size());
  }
  m_value.clear();
}

bool operator==(const Secret& a, const Secret& b) {
  return a.m_value.size() == b.m_value.size() &&
         CRYPTO_memcmp(a.m_value.data(), b.m_value.data(), a.m_value.size()) == 0;
}

}  // namespace mosq
