#include "crypto/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <climits>

#include "crypto/base64.h"
#include "crypto/ossl_ptr.h"
#include "util/error.h"

// What each Mosquitto release reads and writes, learned from its source
// (github.com/eclipse/mosquitto; read, not copied):
//
// 2.0.x (checked at tags v2.0.11 and v2.0.20):
//   - mosquitto_passwd writes $7$ by default (-H sha512 gives $6$), 101
//     iterations (PW_DEFAULT_ITERATIONS, src/password_mosq.h) and a 12-byte
//     salt (SALT_LEN, src/password_mosq.h and apps/mosquitto_passwd/).
//   - The broker, in unpwd__decode_passwords() of src/security_default.c,
//     requires for BOTH $6$ and $7$ a salt that decodes to exactly 12 bytes
//     ("Unable to decode password salt for user X, removing entry") and a
//     hash that decodes to exactly 64 bytes ("Unable to decode password");
//     $7$ needs atoi(iterations) >= 1. A dropped user is refused.
// 2.1 (develop branch, config.mk VERSION=2.1.0):
//   - libcommon/password_common.c creates $6$ and $7$ salts of HASH_LEN =
//     EVP_MAX_MD_SIZE = 64 bytes (commit 18238444, "Password salts are now
//     64 bytes long"); its decoder accepts salts of 12 or 64 bytes and
//     64-byte hashes. The develop branch has PW_DEFAULT_ITERATIONS 210000
//     (commit 752a3022), but the v2.1.2 release writes 1000: we follow the
//     release (about 10x the cost of 2.0's 101 per verification, not 2000x).
//   - apps/mosquitto_passwd/mosquitto_passwd.c defaults to -H argon2id
//     ("$argon2id$..."), which 2.0 rejects as an unknown hash type;
//     -H sha512-pbkdf2 gives the 64-byte-salt $7$ lines 2.0 drops
//     (mosquitto issue #3720).

namespace mosq::crypto {
namespace {

constexpr std::size_t k_hash_size = 64;  // SHA-512 output, and what both versions read
constexpr std::size_t k_v2_0_salt_size = 12;
constexpr std::size_t k_v2_1_salt_size = 64;
constexpr int k_v2_0_default_iterations = 101;
constexpr int k_v2_1_default_iterations = 1000;  // libcommon/password_common.c, v2.1.2

using Bytes = std::vector<unsigned char>;

void set_why(std::string* why, const std::string& reason) {
  if (why != nullptr) {
    *why = reason;
  }
}

// Splits on '$', keeping empty fields ("a$$b" is three fields).
std::vector<std::string_view> split_dollar(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('$', start);
    if (end == std::string_view::npos) {
      fields.push_back(text.substr(start));
      return fields;
    }
    fields.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// A decimal integer in 1..INT_MAX, digits only (no sign, no spaces).
std::optional<int> parse_iterations(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
    if (value > INT_MAX) {
      return std::nullopt;
    }
  }
  if (value < 1) {
    return std::nullopt;
  }
  return static_cast<int>(value);
}

Bytes sha512_with_salt(const Secret& password, const Bytes& salt) {
  ErrorQueueGuard guard;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes out(k_hash_size);
  unsigned int out_len = 0;
  const std::string& pw = password.reveal();
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), pw.data(), pw.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &out_len) != 1 || out_len != k_hash_size) {
    throw Error(drain_openssl_errors("SHA-512 failed"));
  }
  return out;
}

