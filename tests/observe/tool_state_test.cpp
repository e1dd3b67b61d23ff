#include "observe/tool_state.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mosq::observe;

namespace {

KeyRecord record() {
  KeyRecord key;
  key.path = "/etc/mosquitto/certs/ca.key";
  key.file_sha256 = "cf0b05521b753d331489061dbc22814c205988c69294394c181eb372d80ae914";
  key.public_key_sha256 = "3d1bab5baa0fa52ef2e9064481f0d58208426e5b3584df2a0fa2778db40efe73";
  key.key_type = "ec-p256";
  key.verified_at = 1796181943;
  return key;
}

CertificateRecord certificate_record() {
  CertificateRecord r;
  r.path = "/etc/mosquitto/certs/server.crt";
  r.file_sha256 = "aa0b05521b753d331489061dbc22814c205988c69294394c181eb372d80ae914";
  r.issuer_sha256 = "bb1bab5baa0fa52ef2e9064481f0d58208426e5b3584df2a0fa2778db40efe73";
  r.signed_by_issuer = true;
  r.extra_content = true;
  r.certificates_in_file = 2;
  r.verified_at = 1796181943;
  r.facts.version = 3;
  r.facts.serial_hex = "7F01";
  r.facts.subject = {{"O", "Example"}, {"CN", "mqtt.example.test"}};
  r.facts.issuer = {{"CN", "Example CA"}};
  r.facts.subject_alt_names = {"DNS:mqtt.example.test", "IP:127.0.0.1"};
  r.facts.not_before = 1796000000;
  r.facts.not_after = 1867000000;
  r.facts.server_auth = true;
  r.facts.public_key_fingerprint = "3d1bab5b";
  r.facts.key_description = "EC P-256";
  r.facts.sha256_fingerprint = "AB:CD";
  return r;
}

}  // namespace

TEST_CASE("tool state: a certificate record is written and read back whole, or not at all", "[observe][state]") {
  ToolState state;
  state.verified_certificates = {certificate_record()};
  const std::string text = render_tool_state(state);
  const ToolState again = parse_tool_state(text);
  REQUIRE(again.certificate_record("/etc/mosquitto/certs/server.crt"));
  const CertificateRecord& r = *again.certificate_record("/etc/mosquitto/certs/server.crt");
  const CertificateRecord want = certificate_record();
  CHECK(r.file_sha256 == want.file_sha256);
  CHECK(r.issuer_sha256 == want.issuer_sha256);
  CHECK(r.signed_by_issuer);
  CHECK(r.extra_content);
  CHECK(r.certificates_in_file == 2);
  CHECK(r.facts.subject == want.facts.subject);
  CHECK(r.facts.issuer == want.facts.issuer);
  CHECK(r.facts.subject_alt_names == want.facts.subject_alt_names);
  CHECK(r.facts.not_before == want.facts.not_before);
  CHECK(r.facts.not_after == want.facts.not_after);
  CHECK(r.facts.server_auth);
  CHECK_FALSE(r.facts.client_auth);
  CHECK(r.facts.serial_hex == "7F01");
  CHECK(r.facts.public_key_fingerprint == "3d1bab5b");
  CHECK(r.facts.key_description == "EC P-256");
  CHECK(r.facts.sha256_fingerprint == "AB:CD");
  CHECK(render_tool_state(again) == text);
  CHECK(again.certificate_record("/etc/other.crt") == nullptr);

  // Any field missing or of another type: the record is dropped.
  const nlohmann::json whole = nlohmann::json::parse(text);
  const nlohmann::json& item = whole["verified_certificates"][0];
  for (const auto& [key, value] : item.items()) {
    if (key == "verified_at") continue;  // for people only
    nlohmann::json broken = whole;
    broken["verified_certificates"][0].erase(key);
    CAPTURE(key);
    CHECK(parse_tool_state(broken.dump()).verified_certificates.empty());
  }
  for (const auto& [key, value] : item["facts"].items()) {
    nlohmann::json broken = whole;
    broken["verified_certificates"][0]["facts"][key] = nlohmann::json::object();
    CAPTURE(key);
    CHECK(parse_tool_state(broken.dump()).verified_certificates.empty());
    // Found by fuzzing (state_file): a missing facts member was read with
    // const operator[], undefined behaviour (a use-after-free under ASan).
    nlohmann::json missing = whole;
    missing["verified_certificates"][0]["facts"].erase(key);
    CHECK(parse_tool_state(missing.dump()).verified_certificates.empty());
  }
  nlohmann::json not_an_object = whole;
  not_an_object["verified_certificates"][0]["facts"] = nlohmann::json::array();
  CHECK(parse_tool_state(not_an_object.dump()).verified_certificates.empty());
}

