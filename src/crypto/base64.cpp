#include "crypto/base64.h"

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <array>
#include <climits>

#include "crypto/ossl_ptr.h"

namespace mosq::crypto {
namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr int k_invalid = -1;

// The 6-bit value of a base64 digit, or k_invalid.
int digit_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return k_invalid;
}

}  // namespace

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const unsigned long group = (static_cast<unsigned long>(data[i]) << 16) |
                                (static_cast<unsigned long>(data[i + 1]) << 8) | data[i + 2];
    out += k_alphabet[(group >> 18) & 0x3f];
    out += k_alphabet[(group >> 12) & 0x3f];
    out += k_alphabet[(group >> 6) & 0x3f];
    out += k_alphabet[group & 0x3f];
  }
  const std::size_t rest = size - i;
  if (rest == 1) {
    const unsigned long group = static_cast<unsigned long>(data[i]) << 16;
    out += k_alphabet[(group >> 18) & 0x3f];
    out += k_alphabet[(group >> 12) & 0x3f];
    out += "==";
  } else if (rest == 2) {
    const unsigned long group = (static_cast<unsigned long>(data[i]) << 16) |
                                (static_cast<unsigned long>(data[i + 1]) << 8);
    out += k_alphabet[(group >> 18) & 0x3f];
    out += k_alphabet[(group >> 12) & 0x3f];
    out += k_alphabet[(group >> 6) & 0x3f];
    out += '=';
  }
  return out;
}

std::string base64_encode(const std::vector<unsigned char>& data) {
  return base64_encode(data.data(), data.size());
}

std::optional<std::vector<unsigned char>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::vector<unsigned char> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t padding = 0;
    if (last && text[i + 3] == '=') {
      padding = text[i + 2] == '=' ? 2 : 1;
    }
    std::array<int, 4> v{};
    for (std::size_t k = 0; k < 4 - padding; ++k) {
      v[k] = digit_value(text[i + k]);
      if (v[k] == k_invalid) {
        return std::nullopt;  // a foreign character, or '=' before the end
      }
    }
    const unsigned long group = (static_cast<unsigned long>(v[0]) << 18) |
                                (static_cast<unsigned long>(v[1]) << 12) |
                                (static_cast<unsigned long>(v[2]) << 6) |
                                static_cast<unsigned long>(v[3]);
    out.push_back(static_cast<unsigned char>((group >> 16) & 0xff));
    if (padding == 2) {
      if ((group & 0xffff) != 0) {
        return std::nullopt;  // non-zero bits under the padding: not canonical
      }
      break;
    }
    out.push_back(static_cast<unsigned char>((group >> 8) & 0xff));
    if (padding == 1) {
      if ((group & 0xff) != 0) {
        return std::nullopt;
      }
      break;
    }
    out.push_back(static_cast<unsigned char>(group & 0xff));
  }
  return out;
}

std::optional<std::vector<unsigned char>> base64_decode_as_mosquitto(std::string_view text) {
  if (text.empty() || text.size() > static_cast<std::size_t>(INT_MAX)) {
    return std::nullopt;
  }
  // The one encoding of its bytes decodes to them under any decoder, the
  // broker's too: only other text needs OpenSSL's own reading (a BIO and
  // the error queue per call: 18,000 instructions, a tenth of a no-op run
  // per user of a long password file).
  if (auto strict = base64_decode(text); strict && !strict->empty()) return strict;
  ErrorQueueGuard guard;
  BIO* base64 = BIO_new(BIO_f_base64());
  BIO* memory = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (base64 == nullptr || memory == nullptr) {
    BIO_free(base64);
    BIO_free(memory);
    return std::nullopt;
  }
  BIO_set_flags(base64, BIO_FLAGS_BASE64_NO_NL);
  BioPtr chain(BIO_push(base64, memory));  // frees both
  std::vector<unsigned char> out(text.size());
  const int length = BIO_read(chain.get(), out.data(), static_cast<int>(out.size()));
  if (length <= 0) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace mosq::crypto
