#include "crypto/private_key.h"

#include <openssl/pem.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <optional>
#include <string>
#include <vector>

#include "support/openssl_cli.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/text.h"
#include "util/digest.h"
#include "util/error.h"

using mosq::Secret;
using namespace mosq::crypto;
using mosq::test::ProcessResult;
using mosq::test::read_file;
using mosq::test::all_key_types;
using mosq::test::openssl_combined;
using mosq::test::starts_with;
using mosq::test::TempDir;

namespace {

// One key per type for the whole file: RSA 4096 generation is slow.
const PrivateKey& shared_key(KeyType type) {
  static std::map<KeyType, PrivateKey> keys;
  auto it = keys.find(type);
  if (it == keys.end()) {
    it = keys.emplace(type, PrivateKey::generate(type)).first;
  }
  return it->second;
}

// What `openssl pkey` says the public key's fingerprint is.
std::string openssl_fingerprint(const std::string& key_file, const std::string& passphrase) {
  const std::string der_file = key_file + ".pub.der";
  REQUIRE(openssl_combined({"pkey", "-in", key_file, "-passin", "pass:" + passphrase, "-pubout", "-outform",
                   "DER", "-out", der_file})
              .exit_code == 0);
  const ProcessResult digest = openssl_combined({"dgst", "-sha256", "-r", der_file});
  REQUIRE(digest.exit_code == 0);
  return digest.out.substr(0, digest.out.find(' '));
}

std::string expected_description(KeyType type) {
  switch (type) {
    case KeyType::rsa2048:
      return "RSA 2048";
    case KeyType::rsa3072:
      return "RSA 3072";
    case KeyType::rsa4096:
      return "RSA 4096";
    case KeyType::ec_p256:
      return "EC P-256";
    case KeyType::ec_p384:
      return "EC P-384";
    case KeyType::ed25519:
      return "Ed25519";
  }
  return "";
}

}  // namespace