TEST_CASE("tool state: every part written and read back", "[observe][state]") {
  ToolState state;
  state.verified_ca_key = record();
  KeyRecord server = record();
  server.path = "/etc/mosquitto/certs/server.key";
  KeyRecord client = record();
  client.path = "/etc/mosquitto/certs/client.key";
  client.key_type = "rsa2048";
  state.verified_keys = {server, client};
  PendingRestart pending;
  pending.since = 1796181000;
  pending.since_boot = 12.5;
  pending.boot_id = "5f1c9b8e";
  pending.reasons = {"listener 8883 added"};
  state.pending_restart = pending;
  const ToolState again = parse_tool_state(render_tool_state(state));
  REQUIRE(again.verified_ca_key);
  CHECK(*again.verified_ca_key == record());
  CHECK(again.verified_keys == state.verified_keys);
  REQUIRE(again.key_record(client.path));
  CHECK(again.key_record(client.path)->key_type == "rsa2048");
  CHECK(again.key_record("/etc/other.key") == nullptr);
  REQUIRE(again.pending_restart);
  CHECK(again.pending_restart->reasons == pending.reasons);
  CHECK(again.pending_restart->since_boot == 12.5);
  CHECK(render_tool_state(again) == render_tool_state(state));
}

TEST_CASE("tool state: garbage is an empty state, and a partial CA key record vouches for nothing",
          "[observe][state]") {
  for (const char* text : {"", "not json", "[]", "{\"verified_ca_key\": 3}", "{\"pending_restart\": []}"}) {
    CAPTURE(text);
    CHECK(parse_tool_state(text).empty());
  }
  for (const char* field : {"path", "file_sha256", "public_key_sha256", "key_type"}) {
    CAPTURE(field);
    ToolState state;
    state.verified_ca_key = record();
    auto json = render_tool_state(state);
    // The field's value made a number: the record is dropped as a whole.
    const std::string key = std::string("\"") + field + "\": \"";
    const auto at = json.find(key);
    REQUIRE(at != std::string::npos);
    const auto end = json.find('"', at + key.size());
    json.replace(at + key.size() - 1, end - (at + key.size()) + 2, "7");
    CHECK_FALSE(parse_tool_state(json).verified_ca_key);
  }
  // A broken entry among the plain keys' records is dropped alone; a
  // second record for one path is dropped too.
  ToolState keys;
  KeyRecord second = record();
  second.path = "/etc/mosquitto/certs/server.key";
  keys.verified_keys = {record(), second};
  std::string json = render_tool_state(keys);
  const std::string type = "\"key_type\": \"ec-p256\"";
  json.replace(json.find(type), type.size(), "\"key_type\": []");
  const ToolState parsed = parse_tool_state(json);
  REQUIRE(parsed.verified_keys.size() == 1);
  CHECK(parsed.verified_keys[0].path == second.path);
  KeyRecord twice = second;
  twice.public_key_sha256 = "00";
  keys.verified_keys = {second, twice};
  const ToolState deduplicated = parse_tool_state(render_tool_state(keys));
  REQUIRE(deduplicated.verified_keys.size() == 1);
  CHECK(deduplicated.verified_keys[0] == second);
  CHECK(ToolState{}.empty());
  CHECK(render_tool_state(ToolState{}) == "{\n  \"format_version\": 1\n}\n");
}
