#include "crypto/password_hash.h"

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <random>

#include <string>
#include <vector>

#include "crypto/base64.h"
#include "util/error.h"

using mosq::Secret;
using namespace mosq::crypto;

namespace {

// Known answers computed independently with Python 3's hashlib and base64:
//   salt = bytes(range(12))                                  -> "AAECAwQFBgcICQoL"
//   base64.b64encode(hashlib.pbkdf2_hmac('sha512', b'correct horse', salt, 101, 64))
const std::string k_pbkdf2_12 =
    "$7$101$AAECAwQFBgcICQoL$"
    "lp0Cm29zl+CI/RXyXDKvLye7OxM3OuE6RMzgXTX/f3imS/pFh2Ur7yarLDpKRUKpB0tOj6l0UrRv41zqxmD4tg==";
//   salt = bytes(range(16))                                  -> "AAECAwQFBgcICQoLDA0ODw=="
//   base64.b64encode(hashlib.pbkdf2_hmac('sha512', b'correct horse', salt, 101, 64))
const std::string k_pbkdf2_16 =
    "$7$101$AAECAwQFBgcICQoLDA0ODw==$"
    "5vZ6dHuox4KaW1unoC8z3VIt56svIt9ygRKyp9bVe5zh+zK3Xqa/Na1Q0xvLz8n1P6mAobplIPNXHiGaPGmacQ==";
//   salt = bytes(range(64))
//   base64.b64encode(hashlib.pbkdf2_hmac('sha512', b'p', salt, 1000, 64))
const std::string k_pbkdf2_64 =
    "$7$1000$"
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==$"
    "GhJZqF9cs50tPnyvIyQGySBnCxsMYqQREmZnwovygsJ0ucKuqbhyLGmqdEO4aQIZoSRXB7XKJ770jB/1Gj6dbw==";
//   salt = b'saltsaltsalt'                                   -> "c2FsdHNhbHRzYWx0"
//   base64.b64encode(hashlib.sha512(b'hunter2' + salt).digest())
const std::string k_sha512_12 =
    "$6$c2FsdHNhbHRzYWx0$"
    "c+NGvGfsm1C8r6yvIpVCmf61SNl7RXBd4sPmljHjGixLW8PQZWosQWSa8zwFT0o4tl77izgIBSWvmuY44Z+sTQ==";

PasswordHash must_parse(const std::string& text) {
  std::string why;
  std::optional<PasswordHash> hash = parse_password_hash(text, &why);
  INFO("parse problem: " << why);
  REQUIRE(hash.has_value());
  return *hash;
}

std::string problem_of(const std::string& text) {
  std::string why;
  const std::optional<PasswordHash> hash = parse_password_hash(text, &why);
  CHECK_FALSE(hash.has_value());
  return why;
}

std::string bytes_to_string(const std::vector<unsigned char>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE("base64 matches the RFC 4648 test vectors", "[crypto][base64]") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},       {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    const std::vector<unsigned char> bytes(plain.begin(), plain.end());
    CHECK(base64_encode(bytes) == encoded);
    const auto decoded = base64_decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(bytes_to_string(*decoded) == plain);
  }
}

TEST_CASE("base64 round-trips every byte value and length", "[crypto][base64]") {
  for (std::size_t size = 0; size <= 70; ++size) {
    std::vector<unsigned char> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
      bytes[i] = static_cast<unsigned char>((i * 37 + size * 11 + 250) & 0xff);
    }
    const std::string text = base64_encode(bytes);
    CHECK(text.size() == (size + 2) / 3 * 4);
    const auto back = base64_decode(text);
    REQUIRE(back.has_value());
    CHECK(*back == bytes);
  }
}