TEST_CASE("generated keys report their type, description and fingerprint", "[crypto][key]") {
  for (KeyType type : all_key_types()) {
    INFO(key_type_name(type));
    const PrivateKey& key = shared_key(type);
    REQUIRE(key.type() == type);
    CHECK(key.describe() == expected_description(type));
    const std::string fingerprint = key.public_key_fingerprint();
    CHECK(fingerprint.size() == 64);
    CHECK(fingerprint.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(fingerprint == fingerprint_public_key(key.get()));
  }
  // Fresh keys differ.
  CHECK(PrivateKey::generate(KeyType::ec_p256).public_key_fingerprint() !=
        PrivateKey::generate(KeyType::ec_p256).public_key_fingerprint());
}

TEST_CASE("every key type round-trips through plain PKCS#8 PEM", "[crypto][key]") {
  for (KeyType type : all_key_types()) {
    INFO(key_type_name(type));
    const PrivateKey& key = shared_key(type);
    const Secret pem = key.to_pem(nullptr);
    CHECK(starts_with(pem.reveal(), "-----BEGIN PRIVATE " "KEY-----\n"));
    const KeyLoadResult loaded = load_private_key(pem, nullptr);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    REQUIRE(loaded.key.has_value());
    CHECK_FALSE(loaded.encrypted);
    CHECK(loaded.key->type() == type);
    CHECK(loaded.key->public_key_fingerprint() == key.public_key_fingerprint());
    CHECK(EVP_PKEY_eq(loaded.key->get(), key.get()) == 1);
    // A passphrase given for an unencrypted key is simply not needed.
    const Secret unused("unused");
    CHECK(load_private_key(pem, &unused).status == KeyLoadStatus::ok);
  }
}

TEST_CASE("every key type round-trips through encrypted PKCS#8 PEM", "[crypto][key]") {
  const Secret passphrase("correct horse 東京 battery");
  const Secret wrong("correct horse 東京 battery!");
  for (KeyType type : all_key_types()) {
    INFO(key_type_name(type));
    const PrivateKey& key = shared_key(type);
    const Secret pem = key.to_pem(&passphrase);
    CHECK(starts_with(pem.reveal(), "-----BEGIN ENCRYPTED PRIVATE " "KEY-----\n"));

    const KeyLoadResult loaded = load_private_key(pem, &passphrase);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    CHECK(loaded.encrypted);
    CHECK(loaded.key->public_key_fingerprint() == key.public_key_fingerprint());

    const KeyLoadResult with_wrong = load_private_key(pem, &wrong);
    CHECK(with_wrong.status == KeyLoadStatus::wrong_passphrase);
    CHECK(with_wrong.encrypted);
    CHECK_FALSE(with_wrong.key.has_value());
    CHECK_FALSE(with_wrong.detail.empty());

    const KeyLoadResult without = load_private_key(pem, nullptr);
    CHECK(without.status == KeyLoadStatus::needs_passphrase);
    CHECK(without.encrypted);
    CHECK_FALSE(without.key.has_value());
  }
}

TEST_CASE("unreadable input is corrupt, never an exception", "[crypto][key]") {
  const Secret passphrase("s3cret");
  const std::string plain = shared_key(KeyType::ec_p256).to_pem(nullptr).reveal();
  const std::string encrypted = shared_key(KeyType::ec_p256).to_pem(&passphrase).reveal();
  std::string damaged = plain;
  damaged[40] = '!';  // not base64
  const std::string public_pem =
      "-----BEGIN PUBLIC KEY-----\n"
      "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
      "-----END PUBLIC KEY-----\n";

  const std::vector<std::pair<std::string, std::string>> cases{
      {"empty", ""},
      {"garbage", "this is not a key\n"},
      {"truncated plain", plain.substr(0, plain.size() / 2)},
      {"damaged base64", damaged},
      {"a public key", public_pem},
  };
  for (const auto& [label, text] : cases) {
    INFO(label);
    const KeyLoadResult result = load_private_key(Secret(text), nullptr);
    CHECK(result.status == KeyLoadStatus::corrupt);
    CHECK_FALSE(result.key.has_value());
    CHECK_FALSE(result.detail.empty());
  }
  // Truncated encrypted PEM fails before any passphrase is asked for.
  const KeyLoadResult truncated =
      load_private_key(Secret(encrypted.substr(0, encrypted.size() / 2)), &passphrase);
  CHECK(truncated.status == KeyLoadStatus::corrupt);
  CHECK(truncated.encrypted);
  CHECK(load_private_key(Secret(encrypted.substr(0, encrypted.size() / 2)), nullptr).status ==
        KeyLoadStatus::corrupt);
}

TEST_CASE("passphrase limits", "[crypto][key]") {
  const PrivateKey& key = shared_key(KeyType::ed25519);
  const Secret empty;
  CHECK_THROWS_AS(key.to_pem(&empty), mosq::Error);
  const Secret too_long(std::string(k_max_passphrase_bytes + 1, 'x'));
  CHECK_THROWS_AS(key.to_pem(&too_long), mosq::Error);

  const Secret longest(std::string(k_max_passphrase_bytes, 'x'));
  const Secret pem = key.to_pem(&longest);
  CHECK(load_private_key(pem, &longest).status == KeyLoadStatus::ok);
  const KeyLoadResult over = load_private_key(pem, &too_long);
  CHECK(over.status == KeyLoadStatus::wrong_passphrase);
  CHECK(over.detail.find("1024") != std::string::npos);
}

TEST_CASE("the openssl command reads our PEM with the same public key", "[crypto][key][openssl]") {
  TempDir dir;
  const Secret passphrase("s3cret-pass");
  for (KeyType type : all_key_types()) {
    const std::string name(key_type_name(type));
    INFO(name);
    const PrivateKey& key = shared_key(type);
    const std::string plain_file = dir.write(name + ".pem", key.to_pem(nullptr).reveal());
    const std::string encrypted_file =
        dir.write(name + ".enc.pem", key.to_pem(&passphrase).reveal());

    CHECK(openssl_combined({"pkey", "-noout", "-in", plain_file}).exit_code == 0);
    CHECK(openssl_combined({"pkey", "-noout", "-in", encrypted_file, "-passin", "pass:s3cret-pass"})
              .exit_code == 0);
    CHECK(openssl_combined({"pkey", "-noout", "-in", encrypted_file, "-passin", "pass:wrong"}).exit_code !=
          0);
    CHECK(openssl_fingerprint(plain_file, "none") == key.public_key_fingerprint());
    CHECK(openssl_fingerprint(encrypted_file, "s3cret-pass") == key.public_key_fingerprint());

    const ProcessResult asn1 = openssl_combined({"asn1parse", "-in", encrypted_file});
    CHECK(asn1.out.find("aes-256-cbc") != std::string::npos);
  }
}

TEST_CASE("keys written by openssl genrsa -des3 load", "[crypto][key][openssl]") {
  TempDir dir;
  const Secret passphrase("s3cret-pass");
  const Secret wrong("not-it");

  struct Made {
    std::string label;
    std::vector<std::string> openssl_args;
    std::string marker;
  };
  const std::vector<Made> made{
      // OpenSSL 3 writes encrypted PKCS#8 even for genrsa -des3.
      {"pkcs8",
       {"genrsa", "-des3", "-passout", "pass:s3cret-pass", "-out", dir / "pkcs8.pem", "2048"},
       "-----BEGIN ENCRYPTED PRIVATE " "KEY-----"},
      {"traditional",
       {"genrsa", "-traditional", "-des3", "-passout", "pass:s3cret-pass", "-out",
        dir / "traditional.pem", "2048"},
       "Proc-Type: 4,ENCRYPTED"},
      // Other ciphers in a legacy DEK-Info header: start_openssl leaves
      // OpenSSL's legacy cipher names out, the reader registers the one
      // the header names.
      {"traditional-aes256",
       {"genrsa", "-traditional", "-aes256", "-passout", "pass:s3cret-pass", "-out",
        dir / "traditional-aes256.pem", "2048"},
       "DEK-Info: AES-256-CBC,"},
      {"traditional-camellia128",
       {"genrsa", "-traditional", "-camellia128", "-passout", "pass:s3cret-pass", "-out",
        dir / "traditional-camellia128.pem", "2048"},
       "DEK-Info: CAMELLIA-128-CBC,"},
  };
  for (const Made& m : made) {
    INFO(m.label);
    REQUIRE(openssl_combined(m.openssl_args).exit_code == 0);
    const std::string path = dir / (m.label + ".pem");
    const Secret pem(read_file(path));
    REQUIRE(pem.reveal().find(m.marker) != std::string::npos);

    const KeyLoadResult loaded = load_private_key(pem, &passphrase);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    CHECK(loaded.encrypted);
    CHECK(loaded.key->type() == KeyType::rsa2048);
    CHECK(loaded.key->public_key_fingerprint() == openssl_fingerprint(path, "s3cret-pass"));

    CHECK(load_private_key(pem, &wrong).status == KeyLoadStatus::wrong_passphrase);
    CHECK(load_private_key(pem, nullptr).status == KeyLoadStatus::needs_passphrase);
  }
}

TEST_CASE("other formats and key types from the openssl command", "[crypto][key][openssl]") {
  TempDir dir;
  struct Made {
    std::string label;
    std::vector<std::string> openssl_args;  // "%s": the file to write, dir/<label>.pem
    std::optional<KeyType> type;
    std::string description;
  };
  const std::vector<Made> made{
      {"rsa-traditional",
       {"genrsa", "-traditional", "-out", "%s", "2048"},
       KeyType::rsa2048,
       "RSA 2048"},
      // SEC1 with an "EC PARAMETERS" block before the key.
      {"ec-sec1",
       {"ecparam", "-name", "prime256v1", "-genkey", "-out", "%s"},
       KeyType::ec_p256,
       "EC P-256"},
      {"ed25519", {"genpkey", "-algorithm", "ed25519", "-out", "%s"}, KeyType::ed25519, "Ed25519"},
      {"rsa1024", {"genrsa", "-out", "%s", "1024"}, std::nullopt, "RSA 1024"},
      {"p521",
       {"ecparam", "-name", "secp521r1", "-genkey", "-noout", "-out", "%s"},
       std::nullopt,
       "EC P-521"},
      {"ed448", {"genpkey", "-algorithm", "ed448", "-out", "%s"}, std::nullopt, "Ed448"},
      {"dsa", {"dsaparam", "-genkey", "-noout", "-out", "%s", "1024"}, std::nullopt, "DSA 1024"},
  };
  for (const Made& m : made) {
    INFO(m.label);
    const std::string path = dir / (m.label + ".pem");
    std::vector<std::string> args = m.openssl_args;
    std::replace(args.begin(), args.end(), std::string("%s"), path);
    REQUIRE(openssl_combined(args).exit_code == 0);
    const KeyLoadResult loaded = load_private_key(Secret(read_file(path)), nullptr);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    CHECK_FALSE(loaded.encrypted);
    CHECK(loaded.key->type() == m.type);
    CHECK(loaded.key->describe() == m.description);
    CHECK(loaded.key->public_key_fingerprint() == openssl_fingerprint(path, "none"));
  }
}

namespace {

// PKCS#8 PEM as OpenSSL's provider encoders write it for the key itself
// (PEM_write_bio_PKCS8PrivateKey on a provider's key).
std::string provider_pem(const PrivateKey& key, const Secret* passphrase) {
  mosq::crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  REQUIRE(bio);
  const int ok = passphrase == nullptr
                     ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
                     : PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(),
                                                     passphrase->reveal().data(),
                                                     static_cast<int>(passphrase->size()), nullptr, nullptr);
  REQUIRE(ok == 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  REQUIRE(length > 0);
  return std::string(data, static_cast<std::size_t>(length));
}

// The fingerprint from the provider's SubjectPublicKeyInfo encoder.
std::string provider_fingerprint(const PrivateKey& key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key.get(), &der);
  REQUIRE(length > 0);
  const std::string spki(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return mosq::sha256_hex(spki);
}

// `openssl asn1parse` of a PEM file with the bytes of its OCTET STRINGs
// (salt, IV, ciphertext) left out: the structure, OIDs, iteration count
// and every length stay.
std::string asn1_structure(const std::string& pem_file) {
  const ProcessResult parsed = openssl_combined({"asn1parse", "-in", pem_file});
  REQUIRE(parsed.exit_code == 0);
  std::istringstream lines(parsed.out);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    out += line.substr(0, line.find("[HEX DUMP]:")) + "\n";
  }
  return out;
}

}  // namespace