Bytes pbkdf2_sha512(const Secret& password, const Bytes& salt, int iterations) {
  ErrorQueueGuard guard;
  Bytes out(k_hash_size);
  const std::string& pw = password.reveal();
  if (pw.size() > static_cast<std::size_t>(INT_MAX) ||
      salt.size() > static_cast<std::size_t>(INT_MAX)) {
    throw Error("PBKDF2-HMAC-SHA512: password or salt too long");
  }
  if (PKCS5_PBKDF2_HMAC(pw.data(), static_cast<int>(pw.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha512(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    throw Error(drain_openssl_errors("PBKDF2-HMAC-SHA512 failed"));
  }
  return out;
}

std::string salt_size_text(std::size_t size) {
  return "salt is " + std::to_string(size) + " bytes";
}

}  // namespace

std::optional<PasswordHash> parse_password_hash(std::string_view text, std::string* why) {
  if (text.empty()) {
    set_why(why, "empty hash");
    return std::nullopt;
  }
  PasswordHash result;
  std::vector<std::string_view> fields;
  if (text.substr(0, 3) == "$7$") {
    result.scheme = HashScheme::sha512_pbkdf2;
    fields = split_dollar(text.substr(3));
    if (fields.size() != 3) {
      set_why(why, "wrong number of '$' fields for a $7$ hash");
      return std::nullopt;
    }
    const std::optional<int> iterations = parse_iterations(fields[0]);
    if (!iterations) {
      set_why(why, "iterations is not a positive integer");
      return std::nullopt;
    }
    if (*iterations > k_max_iterations) {
      set_why(why, std::to_string(*iterations) + " iterations, above the " + std::to_string(k_max_iterations) +
                       " this tool verifies (each check would take minutes)");
      return std::nullopt;
    }
    result.iterations = *iterations;
    fields.erase(fields.begin());
  } else if (text.substr(0, 3) == "$6$") {
    result.scheme = HashScheme::sha512;
    fields = split_dollar(text.substr(3));
    if (fields.size() != 2) {
      set_why(why, "wrong number of '$' fields for a $6$ hash");
      return std::nullopt;
    }
  } else if (text.substr(0, 10) == "$argon2id$") {
    set_why(why, "unknown hash scheme: argon2id (Mosquitto 2.1's default; 2.0 rejects it)");
    return std::nullopt;
  } else {
    set_why(why, "unknown hash scheme");
    return std::nullopt;
  }

  if (fields[0].empty()) {
    set_why(why, "empty salt");
    return std::nullopt;
  }
  // Decoded as the broker decodes them, so a line it accepts is never
  // called unreadable (and its user dropped).
  std::optional<Bytes> salt = base64_decode_as_mosquitto(fields[0]);
  if (!salt) {
    set_why(why, "salt is not valid base64");
    return std::nullopt;
  }
  std::optional<Bytes> hash = base64_decode_as_mosquitto(fields[1]);
  if (!hash) {
    set_why(why, "hash is not valid base64");
    return std::nullopt;
  }
  if (hash->size() != k_hash_size) {
    set_why(why, "hash is not 64 bytes (a SHA-512 output)");
    return std::nullopt;
  }
  result.salt = std::move(*salt);
  result.hash = std::move(*hash);
  return result;
}

std::string format_password_hash(const PasswordHash& hash) {
  std::string out;
  if (hash.scheme == HashScheme::sha512_pbkdf2) {
    out = "$7$" + std::to_string(hash.iterations) + "$";
  } else {
    out = "$6$";
  }
  out += base64_encode(hash.salt);
  out += '$';
  out += base64_encode(hash.hash);
  return out;
}

bool verify_password(const PasswordHash& hash, const Secret& password) {
  if (hash.hash.size() != k_hash_size) {
    return false;
  }
  Bytes computed;
  if (hash.scheme == HashScheme::sha512_pbkdf2) {
    if (hash.iterations < 1) {
      return false;
    }
    computed = pbkdf2_sha512(password, hash.salt, hash.iterations);
  } else {
    computed = sha512_with_salt(password, hash.salt);
  }
  const bool same = CRYPTO_memcmp(computed.data(), hash.hash.data(), k_hash_size) == 0;
  OPENSSL_cleanse(computed.data(), computed.size());
  return same;
}

PasswordHash hash_password(const Secret& password, MosquittoVersion target, int iterations) {
  if (iterations < 1) {
    throw Error("PBKDF2 iterations must be at least 1, not " + std::to_string(iterations));
  }
  PasswordHash result;
  result.scheme = HashScheme::sha512_pbkdf2;
  result.iterations = iterations;
  result.salt.resize(new_salt_length(target));
  {
    ErrorQueueGuard guard;
    if (RAND_bytes(result.salt.data(), static_cast<int>(result.salt.size())) != 1) {
      throw Error(drain_openssl_errors("cannot generate a random salt"));
    }
  }
  result.hash = pbkdf2_sha512(password, result.salt, iterations);
  return result;
}

std::optional<std::string> unreadable_by(const PasswordHash& hash, MosquittoVersion target) {
  if (hash.hash.size() != k_hash_size) {
    return "hash is " + std::to_string(hash.hash.size()) +
           " bytes; Mosquitto reads only 64-byte hashes";
  }
  if (hash.scheme == HashScheme::sha512_pbkdf2 && hash.iterations < 1) {
    return std::string("iterations must be at least 1");
  }
  const std::size_t salt = hash.salt.size();
  if (target == MosquittoVersion::v2_0) {
    if (salt != k_v2_0_salt_size) {
      return salt_size_text(salt) +
             "; Mosquitto 2.0 drops a line whose salt is not 12 bytes"
             " (\"Unable to decode password salt\")";
    }
    return std::nullopt;
  }
  if (salt != k_v2_0_salt_size && salt != k_v2_1_salt_size) {
    return salt_size_text(salt) + "; Mosquitto 2.1 reads only 12- or 64-byte salts";
  }
  return std::nullopt;
}

std::size_t new_salt_length(MosquittoVersion target) {
  return target == MosquittoVersion::v2_0 ? k_v2_0_salt_size : k_v2_1_salt_size;
}

int default_iterations(MosquittoVersion target) {
  return target == MosquittoVersion::v2_0 ? k_v2_0_default_iterations
                                          : k_v2_1_default_iterations;
}

}  // namespace mosq::crypto
