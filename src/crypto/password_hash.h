// Mosquitto's password hashes.
//   $7$<iterations>$<base64 salt>$<base64 hash>  PBKDF2-HMAC-SHA512 (64-byte hash)
//   $6$<base64 salt>$<base64 hash>               base64(SHA512(password || salt))
// Standard base64 with padding. Mosquitto 2.0 writes 101 iterations and a
// 12-byte salt, and drops at load a $7$ line whose salt is not 12 bytes
// (2.1's mosquitto_passwd writes other salt lengths: mosquitto issue #3720).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/secret.h"

namespace mosq::crypto {

// The most PBKDF2 iterations a hash may have to be read: a hostile line of
// $7$2000000000$ would otherwise hold the lock for a quarter of an hour
// per verification; at this cap one takes about a second. Only lines of
// the spec's users are verified, so a run costs at most that per user.
// Mosquitto writes 101 (2.0) or 1000 (2.1); OWASP advises 210,000.
constexpr int k_max_iterations = 1'000'000;

enum class HashScheme { sha512, sha512_pbkdf2 };

// The broker release whose password file format we must write and read.
enum class MosquittoVersion { v2_0, v2_1 };

struct PasswordHash {
  HashScheme scheme = HashScheme::sha512_pbkdf2;
  int iterations = 0;  // $7$ only
  std::vector<unsigned char> salt;
  std::vector<unsigned char> hash;
};

// Parses the hash part of a password line (everything after "user:").
// On failure returns nullopt and sets *why to a short reason
// ("unknown hash scheme", "salt is not valid base64", ...).
std::optional<PasswordHash> parse_password_hash(std::string_view text, std::string* why);

// The canonical text of a hash ("$7$101$...$...").
std::string format_password_hash(const PasswordHash& hash);

// Whether password produces hash (constant-time compare). False for a
// hash no broker could hold (not 64 bytes, iterations < 1).
bool verify_password(const PasswordHash& hash, const Secret& password);

// A new $7$ hash with a fresh random salt of the target version's length
// (new_salt_length: 12 bytes for 2.0, 64 for 2.1) and iterations (101 by
// default, which both versions read). Throws mosq::Error when iterations < 1
// or OpenSSL fails.
PasswordHash hash_password(const Secret& password, MosquittoVersion target, int iterations = 101);

// Why a broker of version `target` would refuse or drop this hash, or
// nullopt when it reads it. 2.0: a $7$ salt must be 12 bytes.
std::optional<std::string> unreadable_by(const PasswordHash& hash, MosquittoVersion target);

// The salt length the target version's mosquitto_passwd writes: 12 bytes
// for 2.0, 64 for 2.1. hash_password uses it.
std::size_t new_salt_length(MosquittoVersion target);

// The PBKDF2 iteration count the target version's mosquitto_passwd writes
// by default: 101 for 2.0, 210000 for 2.1.
int default_iterations(MosquittoVersion target);

}  // namespace mosq::crypto