// to_pem and public_key_fingerprint encode RSA and EC keys through a legacy
// copy (faster on OpenSSL 3.0, see legacy_key.h): what they write must be
// what the provider's encoders write for the key itself.
TEST_CASE("to_pem and the fingerprint give what OpenSSL's provider encoders give, byte for byte",
          "[crypto][key][openssl]") {
  TempDir dir;
  std::vector<std::pair<std::string, PrivateKey>> keys;
  for (KeyType type : all_key_types()) keys.emplace_back(key_type_name(type), shared_key(type).duplicate());
  // Keys from elsewhere: an EC point stored compressed, a curve spelled out.
  for (const auto& [form, file] : mosq::test::write_adopted_ec_keys(dir.path())) {
    KeyLoadResult loaded = load_private_key(Secret(read_file(file)), nullptr);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    keys.emplace_back("EC " + form, std::move(*loaded.key));
  }
  const Secret passphrase("correct horse battery");
  for (const auto& [name, key] : keys) {
    INFO(name);
    CHECK(key.to_pem(nullptr).reveal() == provider_pem(key, nullptr));
    CHECK(key.public_key_fingerprint() == provider_fingerprint(key));
    // Encrypted: a fresh salt and IV each time, so the same structure
    // (PBES2, PBKDF2 with HMAC-SHA256 and 2048 iterations, AES-256-CBC, the
    // same lengths), and the same key back.
    const std::string ours = dir / "ours.pem", theirs = dir / "theirs.pem";
    mosq::test::write_file(ours, key.to_pem(&passphrase).reveal(), 0600);
    mosq::test::write_file(theirs, provider_pem(key, &passphrase), 0600);
    const std::string structure = asn1_structure(ours);
    CHECK(structure == asn1_structure(theirs));
    CHECK(mosq::test::contains(structure, ":PBES2"));
    CHECK(mosq::test::contains(structure, ":hmacWithSHA256"));
    CHECK(mosq::test::contains(structure, ":aes-256-cbc"));
    CHECK(mosq::test::contains(structure, "INTEGER           :0800"));  // 2048 iterations
    const KeyLoadResult back = load_private_key(Secret(read_file(ours)), &passphrase);
    REQUIRE(back.status == KeyLoadStatus::ok);
    CHECK(EVP_PKEY_eq(back.key->get(), key.get()) == 1);
  }
}

