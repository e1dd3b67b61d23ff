// A key file is opened unless the state file's record vouches for exactly
// its content: then its type and public key come from the record.
#include "observe/key_file.h"

#include <catch2/catch.hpp>
#include <string>

#include "crypto/key_type.h"
#include "observe/observe.h"
#include "observe/read_limits.h"
#include "support/temp_dir.h"
#include "util/file_system.h"
#include "util/root.h"

using namespace mosq;
using mosq::test::TempDir;

namespace {

const std::string k_path = "/certs/server.key";

}  // namespace

TEST_CASE("observe_key: a record vouches only for the file content it names", "[observe][key]") {
  TempDir dir;
  const Root root(dir.path());
  const crypto::PrivateKey real = crypto::PrivateKey::generate(crypto::KeyType::ec_p256);
  dir.write("certs/server.key", real.to_pem(nullptr).reveal(), 0600);
  const observe::ObservedFile file = observe::observe_file(real_file_system(), root, k_path, observe::k_max_pem_bytes, nullptr);
  REQUIRE(file.exists());

  observe::KeyRecord record{k_path, file.digest, real.public_key_fingerprint(), "ec-p256", 1};

  SECTION("no record: the key is opened") {
    const observe::LoadedKey key = observe::observe_key(real_file_system(), root, k_path, nullptr, nullptr);
    REQUIRE(key.key);
    CHECK_FALSE(key.vouched());
    CHECK(key.observed.type == crypto::KeyType::ec_p256);
    CHECK(key.observed.description == "EC P-256");
  }
  SECTION("the record of this content: not opened, its facts from the record") {
    // What the record says is what observe reports, even where the file
    // says otherwise: proof that the file was not parsed.
    record.key_type = "rsa3072";
    record.public_key_sha256 = "recorded-public-key";
    const observe::LoadedKey key = observe::observe_key(real_file_system(), root, k_path, nullptr, &record);
    CHECK_FALSE(key.key);
    CHECK(key.vouched());
    CHECK(key.observed.status == crypto::KeyLoadStatus::ok);
    CHECK(key.observed.type == crypto::KeyType::rsa3072);
    CHECK(key.observed.recorded_public_key_sha256 == "recorded-public-key");
    CHECK_FALSE(key.observed.encrypted);
    REQUIRE(key.locked_pem);  // kept to be opened if a signature is due
    CHECK(*key.locked_pem == real.to_pem(nullptr));
    CHECK(key.observed.file.digest == file.digest);
  }
  SECTION("a record of other content, another path or an unknown key type: the key is opened") {
    observe::KeyRecord other_content = record;
    other_content.file_sha256[0] = other_content.file_sha256[0] == '0' ? '1' : '0';
    observe::KeyRecord other_path = record;
    other_path.path = "/certs/client.key";
    observe::KeyRecord unknown_type = record;
    unknown_type.key_type = "rsa1024";
    for (const observe::KeyRecord* r : {&other_content, &other_path, &unknown_type}) {
      const observe::LoadedKey key = observe::observe_key(real_file_system(), root, k_path, nullptr, r);
      CHECK(key.key);
      CHECK_FALSE(key.vouched());
      CHECK_FALSE(key.locked_pem);
    }
  }
  SECTION("one byte changed: the record no longer applies and the change is seen") {
    dir.write("certs/server.key", "garbage, not a key\n", 0600);
    const observe::LoadedKey key = observe::observe_key(real_file_system(), root, k_path, nullptr, &record);
    CHECK_FALSE(key.vouched());
    CHECK(key.observed.status == crypto::KeyLoadStatus::corrupt);
  }
}

TEST_CASE("observe_key: an encrypted key vouched for is not decrypted, with or without the passphrase",
          "[observe][key]") {
  TempDir dir;
  const Root root(dir.path());
  const Secret passphrase("key-file-test-passphrase");
  const crypto::PrivateKey real = crypto::PrivateKey::generate(crypto::KeyType::ec_p256);
  dir.write("certs/server.key", real.to_pem(&passphrase).reveal(), 0600);
  const observe::ObservedFile file = observe::observe_file(real_file_system(), root, k_path, observe::k_max_pem_bytes, nullptr);
  const observe::KeyRecord record{k_path, file.digest, real.public_key_fingerprint(), "ec-p256", 1};
  const Secret wrong("not-the-passphrase");
  for (const Secret* given : {&passphrase, &wrong, static_cast<const Secret*>(nullptr)}) {
    const observe::LoadedKey key = observe::observe_key(real_file_system(), root, k_path, given, &record);
    CHECK(key.vouched());
    CHECK_FALSE(key.key);
    CHECK(key.observed.encrypted);
    CHECK(key.observed.status == crypto::KeyLoadStatus::ok);
  }
  const observe::LoadedKey unvouched = observe::observe_key(real_file_system(), root, k_path, &wrong, nullptr);
  CHECK(unvouched.observed.status == crypto::KeyLoadStatus::wrong_passphrase);
}
