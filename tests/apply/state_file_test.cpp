// record_verified_keys after an apply: a key file that still holds what
// this run wrote is recorded from what was written (not opened, not
// decrypted again); one changed since is opened as before.
#include <catch2/catch.hpp>

#include "apply/state_file.h"
#include "crypto/private_key.h"
#include "support/plan_fixture.h"
#include "support/temp_dir.h"
#include "util/digest.h"

using namespace mosq;
using namespace mosq::test;

namespace {

const std::string k_server_key = "/etc/mosquitto/certs/server.key";
const std::string k_ca_key = "/etc/mosquitto/certs/ca.key";

struct Fixture {
  TempDir dir;
  Root root{dir.path()};
  spec::Spec spec = example_spec();
  observe::ResolvedSecrets secrets;

  void put(const std::string& spec_path, const std::string& content) const {
    make_dirs(dir.path() + "/etc/mosquitto/certs");
    write_file(dir.path() + spec_path, content, 0600);
  }
  observe::ToolState record(const apply::WrittenPki* written) {
    apply::record_verified_keys(spec, secrets, real_file_system(), root, 1000, apply::RecordedKeys::reopened,
                                written);
    // No state file is written for an empty state.
    const ReadResult file = real_file_system().read(root.state_file(), 1 << 20, LastLink::not_followed);
    return file.status == ReadStatus::missing ? observe::ToolState{} : observe::parse_tool_state(file.content);
  }
};

apply::WrittenKey written_key(const std::string& path, const std::string& pem, const std::string& public_key,
                              bool encrypted) {
  return apply::WrittenKey{path, sha256_hex(pem), public_key, crypto::KeyType::ec_p256, encrypted};
}

}  // namespace

TEST_CASE("a key file that holds what this run wrote is recorded from what was written, not opened",
          "[apply][state]") {
  Fixture f;
  const crypto::PrivateKey on_disk = crypto::PrivateKey::generate(crypto::KeyType::ec_p256);
  const crypto::PrivateKey other = crypto::PrivateKey::generate(crypto::KeyType::ec_p256);
  const std::string pem = on_disk.to_pem(nullptr).reveal();
  f.put(k_server_key, pem);

  SECTION("the same bytes: the written record is taken as it is") {
    // The written record names another key's fingerprint: finding it in
    // the state file shows the file was not opened.
    apply::WrittenPki written;
    written.keys.push_back(written_key(k_server_key, pem, other.public_key_fingerprint(), false));
    const observe::ToolState state = f.record(&written);
    const observe::KeyRecord* record = state.key_record(k_server_key);
    REQUIRE(record != nullptr);
    CHECK(record->public_key_sha256 == other.public_key_fingerprint());
    CHECK(record->file_sha256 == sha256_hex(pem));
    CHECK(record->key_type == "ec-p256");
  }
  SECTION("changed since it was written: the file is opened and its own key recorded") {
    apply::WrittenPki written;
    written.keys.push_back(written_key(k_server_key, other.to_pem(nullptr).reveal(),
                                       other.public_key_fingerprint(), false));
    const observe::ToolState state = f.record(&written);
    const observe::KeyRecord* record = state.key_record(k_server_key);
    REQUIRE(record != nullptr);
    CHECK(record->public_key_sha256 == on_disk.public_key_fingerprint());
  }
  SECTION("nothing written: opened") {
    const observe::ToolState state = f.record(nullptr);
    const observe::KeyRecord* record = state.key_record(k_server_key);
    REQUIRE(record != nullptr);
    CHECK(record->public_key_sha256 == on_disk.public_key_fingerprint());
  }
}

TEST_CASE("the encrypted CA key this run wrote is recorded without decrypting it again", "[apply][state]") {
  Fixture f;
  f.spec.tls->ca.passphrase_env = "CA_PASSPHRASE";
  const crypto::PrivateKey key = crypto::PrivateKey::generate(crypto::KeyType::ec_p256);
  const Secret passphrase("the-right-passphrase");
  const std::string pem = key.to_pem(&passphrase).reveal();
  f.put(k_ca_key, pem);
  observe::CaKey ca;
  ca.origin = observe::CaKeyOrigin::file;
  ca.name = k_ca_key;
  ca.field = "tls.ca.key";
  ca.present = true;
  f.secrets.ca_key = std::move(ca);
  // A passphrase that does not decrypt the file: a record made by opening
  // it would be none.
  f.secrets.ca_passphrase = Secret("not-the-passphrase");

  SECTION("the file holds what was written: recorded") {
    apply::WrittenPki written;
    written.keys.push_back(written_key(k_ca_key, pem, key.public_key_fingerprint(), true));
    const observe::ToolState state = f.record(&written);
    REQUIRE(state.verified_ca_key);
    CHECK(state.verified_ca_key->public_key_sha256 == key.public_key_fingerprint());
    CHECK(state.verified_ca_key->file_sha256 == sha256_hex(pem));
  }
  SECTION("the file changed since: opened, and with this passphrase it does not open") {
    apply::WrittenPki written;
    written.keys.push_back(written_key(k_ca_key, pem + "\n", key.public_key_fingerprint(), true));
    const observe::ToolState state = f.record(&written);
    INFO(observe::render_tool_state(state));
    CHECK_FALSE(state.verified_ca_key);
  }
  SECTION("with the right passphrase, opening it records the same key") {
    f.secrets.ca_passphrase = passphrase;
    const observe::ToolState state = f.record(nullptr);
    REQUIRE(state.verified_ca_key);
    CHECK(state.verified_ca_key->public_key_sha256 == key.public_key_fingerprint());
  }
}