// start_openssl leaves OpenSSL's legacy cipher names out (a third of a
// no-op run's OpenSSL start-up): keys encrypted by other tools, in any
// cipher and key derivation the openssl command offers, must still open.
TEST_CASE("encrypted keys in other ciphers and key derivations open", "[crypto][key][openssl]") {
  TempDir dir;
  const std::string plain = dir / "plain.pem";
  REQUIRE(openssl_combined({"genrsa", "-out", plain, "2048"}).exit_code == 0);
  const std::string ec_plain = dir / "ec-plain.pem";
  REQUIRE(openssl_combined({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ec_plain}).exit_code == 0);
  const std::string pass = "pass:s3cret-pass";
  struct Made {
    std::string label;
    std::vector<std::string> openssl_args;  // "%s": the file to write, dir/<label>.pem
    std::string marker;
  };
  const std::vector<Made> made{
      {"pkcs8-aes128", {"pkcs8", "-topk8", "-in", plain, "-v2", "aes-128-cbc", "-passout", pass, "-out", "%s"},
       ":aes-128-cbc"},
      {"pkcs8-des3", {"pkcs8", "-topk8", "-in", plain, "-v2", "des3", "-passout", pass, "-out", "%s"},
       ":des-ede3-cbc"},
      {"pkcs8-camellia256",
       {"pkcs8", "-topk8", "-in", plain, "-v2", "camellia-256-cbc", "-passout", pass, "-out", "%s"},
       ":camellia-256-cbc"},
      {"pkcs8-aria192", {"pkcs8", "-topk8", "-in", plain, "-v2", "aria-192-cbc", "-passout", pass, "-out", "%s"},
       ":aria-192-cbc"},
      {"pkcs8-sha512-prf",
       {"pkcs8", "-topk8", "-in", plain, "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512", "-passout", pass,
        "-out", "%s"},
       ":hmacWithSHA512"},
      {"pkcs8-pbes1-3des",
       {"pkcs8", "-topk8", "-in", plain, "-v1", "PBE-SHA1-3DES", "-passout", pass, "-out", "%s"},
       ":pbeWithSHA1And3-KeyTripleDES-CBC"},
      {"pkcs8-scrypt", {"pkcs8", "-topk8", "-in", plain, "-scrypt", "-passout", pass, "-out", "%s"}, ":scrypt"},
      {"traditional-aria256",
       {"rsa", "-in", plain, "-traditional", "-aria256", "-passout", pass, "-out", "%s"},
       "DEK-Info: ARIA-256-CBC,"},
      {"traditional-ec-aes128", {"ec", "-in", ec_plain, "-aes128", "-passout", pass, "-out", "%s"},
       "DEK-Info: AES-128-CBC,"},
  };
  const Secret passphrase("s3cret-pass");
  const Secret wrong("not-it");
  for (const Made& m : made) {
    INFO(m.label);
    const std::string path = dir / (m.label + ".pem");
    std::vector<std::string> args = m.openssl_args;
    std::replace(args.begin(), args.end(), std::string("%s"), path);
    const ProcessResult written = openssl_combined(args);
    INFO(written.out);
    REQUIRE(written.exit_code == 0);
    const std::string text = read_file(path);
    if (starts_with(m.marker, "DEK-Info")) {
      CHECK(mosq::test::contains(text, m.marker));
    } else {
      const ProcessResult parsed = openssl_combined({"asn1parse", "-in", path});
      CHECK(mosq::test::contains(parsed.out, m.marker));
    }
    const KeyLoadResult loaded = load_private_key(Secret(text), &passphrase);
    INFO(loaded.detail);
    REQUIRE(loaded.status == KeyLoadStatus::ok);
    CHECK(loaded.encrypted);
    CHECK(loaded.key->public_key_fingerprint() == openssl_fingerprint(path, "s3cret-pass"));
    CHECK(load_private_key(Secret(text), &wrong).status == KeyLoadStatus::wrong_passphrase);
  }
}