TEST_CASE("base64 decoding is strict", "[crypto][base64]") {
  const std::vector<std::string> rejected = {
      "Zg",         // missing padding
      "Zg=",        // length not a multiple of 4
      "Zg==Zg==",   // padding before the end
      "Z===",       // too much padding
      "====",       // padding only
      "Zh==",       // non-zero bits under the padding (not the canonical "Zg==")
      "Zm9=",       // same, one '='
      "Zm9v\n",     // line break
      "Zm 9v",      // space
      "Zm9-",       // URL-safe alphabet
      "Zm9.",       // passlib's adapted alphabet (mosquitto issue #2847)
      "Zg=A",       // '=' followed by a digit
  };
  for (const std::string& text : rejected) {
    INFO("text: " << text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

TEST_CASE("known-answer $7$ PBKDF2-HMAC-SHA512 hash", "[crypto][password]") {
  const PasswordHash hash = must_parse(k_pbkdf2_12);
  CHECK(hash.scheme == HashScheme::sha512_pbkdf2);
  CHECK(hash.iterations == 101);
  CHECK(hash.salt == std::vector<unsigned char>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(hash.hash.size() == 64);
  CHECK(format_password_hash(hash) == k_pbkdf2_12);

  CHECK(verify_password(hash, Secret("correct horse")));
  CHECK_FALSE(verify_password(hash, Secret("correct horsE")));
  CHECK_FALSE(verify_password(hash, Secret("correct horse ")));
  CHECK_FALSE(verify_password(hash, Secret("")));
}

TEST_CASE("known-answer $6$ salted SHA-512 hash", "[crypto][password]") {
  const PasswordHash hash = must_parse(k_sha512_12);
  CHECK(hash.scheme == HashScheme::sha512);
  CHECK(bytes_to_string(hash.salt) == "saltsaltsalt");
  CHECK(format_password_hash(hash) == k_sha512_12);

  CHECK(verify_password(hash, Secret("hunter2")));
  CHECK_FALSE(verify_password(hash, Secret("hunter3")));
  CHECK(unreadable_by(hash, MosquittoVersion::v2_0) == std::nullopt);
  CHECK(unreadable_by(hash, MosquittoVersion::v2_1) == std::nullopt);
}

TEST_CASE("a tampered hash, salt, iteration count or scheme no longer verifies",
          "[crypto][password]") {
  const Secret password("correct horse");
  const PasswordHash good = must_parse(k_pbkdf2_12);
  REQUIRE(verify_password(good, password));

  PasswordHash flipped_hash = good;
  flipped_hash.hash[63] ^= 0x01;
  CHECK_FALSE(verify_password(flipped_hash, password));

  PasswordHash flipped_salt = good;
  flipped_salt.salt[0] ^= 0x80;
  CHECK_FALSE(verify_password(flipped_salt, password));

  PasswordHash other_iterations = good;
  other_iterations.iterations = 102;
  CHECK_FALSE(verify_password(other_iterations, password));

  PasswordHash other_scheme = good;
  other_scheme.scheme = HashScheme::sha512;
  CHECK_FALSE(verify_password(other_scheme, password));

  PasswordHash sha = must_parse(k_sha512_12);
  sha.hash[0] ^= 0x01;
  CHECK_FALSE(verify_password(sha, Secret("hunter2")));
}

TEST_CASE("a hash no broker could hold never verifies", "[crypto][password]") {
  PasswordHash short_hash = must_parse(k_pbkdf2_12);
  short_hash.hash.pop_back();
  CHECK_FALSE(verify_password(short_hash, Secret("correct horse")));
  CHECK(unreadable_by(short_hash, MosquittoVersion::v2_0).value() ==
        "hash is 63 bytes; Mosquitto reads only 64-byte hashes");

  PasswordHash no_iterations = must_parse(k_pbkdf2_12);
  no_iterations.iterations = 0;
  CHECK_FALSE(verify_password(no_iterations, Secret("correct horse")));
  CHECK(unreadable_by(no_iterations, MosquittoVersion::v2_1).value() ==
        "iterations must be at least 1");
}

TEST_CASE("salt length decides which broker version reads a hash", "[crypto][password]") {
  // 12 bytes: what 2.0 writes; both read it.
  const PasswordHash salt12 = must_parse(k_pbkdf2_12);
  CHECK(unreadable_by(salt12, MosquittoVersion::v2_0) == std::nullopt);
  CHECK(unreadable_by(salt12, MosquittoVersion::v2_1) == std::nullopt);

  // 16 bytes: PBKDF2 over it verifies, but 2.0 drops the line at load and
  // 2.1's decoder accepts only 12 or 64.
  const PasswordHash salt16 = must_parse(k_pbkdf2_16);
  CHECK(salt16.salt.size() == 16);
  CHECK(verify_password(salt16, Secret("correct horse")));
  CHECK(unreadable_by(salt16, MosquittoVersion::v2_0).value() ==
        "salt is 16 bytes; Mosquitto 2.0 drops a line whose salt is not 12 bytes"
        " (\"Unable to decode password salt\")");
  CHECK(unreadable_by(salt16, MosquittoVersion::v2_1).value() ==
        "salt is 16 bytes; Mosquitto 2.1 reads only 12- or 64-byte salts");

  // 64 bytes: what 2.1 writes (mosquitto issue #3720); 2.0 drops it.
  const PasswordHash salt64 = must_parse(k_pbkdf2_64);
  CHECK(salt64.salt.size() == 64);
  CHECK(salt64.iterations == 1000);
  CHECK(verify_password(salt64, Secret("p")));
  CHECK_FALSE(verify_password(salt64, Secret("q")));
  CHECK(unreadable_by(salt64, MosquittoVersion::v2_0).has_value());
  CHECK(unreadable_by(salt64, MosquittoVersion::v2_1) == std::nullopt);

  // The same rule holds for $6$ in 2.0.
  PasswordHash sha16 = must_parse(k_sha512_12);
  sha16.salt.resize(16);
  CHECK(unreadable_by(sha16, MosquittoVersion::v2_0).has_value());
}

TEST_CASE("hash_password for 2.0 writes what a 2.0 broker reads", "[crypto][password]") {
  const Secret password("s3cret with spaces");
  const PasswordHash hash = hash_password(password, MosquittoVersion::v2_0);
  CHECK(hash.scheme == HashScheme::sha512_pbkdf2);
  CHECK(hash.iterations == 101);
  CHECK(hash.salt.size() == 12);
  CHECK(hash.hash.size() == 64);
  CHECK(unreadable_by(hash, MosquittoVersion::v2_0) == std::nullopt);
  CHECK(verify_password(hash, password));
  CHECK_FALSE(verify_password(hash, Secret("s3cret with space")));

  // The text form parses back to the same hash.
  const PasswordHash reparsed = must_parse(format_password_hash(hash));
  CHECK(reparsed.iterations == hash.iterations);
  CHECK(reparsed.salt == hash.salt);
  CHECK(reparsed.hash == hash.hash);
  CHECK(verify_password(reparsed, password));

  // Fresh salt each time.
  const PasswordHash again = hash_password(password, MosquittoVersion::v2_0);
  CHECK(again.salt != hash.salt);
  CHECK(again.hash != hash.hash);
  CHECK(verify_password(again, password));
}

TEST_CASE("hash_password for 2.1 uses 64-byte salts, which 2.0 cannot read",
          "[crypto][password]") {
  CHECK(new_salt_length(MosquittoVersion::v2_0) == 12);
  CHECK(new_salt_length(MosquittoVersion::v2_1) == 64);
  CHECK(default_iterations(MosquittoVersion::v2_0) == 101);
  CHECK(default_iterations(MosquittoVersion::v2_1) == 1000);

  const Secret password("pw");
  const PasswordHash hash = hash_password(password, MosquittoVersion::v2_1, 7);
  CHECK(hash.salt.size() == 64);
  CHECK(hash.iterations == 7);
  CHECK(verify_password(hash, password));
  CHECK_FALSE(verify_password(hash, Secret("pW")));
  CHECK(unreadable_by(hash, MosquittoVersion::v2_1) == std::nullopt);
  CHECK(unreadable_by(hash, MosquittoVersion::v2_0).value().rfind("salt is 64 bytes", 0) == 0);
}

TEST_CASE("hash_password handles an empty password and rejects bad iterations",
          "[crypto][password]") {
  const PasswordHash hash = hash_password(Secret(""), MosquittoVersion::v2_0);
  CHECK(verify_password(hash, Secret("")));
  CHECK_FALSE(verify_password(hash, Secret("x")));

  CHECK_THROWS_AS(hash_password(Secret("pw"), MosquittoVersion::v2_0, 0), mosq::Error);
  CHECK_THROWS_AS(hash_password(Secret("pw"), MosquittoVersion::v2_0, -3), mosq::Error);
}

TEST_CASE("hashes are decoded as Mosquitto decodes them: the unused bits of the last digit are ignored",
          "[crypto][password]") {
  // mosquitto_passwd writes "...tg==" (the low 4 bits of 'g' unused, zero);
  // the broker (OpenSSL's base64 BIO) reads "...th==" to the same bytes and
  // logs the user in (checked on 2.0.11), so the tool must not drop it.
  const PasswordHash canonical = must_parse(k_pbkdf2_12);
  std::string lax = k_pbkdf2_12;
  REQUIRE(lax.substr(lax.size() - 4) == "tg==");
  for (const char last : {'h', 'i', 'v'}) {
    lax[lax.size() - 3] = last;
    INFO(lax);
    const PasswordHash read = must_parse(lax);
    CHECK(read.hash == canonical.hash);
    CHECK(verify_password(read, Secret("correct horse")));
  }
  CHECK(base64_decode_as_mosquitto("QR==") == std::vector<unsigned char>{0x41});
  CHECK_FALSE(base64_decode("QR=="));  // the strict decoder refuses it
  CHECK_FALSE(base64_decode_as_mosquitto("not base64!"));
  CHECK_FALSE(base64_decode_as_mosquitto(""));
}

namespace {

// What the broker gets from a salt or hash field: OpenSSL's base64 BIO
// without line breaks (Mosquitto 2.0's password_mosq.c), read here directly.
std::vector<unsigned char> openssl_bio_decode(const std::string& text) {
  BIO* base64 = BIO_new(BIO_f_base64());
  BIO* memory = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  BIO_set_flags(base64, BIO_FLAGS_BASE64_NO_NL);
  BIO* chain = BIO_push(base64, memory);
  std::vector<unsigned char> out(text.size());
  const int length = BIO_read(chain, out.data(), static_cast<int>(out.size()));
  BIO_free_all(chain);
  out.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
  return out;
}

}  // namespace

TEST_CASE("canonical base64 (decoded without OpenSSL) reads as the broker's BIO reads it", "[crypto][password]") {
  std::mt19937 random(20261202);
  for (std::size_t size = 1; size <= 96; ++size) {
    for (int round = 0; round < 8; ++round) {
      std::vector<unsigned char> bytes(size);
      for (auto& b : bytes) b = static_cast<unsigned char>(random());
      const std::string text = base64_encode(bytes);
      CAPTURE(text);
      const auto decoded = base64_decode_as_mosquitto(text);
      REQUIRE(decoded);
      CHECK(*decoded == bytes);
      CHECK(*decoded == openssl_bio_decode(text));
    }
  }
}

TEST_CASE("a hash above the iteration cap is refused, not verified for minutes", "[crypto][password]") {
  const std::string salt = "AAECAwQFBgcICQoL";
  const std::string hash =
      "lp0Cm29zl+CI/RXyXDKvLye7OxM3OuE6RMzgXTX/f3imS/pFh2Ur7yarLDpKRUKpB0tOj6l0UrRv41zqxmD4tg==";
  CHECK(must_parse("$7$1000000$" + salt + "$" + hash).iterations == 1000000);
  CHECK(problem_of("$7$2000000000$" + salt + "$" + hash) ==
        "2000000000 iterations, above the 1000000 this tool verifies (each check would take minutes)");
}

TEST_CASE("malformed hashes each give their problem", "[crypto][password]") {
  const std::string salt = "AAECAwQFBgcICQoL";
  const std::string hash =
      "lp0Cm29zl+CI/RXyXDKvLye7OxM3OuE6RMzgXTX/f3imS/pFh2Ur7yarLDpKRUKpB0tOj6l0UrRv41zqxmD4tg==";
  // Sanity: the pieces make a valid line.
  REQUIRE(parse_password_hash("$7$101$" + salt + "$" + hash, nullptr).has_value());

  CHECK(problem_of("") == "empty hash");
  CHECK(problem_of("plain-text-password") == "unknown hash scheme");
  CHECK(problem_of("$5$" + salt + "$" + hash) == "unknown hash scheme");
  CHECK(problem_of("$7") == "unknown hash scheme");
  CHECK(problem_of("$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA") ==
        "unknown hash scheme: argon2id (Mosquitto 2.1's default; 2.0 rejects it)");

  CHECK(problem_of("$7$101$" + salt) == "wrong number of '$' fields for a $7$ hash");
  CHECK(problem_of("$7$101$" + salt + "$" + hash + "$") ==
        "wrong number of '$' fields for a $7$ hash");
  CHECK(problem_of("$6$" + salt) == "wrong number of '$' fields for a $6$ hash");
  CHECK(problem_of("$6$101$" + salt + "$" + hash) == "wrong number of '$' fields for a $6$ hash");

  for (const std::string iterations : {"", "abc", "0", "-5", "+5", "10x", "2147483648"}) {
    INFO("iterations: " << iterations);
    CHECK(problem_of("$7$" + iterations + "$" + salt + "$" + hash) ==
          "iterations is not a positive integer");
  }

  CHECK(problem_of("$7$101$$" + hash) == "empty salt");
  CHECK(problem_of("$7$101$AAEC*wQFBgcICQoL$" + hash) == "salt is not valid base64");
  // OpenSSL's BIO (the broker's decoder) reads 15 digits as 9 bytes: the
  // hash parses, and its 9-byte salt is what makes the broker drop it
  // (see "salt length decides which broker version reads a hash").
  CHECK(must_parse("$7$101$AAECAwQFBgcICQo$" + hash).salt.size() == 9);
  CHECK(problem_of("$6$c2Fs dHNh$" + hash) == "salt is not valid base64");
  CHECK(problem_of("$7$101$" + salt + "$not base64!") == "hash is not valid base64");
  CHECK(must_parse("$7$101$" + salt + "$" + hash + " ").hash.size() == 64);  // the BIO skips blanks
  CHECK(problem_of("$7$101$" + salt + "$" + hash + ":extra") == "hash is not valid base64");
  CHECK(problem_of("$7$101$" + salt + "$") == "hash is not valid base64");  // decodes to nothing
  CHECK(problem_of("$7$101$" + salt + "$AAAA") == "hash is not 64 bytes (a SHA-512 output)");

  // A null `why` is allowed.
  CHECK_FALSE(parse_password_hash("$9$x$y", nullptr).has_value());
}
