// Issue 3: the private CA, server and client certificates as issued by the
// built binary, checked with the openssl command.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "crypto/certificate.h"
#include "support/integration.h"
#include "support/plan_json.h"

using namespace mosq::test;
using nlohmann::json;

namespace {

constexpr std::int64_t k_day = 86400;
const std::string k_certs = "/etc/mosquitto/certs";
const std::string k_ca_crt = k_certs + "/ca.crt";
const std::string k_ca_key = k_certs + "/ca.key";
const std::string k_srv_crt = k_certs + "/server.crt";
const std::string k_srv_key = k_certs + "/server.key";
const std::string k_passphrase = "pki-Test-Passphrase-42";

SpecYaml pki_spec() {
  SpecYaml spec;
  spec.tls = true;
  return spec;
}

struct PkiTree : Tree {
  PkiTree() : PkiTree(pki_spec()) {}
  explicit PkiTree(const SpecYaml& s) : spec(s) {
    write_spec(spec);
    env["CA_PASSPHRASE"] = k_passphrase;
  }
  void rewrite() { write_spec(spec); }
  std::string ca() const { return host(k_ca_crt); }
  std::string srv() const { return host(k_srv_crt); }
  // --plan (plus args) exits with exit_code and its output names each of texts.
  void check_plan(int exit_code, const std::vector<std::string>& texts = {},
                  std::vector<std::string> args = {}) const {
    args.insert(args.begin(), "--plan");
    auto r = run(args);
    INFO(describe(r));
    CHECK(r.exit_code == exit_code);
    for (const std::string& text : texts) {
      INFO("expected in the plan: " << text);
      CHECK(contains(r.out, text));
    }
  }
  json plan_json(std::vector<std::string> extra = {}) const {
    extra.insert(extra.begin(), {"--plan", "--json"});
    auto r = run(extra);
    INFO(describe(r));
    REQUIRE((r.exit_code == 0 || r.exit_code == 2));
    return json::parse(r.out);
  }
  SpecYaml spec;
};

void require_verifies(const std::string& ca, const std::string& cert,
                      std::optional<std::int64_t> at = std::nullopt) {
  auto r = openssl_verify(ca, cert, at);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  REQUIRE(contains(r.out, cert + ": OK"));
}

std::vector<std::string> reasons_of(const json& plan, const std::string& resource) {
  const json* change = change_of(plan, resource);
  if (change == nullptr) return {};
  return change->at("reasons").get<std::vector<std::string>>();
}

bool any_contains(const std::vector<std::string>& items, const std::string& needle) {
  for (const auto& i : items) {
    if (contains(i, needle)) return true;
  }
  return false;
}

std::string extension_value(const std::string& text, const std::string& name) {
  auto pos = text.find(name);
  if (pos == std::string::npos) return "";
  auto start = text.find('\n', pos) + 1;
  auto end = text.find('\n', start);
  std::string value = text.substr(start, end - start);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

}  // namespace

TEST_CASE("pki: greenfield apply issues CA, server and client certificates that openssl verifies") {
  SpecYaml spec = pki_spec();
  spec.clients = {{"sensor-1", "ec-p256"}, {"sensor-2", "rsa2048"}};
  PkiTree t(spec);
  t.check_plan(2);
  t.apply_ok();

  require_verifies(t.ca(), t.srv());
  require_verifies(t.ca(), t.host(k_certs + "/sensor-1.crt"));
  require_verifies(t.ca(), t.host(k_certs + "/sensor-2.crt"));
  // The CA is self-signed and verifies itself.
  require_verifies(t.ca(), t.ca());

  // Keys: PKCS#8, modes from creation.
  for (const std::string& key : {k_ca_key, k_srv_key, k_certs + "/sensor-1.key", k_certs + "/sensor-2.key"}) {
    CAPTURE(key);
    CHECK(read_file(t.host(key)).rfind("-----BEGIN PRIVATE " "KEY-----\n", 0) == 0);
  }
  CHECK(mode_of(t.host(k_ca_key)) == 0600);
  CHECK(mode_of(t.host(k_srv_key)) == 0640);
  CHECK(mode_of(t.host(k_certs + "/sensor-1.key")) == 0600);
  CHECK(mode_of(t.host(k_ca_crt)) == 0644);
  CHECK(mode_of(t.host(k_srv_crt)) == 0644);

  const std::string config = read_file(t.host("/etc/mosquitto/conf.d/mosq-reconcile.conf"));
  CHECK(contains(config, "\ncafile " + k_ca_crt + "\n"));
  CHECK(contains(config, "\ncertfile " + k_srv_crt + "\n"));
  CHECK(contains(config, "\nkeyfile " + k_srv_key + "\n"));
  CHECK(contains(config, "\nrequire_certificate true\n"));
  CHECK(contains(config, "\ntls_version tlsv1.2\n"));

  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: the CA certificate carries the v3 CA extensions") {
  PkiTree t;
  const std::int64_t before = unix_now();
  t.apply_ok();
  const std::string text = x509_text(t.ca());
  INFO(text);
  CHECK(contains(text, "Version: 3 (0x2)"));
  CHECK(contains(text, "Subject: O = Example, CN = Example Test CA"));
  CHECK(contains(text, "Issuer: O = Example, CN = Example Test CA"));
  CHECK(contains(text, "X509v3 Basic Constraints: critical"));
  CHECK(extension_value(text, "X509v3 Basic Constraints") == "CA:TRUE, pathlen:0");
  CHECK(contains(text, "X509v3 Key Usage: critical"));
  CHECK(extension_value(text, "X509v3 Key Usage") == "Certificate Sign, CRL Sign");
  CHECK(contains(text, "X509v3 Subject Key Identifier"));
  CHECK(contains(text, "Signature Algorithm: ecdsa-with-SHA256"));
  CHECK_FALSE(contains(text, "X509v3 Extended Key Usage"));

  // Random positive serial of about 128 bits.
  auto serial = openssl({"x509", "-in", t.ca(), "-noout", "-serial"});
  REQUIRE(serial.exit_code == 0);
  std::smatch m;
  const std::string serial_out = serial.out;
  REQUIRE(std::regex_search(serial_out, m, std::regex("serial=([0-9A-F]+)")));
  CHECK(m[1].length() >= 24);
  CHECK(m[1].length() <= 32);

  // notBefore a little in the past; validity from the spec (3650 days).
  const std::int64_t not_before = cert_not_before(t.ca());
  CHECK(not_before <= before);
  CHECK(not_before > before - k_day);
  const std::int64_t not_after = cert_not_after(t.ca());
  CHECK(not_after - before >= 3650 * k_day - 2 * 3600);
  CHECK(not_after - before <= 3650 * k_day + 2 * 3600);
}

TEST_CASE("pki: the server and client certificates carry the v3 leaf extensions") {
  SpecYaml spec = pki_spec();
  spec.server.key_type = "rsa2048";  // keyEncipherment only for RSA
  spec.server.sans = {"DNS:mqtt.example.test", "DNS:localhost", "IP:127.0.0.1", "IP:::1",
                      "IP:2001:db8::10"};
  spec.clients = {{"sensor-1", "ec-p256"}};
  PkiTree t(spec);
  t.apply_ok();
  const std::string ca_text = x509_text(t.ca());
  const std::string ca_ski = extension_value(ca_text, "X509v3 Subject Key Identifier");
  REQUIRE_FALSE(ca_ski.empty());

  const std::string text = x509_text(t.srv());
  INFO(text);
  CHECK(contains(text, "Version: 3 (0x2)"));
  CHECK(contains(text, "Subject: O = Example, CN = mqtt.example.test"));
  CHECK(contains(text, "Issuer: O = Example, CN = Example Test CA"));
  CHECK(extension_value(text, "X509v3 Subject Alternative Name") ==
        "DNS:mqtt.example.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, "
        "IP Address:2001:DB8:0:0:0:0:0:10");
  CHECK(extension_value(text, "X509v3 Basic Constraints") == "CA:FALSE");
  CHECK(extension_value(text, "X509v3 Key Usage") == "Digital Signature, Key Encipherment");
  CHECK(extension_value(text, "X509v3 Extended Key Usage") == "TLS Web Server Authentication");
  CHECK_FALSE(extension_value(text, "X509v3 Subject Key Identifier").empty());
  CHECK(extension_value(text, "X509v3 Subject Key Identifier") != ca_ski);
  // The authority key identifier is the CA's subject key identifier.
  CHECK(contains(extension_value(text, "X509v3 Authority Key Identifier"), ca_ski));
  CHECK(contains(text, "Public Key Algorithm: rsaEncryption"));

  const std::string client = x509_text(t.host(k_certs + "/sensor-1.crt"));
  INFO(client);
  CHECK(extension_value(client, "X509v3 Basic Constraints") == "CA:FALSE");
  CHECK(extension_value(client, "X509v3 Key Usage") == "Digital Signature");  // EC: no keyEncipherment
  CHECK(extension_value(client, "X509v3 Extended Key Usage") == "TLS Web Client Authentication");
  CHECK(contains(extension_value(client, "X509v3 Authority Key Identifier"), ca_ski));
}

namespace {

struct KeyTypeCase {
  std::string type;
  std::string key_text;   // in `openssl pkey -text`
  std::string cert_text;  // in `openssl x509 -text` (public key part)
  std::string signature;  // what a certificate signed by this key type says
};

KeyTypeCase key_case(const std::string& type) {
  if (type == "rsa2048") return {type, "Private-Key: (2048 bit", "Public-Key: (2048 bit)", "sha256WithRSAEncryption"};
  if (type == "rsa3072") return {type, "Private-Key: (3072 bit", "Public-Key: (3072 bit)", "sha256WithRSAEncryption"};
  if (type == "rsa4096") return {type, "Private-Key: (4096 bit", "Public-Key: (4096 bit)", "sha256WithRSAEncryption"};
  if (type == "ec-p256") return {type, "ASN1 OID: prime256v1", "NIST CURVE: P-256", "ecdsa-with-SHA256"};
  if (type == "ec-p384") return {type, "ASN1 OID: secp384r1", "NIST CURVE: P-384", "ecdsa-with-SHA256"};
  if (type == "ed25519") return {type, "ED25519 Private-Key", "Public Key Algorithm: ED25519", "ED25519"};
  FAIL("unknown key type " << type);
  return {};
}

// Issues with the given key types, checks them with openssl, and checks the
// tool reads back what it wrote (plan exit 0).
void round_trip(const std::string& ca_type, const std::string& server_type, bool passphrase) {
  CAPTURE(ca_type, server_type, passphrase);
  SpecYaml spec = pki_spec();
  spec.ca.key_type = ca_type;
  spec.server.key_type = server_type;
  if (passphrase) spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  const KeyTypeCase ca = key_case(ca_type);
  const KeyTypeCase server = key_case(server_type);

  auto ca_key = openssl({"pkey", "-in", t.host(k_ca_key), "-noout", "-text", "-passin", "pass:" + k_passphrase});
  INFO(describe(ca_key));
  REQUIRE(ca_key.exit_code == 0);
  CHECK(contains(ca_key.out, ca.key_text));
  auto srv_key = openssl({"pkey", "-in", t.host(k_srv_key), "-noout", "-text"});
  REQUIRE(srv_key.exit_code == 0);
  CHECK(contains(srv_key.out, server.key_text));

  const std::string ca_text = x509_text(t.ca());
  CHECK(contains(ca_text, ca.cert_text));
  CHECK(contains(ca_text, "Signature Algorithm: " + ca.signature));
  const std::string srv_text = x509_text(t.srv());
  CHECK(contains(srv_text, server.cert_text));
  CHECK(contains(srv_text, "Signature Algorithm: " + ca.signature));  // signed by the CA's key

  CHECK(cert_public_key(t.ca()) == key_public_key(t.host(k_ca_key), k_passphrase));
  CHECK(cert_public_key(t.srv()) == key_public_key(t.host(k_srv_key)));
  require_verifies(t.ca(), t.srv());

  t.check_plan(0);
}

}  // namespace

TEST_CASE("pki: key types round-trip (fast set: rsa2048, ec-p256)") {
  round_trip("rsa2048", "ec-p256", false);
  round_trip("ec-p256", "rsa2048", true);
}

TEST_CASE("pki: key types round-trip: ed25519 and ec-p384") {
  round_trip("ed25519", "ec-p384", true);
  round_trip("ec-p384", "ed25519", false);
}

TEST_CASE("pki: key types round-trip: rsa4096 CA and rsa3072 server") {
  round_trip("rsa4096", "rsa3072", true);
}

TEST_CASE("pki: a key of the wrong type is replaced and its certificate reissued") {
  PkiTree t;
  t.apply_ok();
  const std::string ca_before = read_file(t.ca());
  t.spec.server.key_type = "ec-p384";
  t.rewrite();
  const json plan = t.plan_json();
  CHECK(action_of(plan, "server_key") == "replace");
  CHECK(any_contains(reasons_of(plan, "server_key"), "spec wants ec-p384"));
  CHECK(action_of(plan, "server_certificate") == "replace");
  CHECK(any_contains(reasons_of(plan, "server_certificate"), "its key is new"));
  CHECK(action_of(plan, "ca_key") == "no-op");
  CHECK(action_of(plan, "ca_certificate") == "no-op");
  t.apply_ok();
  CHECK(contains(x509_text(t.srv()), "NIST CURVE: P-384"));
  CHECK(read_file(t.ca()) == ca_before);
  require_verifies(t.ca(), t.srv());
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: with passphrase_env the CA key is encrypted at rest with AES-256") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  const std::string key = t.host(k_ca_key);
  CHECK(read_file(key).rfind("-----BEGIN ENCRYPTED PRIVATE " "KEY-----\n", 0) == 0);
  auto asn1 = openssl({"asn1parse", "-in", key});
  INFO(describe(asn1));
  CHECK(contains(asn1.out, "aes-256-cbc"));
  CHECK(openssl({"pkey", "-in", key, "-noout", "-passin", "pass:" + k_passphrase}).exit_code == 0);
  CHECK(openssl({"pkey", "-in", key, "-noout", "-passin", "pass:not-the-passphrase"}).exit_code != 0);
  // The server key, read by the broker unattended, is not encrypted.
  CHECK(read_file(t.host(k_srv_key)).rfind("-----BEGIN PRIVATE " "KEY-----\n", 0) == 0);
  require_verifies(t.ca(), t.srv());
}

TEST_CASE("pki: an unencrypted CA key is re-encrypted in place when passphrase_env is added") {
  PkiTree t;
  t.apply_ok();
  const std::string public_before = key_public_key(t.host(k_ca_key));
  const std::string ca_before = read_file(t.ca());
  t.spec.ca_passphrase_env = "CA_PASSPHRASE";
  t.rewrite();
  const json plan = t.plan_json();
  CHECK(action_of(plan, "ca_key") == "update");
  CHECK(action_of(plan, "ca_certificate") == "no-op");
  CHECK(plan.at("breaks_trust") == false);
  t.apply_ok();
  CHECK(read_file(t.host(k_ca_key)).rfind("-----BEGIN ENCRYPTED PRIVATE " "KEY-----\n", 0) == 0);
  CHECK(key_public_key(t.host(k_ca_key), k_passphrase) == public_before);
  CHECK(read_file(t.ca()) == ca_before);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: a wrong passphrase is exit 1 naming the variable, a missing one when a signature is due, "
          "nothing written") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  // Give the run work to do, so a run that ignored the error would write.
  ::unlink(t.srv().c_str());
  const TreeSnapshot before = t.snapshot();

  for (const bool plan : {false, true}) {
    CAPTURE(plan);
    std::vector<std::string> args;
    if (plan) args.push_back("--plan");
    auto wrong = t.run(args, {{"CA_PASSPHRASE", "not-the-passphrase"}});
    INFO(describe(wrong));
    CHECK(wrong.exit_code == 1);
    CHECK(contains(wrong.err, "tls.ca.passphrase_env: the passphrase in CA_PASSPHRASE does not decrypt " +
                                  t.host(k_ca_key)));
    // Missing: the key file is the one the last apply opened (the state
    // file's record), so the plan is made; signing needs the passphrase.
    auto missing = t.run(args, {{"-CA_PASSPHRASE", ""}});
    INFO(describe(missing));
    CHECK(missing.exit_code == (plan ? 2 : 1));
    CHECK(contains(missing.out, "server certificate /etc/mosquitto/certs/server.crt: does not exist"));
    CHECK(contains(missing.err, plan ? "the CA key is not at hand (environment variable CA_PASSPHRASE is not set"
                                     : "tls.ca.passphrase_env: environment variable CA_PASSPHRASE is not set: it "
                                       "holds the CA key's passphrase, needed to issue server_certificate"));
    CHECK(describe_differences(before, t.snapshot()) == "");
  }

  // An encrypted CA key and a spec without passphrase_env: an error too.
  t.spec.ca_passphrase_env.reset();
  t.rewrite();
  auto no_var = t.apply();
  INFO(describe(no_var));
  CHECK(no_var.exit_code == 1);
  CHECK(contains(no_var.err, "is encrypted and the spec gives no passphrase"));
  CHECK(describe_differences(before, t.snapshot()) == "");
}

TEST_CASE("pki: a corrupt CA key with passphrase_env set is exit 1 with nothing written") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  write_file(t.host(k_ca_key), "-----BEGIN ENCRYPTED PRIVATE " "KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED PRIVATE " "KEY-----\n", 0600);
  const TreeSnapshot before = t.snapshot();
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"--plan"}, {"--json"}}) {
    auto r = t.run(args);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out + r.err, "refusing to replace the CA key"));
    CHECK(describe_differences(before, t.snapshot()) == "");
  }
}

TEST_CASE("pki: a corrupt CA key without a passphrase is replaced, flagged as breaking trust") {
  PkiTree t;
  t.apply_ok();
  write_file(t.host(k_ca_key), "garbage, not a key\n", 0600);
  const json plan = t.plan_json();
  CHECK(action_of(plan, "ca_key") == "replace");
  CHECK(action_of(plan, "ca_certificate") == "replace");
  CHECK(action_of(plan, "server_certificate") == "replace");
  CHECK(action_of(plan, "server_key") == "no-op");
  CHECK(plan.at("breaks_trust") == true);
  // JSON: the refused plan, failed, nothing written.
  const auto before = t.snapshot();
  auto refused = t.run({"--json"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 1);
  const json refusal = json::parse(refused.out);
  CHECK(refusal.at("failed") == true);
  CHECK(refusal.at("breaks_trust") == true);
  CHECK(contains(refusal.at("error").at("message").get<std::string>(), "--allow-trust-break"));
  CHECK(action_of(refusal, "ca_key") == "replace");
  CHECK(describe_differences(before, t.snapshot()) == "");
  t.apply_ok({"--allow-trust-break"});
  require_verifies(t.ca(), t.srv());
  CHECK(cert_public_key(t.ca()) == key_public_key(t.host(k_ca_key)));
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: a server key replaced by hand makes the certificate reissue for the key on disk") {
  PkiTree t;
  t.apply_ok();
  const std::string old_cert_key = cert_public_key(t.srv());
  const std::string ca_before = read_file(t.ca());
  auto gen = openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-out", t.host(k_srv_key)});
  REQUIRE(gen.exit_code == 0);
  const std::string hand_key = read_file(t.host(k_srv_key));
  const std::string hand_public = key_public_key(t.host(k_srv_key));
  REQUIRE(hand_public != old_cert_key);

  t.check_plan(2, {"does not match the key on disk"});
  const json j = t.plan_json();
  CHECK(action_of(j, "server_certificate") == "replace");
  CHECK(action_of(j, "ca_certificate") == "no-op");

  t.apply_ok();
  CHECK(read_file(t.host(k_srv_key)) == hand_key);  // kept: it is a valid ec-p256 key
  CHECK(cert_public_key(t.srv()) == hand_public);
  CHECK(read_file(t.ca()) == ca_before);
  require_verifies(t.ca(), t.srv());
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: garbage in place of a certificate or key is replaced, not a crash") {
  SpecYaml spec = pki_spec();
  spec.clients = {{"sensor-1", "ec-p256"}};
  PkiTree t(spec);
  t.apply_ok();
  const std::string garbage =
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGUsIGp1c3QgZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n";
  const std::string ca_key_before = read_file(t.host(k_ca_key));

  SECTION("server certificate") {
    write_file(t.srv(), garbage, 0644);
    t.check_plan(2, {"-/+ server certificate " + k_srv_crt + ": not a certificate"});
  }
  SECTION("CA certificate") {
    write_file(t.ca(), garbage, 0644);
    t.check_plan(2, {"-/+ CA certificate " + k_ca_crt + ": not a certificate"});
  }
  SECTION("client certificate, binary junk") {
    write_file(t.host(k_certs + "/sensor-1.crt"), std::string("\x00\xff\x13junk", 7), 0644);
    CHECK(t.plan().exit_code == 2);
  }
  SECTION("server key") {
    write_file(t.host(k_srv_key), "-----BEGIN PRIVATE " "KEY-----\nAAAA\n-----END PRIVATE " "KEY-----\n", 0640);
    t.check_plan(2, {"not a readable private key"});
  }
  SECTION("empty server certificate") {
    write_file(t.srv(), "", 0644);
    CHECK(t.plan().exit_code == 2);
  }
  t.apply_ok();
  require_verifies(t.ca(), t.srv());
  require_verifies(t.ca(), t.host(k_certs + "/sensor-1.crt"));
  CHECK(cert_public_key(t.srv()) == key_public_key(t.host(k_srv_key)));
  CHECK(read_file(t.host(k_ca_key)) == ca_key_before);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: a second apply changes nothing (CA with passphrase, server, clients)") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  spec.clients = {{"sensor-1", "ec-p256"}};
  spec.user_env("alice", "ALICE_PW");
  PkiTree t(spec);
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.apply_ok();
  const TreeSnapshot before = t.snapshot();
  // 3 certs, 3 keys, password file, config; the state file's CA key record
  REQUIRE(regular_files(before).size() == 9);
  auto r = t.apply();
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "No changes."));
  CHECK(describe_differences(before, t.snapshot()) == "");
  CHECK(t.plan().exit_code == 0);
  CHECK(describe_differences(before, t.snapshot()) == "");
}

TEST_CASE("pki: --now ten years ahead plans renewals for both CA and server, keeping keys") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  const std::int64_t later = unix_now() + 3653 * k_day;
  const std::string now_arg = iso_time(later);
  const std::string ca_key_before = read_file(t.host(k_ca_key));
  const std::string srv_key_before = read_file(t.host(k_srv_key));
  const std::string ca_public = cert_public_key(t.ca());

  t.check_plan(2, {}, {"--now", now_arg});
  const json j = t.plan_json({"--now", now_arg});
  CHECK(action_of(j, "ca_certificate") == "replace");
  CHECK(action_of(j, "server_certificate") == "replace");
  CHECK(action_of(j, "ca_key") == "no-op");
  CHECK(action_of(j, "server_key") == "no-op");
  CHECK(any_contains(reasons_of(j, "ca_certificate"), "expire"));
  CHECK(any_contains(reasons_of(j, "server_certificate"), "expire"));
  CHECK(j.at("breaks_trust") == false);  // a renewal, same key and subject
  // Today nothing is due.
  CHECK(t.plan().exit_code == 0);

  t.apply_ok({"--now", now_arg});
  CHECK(read_file(t.host(k_ca_key)) == ca_key_before);
  CHECK(read_file(t.host(k_srv_key)) == srv_key_before);
  CHECK(cert_public_key(t.ca()) == ca_public);
  CHECK(contains(x509_text(t.ca()), "Subject: O = Example, CN = Example Test CA"));
  // Issued "as of" --now, yet valid from today (the broker serves it now):
  // notBefore is today's, notAfter counts from --now, so the run converges.
  CHECK(cert_not_before(t.ca()) <= unix_now());
  CHECK(cert_not_before(t.ca()) > unix_now() - k_day);
  CHECK(cert_not_after(t.ca()) > later + 3000 * k_day);
  require_verifies(t.ca(), t.srv(), later);
  require_verifies(t.ca(), t.srv(), unix_now());
  CHECK(t.run({"--plan", "--now", now_arg}).exit_code == 0);
}

TEST_CASE("pki: a renewed CA (same key and subject) still verifies with the old CA file") {
  PkiTree t;
  t.apply_ok();
  const std::string old_ca = read_file(t.ca());
  write_file(t.work("old-ca.crt"), old_ca, 0644);
  // 60 days before the CA expires: inside its 90-day window, still valid.
  const std::int64_t when = cert_not_after(t.ca()) - 60 * k_day;
  const std::string now_arg = iso_time(when);
  const json j = t.plan_json({"--now", now_arg});
  CHECK(action_of(j, "ca_certificate") == "replace");
  CHECK(any_contains(reasons_of(j, "ca_certificate"), "inside renew_before_days 90"));
  t.apply_ok({"--now", now_arg});
  REQUIRE(read_file(t.ca()) != old_ca);
  // A client that still holds the old CA file verifies the new server certificate.
  require_verifies(t.work("old-ca.crt"), t.srv(), when);
  require_verifies(t.ca(), t.srv(), when);
}

TEST_CASE("pki: the renew threshold of the server certificate, one day before, on and after") {
  PkiTree t;  // server: renew_before_days 30
  t.apply_ok();
  const std::int64_t not_after = cert_not_after(t.srv());

  auto at = [&](std::int64_t days_left) {
    const std::string now_arg = iso_time(not_after - days_left * k_day);
    CAPTURE(days_left, now_arg);
    auto r = t.run({"--plan", "--now", now_arg});
    INFO(describe(r));
    return std::make_pair(r, t.plan_json({"--now", now_arg}));
  };

  {
    auto [r, j] = at(31);
    CHECK(r.exit_code == 0);
    CHECK(action_of(j, "server_certificate") == "no-op");
  }
  {
    auto [r, j] = at(30);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "inside renew_before_days 30"));
    CHECK(action_of(j, "server_certificate") == "replace");
    CHECK(action_of(j, "ca_certificate") == "no-op");
    const auto reasons = reasons_of(j, "server_certificate");
    CHECK(reasons.size() == 1);
    CHECK(any_contains(reasons, "expires "));
  }
  {
    auto [r, j] = at(29);
    CHECK(r.exit_code == 2);
    CHECK(action_of(j, "server_certificate") == "replace");
  }
  // Nothing was written by any of the plans.
  CHECK(cert_not_after(t.srv()) == not_after);
}

TEST_CASE("pki: changing the SANs reissues the server certificate with the same key") {
  PkiTree t;
  t.apply_ok();
  const std::string key_before = read_file(t.host(k_srv_key));
  const std::string ca_before = read_file(t.ca());

  SECTION("same SANs in another order: nothing to do") {
    t.spec.server.sans = {"IP:::1", "IP:127.0.0.1", "DNS:localhost", "DNS:mqtt.example.test"};
    t.rewrite();
    t.check_plan(0);
  }
  SECTION("a SAN added and one removed") {
    t.spec.server.sans = {"DNS:mqtt.example.test", "DNS:broker.example.test", "IP:127.0.0.1"};
    t.rewrite();
    t.check_plan(2, {"subjectAltName"});
    const json j = t.plan_json();
    CHECK(action_of(j, "server_certificate") == "replace");
    CHECK(action_of(j, "server_key") == "no-op");
    t.apply_ok();
    CHECK(extension_value(x509_text(t.srv()), "X509v3 Subject Alternative Name") ==
          "DNS:mqtt.example.test, DNS:broker.example.test, IP Address:127.0.0.1");
  }
  SECTION("the subject changed") {
    t.spec.server.subject = "{ O: Example, OU: Brokers, CN: mqtt.example.test }";
    t.rewrite();
    t.check_plan(2, {"subject O=Example, CN=mqtt.example.test -> "});
    t.apply_ok();
    CHECK(contains(x509_text(t.srv()), "Subject: O = Example, OU = Brokers, CN = mqtt.example.test"));
  }
  SECTION("validity_days alone does not reissue") {
    t.spec.server.validity_days = 400;
    t.rewrite();
    CHECK(t.plan().exit_code == 0);
  }
  CHECK(read_file(t.host(k_srv_key)) == key_before);
  CHECK(read_file(t.ca()) == ca_before);
  require_verifies(t.ca(), t.srv());
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: --plan --json lists every certificate with path, subject, SANs, expiry and action") {
  SpecYaml spec = pki_spec();
  spec.clients = {{"sensor-1", "ec-p256"}};
  PkiTree t(spec);

  const json fresh = t.plan_json();
  REQUIRE(fresh.at("certificates").size() == 3);
  for (const auto& c : fresh.at("certificates")) {
    CHECK(c.at("action") == "create");
    CHECK(c.at("path").is_string());
  }

  t.apply_ok();
  const std::int64_t now = unix_now();
  const json j = t.plan_json();
  const auto& certs = j.at("certificates");
  REQUIRE(certs.size() == 3);
  std::map<std::string, json> by_resource;
  for (const auto& c : certs) by_resource[c.at("resource")] = c;
  REQUIRE(by_resource.count("ca_certificate") == 1);
  REQUIRE(by_resource.count("server_certificate") == 1);
  REQUIRE(by_resource.count("client_certificate[sensor-1]") == 1);

  const std::map<std::string, std::string> paths{
      {"ca_certificate", k_ca_crt},
      {"server_certificate", k_srv_crt},
      {"client_certificate[sensor-1]", k_certs + "/sensor-1.crt"}};
  for (const auto& [resource, path] : paths) {
    CAPTURE(resource);
    const json& c = by_resource[resource];
    CHECK(c.at("path") == path);
    CHECK(c.at("action") == "no-op");
    CHECK(c.at("subject").is_string());
    CHECK(c.at("subject_alt_names").is_array());
    const std::int64_t not_after = cert_not_after(t.host(path));
    CHECK(c.at("not_after") == iso_time(not_after).substr(0, 10));
    const std::int64_t days = c.at("days_left");
    CHECK(days >= (not_after - now) / k_day - 1);
    CHECK(days <= (not_after - now) / k_day);
  }
  CHECK(by_resource["ca_certificate"].at("subject") == "O=Example, CN=Example Test CA");
  CHECK(by_resource["server_certificate"].at("subject") == "O=Example, CN=mqtt.example.test");
  CHECK(by_resource["server_certificate"].at("subject_alt_names") ==
        json::array({"DNS:mqtt.example.test", "DNS:localhost", "IP:127.0.0.1", "IP:::1"}));
  CHECK(by_resource["ca_certificate"].at("days_left") >= 3648);
  CHECK(by_resource["server_certificate"].at("days_left") >= 823);

  // Ten years ahead: every certificate is to be replaced, with negative days left.
  const json later = t.plan_json({"--now", iso_time(now + 3660 * k_day)});
  for (const auto& c : later.at("certificates")) {
    CAPTURE(c.dump());
    CHECK(c.at("action") == "replace");
    CHECK(c.at("days_left") < 0);
  }
}

TEST_CASE("pki: UTF-8 subject attributes (Japanese) and emailAddress round-trip") {
  SpecYaml spec = pki_spec();
  spec.ca.subject = "{ C: JP, ST: 東京都, L: 千代田区, O: 例示株式会社, OU: 開発部, CN: 例示 Root CA, emailAddress: ca@example.jp }";
  spec.server.subject = "{ O: 例示株式会社, CN: mqtt.example.jp }";
  spec.server.sans = {"DNS:mqtt.example.jp"};
  PkiTree t(spec);
  t.apply_ok();
  auto subject = openssl({"x509", "-in", t.ca(), "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus_space"});
  INFO(describe(subject));
  REQUIRE(subject.exit_code == 0);
  CHECK(contains(subject.out, "C=JP, ST=東京都, L=千代田区, O=例示株式会社, OU=開発部, CN=例示 Root CA, emailAddress=ca@example.jp"));
  auto issuer = openssl({"x509", "-in", t.srv(), "-noout", "-issuer", "-subject", "-nameopt", "utf8,sep_comma_plus_space"});
  REQUIRE(issuer.exit_code == 0);
  CHECK(contains(issuer.out, "issuer=C=JP, ST=東京都, L=千代田区, O=例示株式会社, OU=開発部, CN=例示 Root CA"));
  CHECK(contains(issuer.out, "subject=O=例示株式会社, CN=mqtt.example.jp"));
  // Stored as UTF8String, not mangled into another string type.
  auto asn1 = openssl({"asn1parse", "-in", t.ca()});
  CHECK(contains(asn1.out, "UTF8STRING"));
  require_verifies(t.ca(), t.srv());
  // The tool reads back what it wrote: the subjects compare equal.
  t.check_plan(0);
  const json j = t.plan_json();
  CHECK(contains(j.at("certificates")[0].at("subject").get<std::string>(), "例示 Root CA"));
}

TEST_CASE("pki: a renewed CA needs a restart only when a listener verifies client certificates") {
  const bool with_clients = GENERATE(false, true);
  CAPTURE(with_clients);
  SpecYaml spec = pki_spec();
  if (with_clients) spec.clients = {{"sensor-1", "ec-p256"}};
  PkiTree t(spec);
  t.apply_ok();
  const std::string now_arg = iso_time(cert_not_after(t.ca()) - 60 * k_day);
  const json j = t.plan_json({"--now", now_arg});
  CHECK(action_of(j, "ca_certificate") == "replace");
  CHECK(j.at("broker").at("reload") == true);  // the server certificate expired too
  CHECK(j.at("broker").at("restart_required") == with_clients);
  auto text = t.run({"--plan", "--now", now_arg});
  CHECK(contains(text.out, "restart required: CA certificate changed") == with_clients);
}

TEST_CASE("pki: the server key is readable by the broker's group, the CA key by root only") {
  const passwd* user = ::getpwnam("mosquitto");
  const group* grp = ::getgrnam("mosquitto");
  if (user == nullptr || grp == nullptr || ::geteuid() != 0) {
    WARN("needs root and a mosquitto user/group: skipped");
    return;
  }
  PkiTree t;
  t.apply_ok();
  struct stat st {};
  REQUIRE(::stat(t.host(k_srv_key).c_str(), &st) == 0);
  CHECK(st.st_uid == user->pw_uid);
  CHECK(st.st_gid == grp->gr_gid);
  CHECK((st.st_mode & 07777) == 0640);
  REQUIRE(::stat(t.host(k_ca_key).c_str(), &st) == 0);
  CHECK(st.st_uid == 0);
  CHECK((st.st_mode & 07777) == 0600);

  // Ownership drift is planned and repaired without rewriting the key.
  const std::string key = read_file(t.host(k_srv_key));
  REQUIRE(::chown(t.host(k_srv_key).c_str(), 0, 0) == 0);
  t.check_plan(2, {"~ server key " + k_srv_key, "-> mosquitto"});
  t.apply_ok();
  REQUIRE(::stat(t.host(k_srv_key).c_str(), &st) == 0);
  CHECK(st.st_gid == grp->gr_gid);
  CHECK(read_file(t.host(k_srv_key)) == key);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: a server certificate from an impostor CA with the same name is reissued") {
  PkiTree t;
  t.apply_ok();
  // Another CA with exactly our CA's subject signs a certificate that looks
  // right in every field (subject, SANs, key, extensions): only the signature differs.
  const std::string evil_key = t.work("evil-ca.key");
  const std::string evil_crt = t.work("evil-ca.crt");
  const std::string csr = t.work("server.csr");
  const std::string ext = t.work("ext.cnf");
  const std::string forged = t.work("forged.crt");
  auto must = [](const ProcessResult& r) {
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
  };
  must(openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", evil_key}));
  must(openssl({"req", "-new", "-x509", "-days", "365", "-key", evil_key, "-out", evil_crt, "-subj",
                "/O=Example/CN=Example Test CA"}));
  must(openssl({"req", "-new", "-key", t.host(k_srv_key), "-out", csr, "-subj", "/O=Example/CN=mqtt.example.test"}));
  write_file(ext,
             "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
             "subjectAltName=DNS:mqtt.example.test,DNS:localhost,IP:127.0.0.1,IP:::1\n");
  must(openssl({"x509", "-req", "-in", csr, "-CA", evil_crt, "-CAkey", evil_key, "-CAcreateserial",
                "-days", "365", "-extfile", ext, "-out", forged}));
  REQUIRE(openssl_verify(t.ca(), forged).exit_code != 0);
  write_file(t.srv(), read_file(forged), 0644);

  t.check_plan(2, {"not signed by the current CA certificate"});
  t.apply_ok();
  require_verifies(t.ca(), t.srv());
  CHECK(cert_public_key(t.srv()) == key_public_key(t.host(k_srv_key)));
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("pki: with an encrypted CA key, a run that signs nothing needs no passphrase (the state file's record)") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  const std::string state_file = t.host("/var/lib/mosq-reconcile/state.json");
  const json state = json::parse(read_file(state_file));
  INFO(state.dump(2));
  REQUIRE(state.contains("verified_ca_key"));
  CHECK(state["verified_ca_key"]["path"] == k_ca_key);
  CHECK(state["verified_ca_key"]["key_type"] == "ec-p256");
  const auto ca_cert = mosq::crypto::Certificate::parse_pem(read_file(t.ca()), nullptr);
  REQUIRE(ca_cert);
  CHECK(state["verified_ca_key"]["public_key_sha256"] == ca_cert->facts().public_key_fingerprint);
  CHECK_FALSE(contains(read_file(state_file), k_passphrase));
  const std::map<std::string, std::string> no_passphrase = {{"-CA_PASSPHRASE", ""}};

  SECTION("no-op runs: exit 0 and nothing written, apply and --plan alike") {
    const TreeSnapshot before = t.snapshot();
    auto apply = t.run({}, no_passphrase);
    INFO(describe(apply));
    CHECK(apply.exit_code == 0);
    CHECK(contains(apply.out, "No changes."));
    auto plan = t.run({"--plan"}, no_passphrase);
    INFO(describe(plan));
    CHECK(plan.exit_code == 0);
    CHECK(plan.err.empty());
    CHECK(describe_differences(before, t.snapshot()) == "");
  }
  SECTION("a key file that changed since the record: exit 1 naming the variable, nothing written") {
    write_file(t.host(k_ca_key), read_file(t.host(k_ca_key)) + "\n", 0600);
    const TreeSnapshot before = t.snapshot();
    for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"--plan"}}) {
      auto r = t.run(args, no_passphrase);
      INFO(describe(r));
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, "tls.ca.passphrase_env: environment variable CA_PASSPHRASE is not set (it holds the "
                            "CA key's passphrase): " + t.host(k_ca_key) + " changed since an apply last opened it"));
      CHECK(describe_differences(before, t.snapshot()) == "");
    }
    // A run with the passphrase records the file as it now is.
    t.apply_ok();
    auto again = t.run({}, no_passphrase);
    INFO(describe(again));
    CHECK(again.exit_code == 0);
  }
  SECTION("no record (a state file lost or never written): exit 1 naming the variable") {
    REQUIRE(::unlink(state_file.c_str()) == 0);
    auto r = t.run({"--plan"}, no_passphrase);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "environment variable CA_PASSPHRASE is not set (it holds the CA key's passphrase): no "
                          "apply that had it has recorded " + t.host(k_ca_key)));
  }
  SECTION("a CA certificate that is not the recorded key's is planned anew, and apply needs the passphrase") {
    // Another CA's certificate at the CA path: the record's public key
    // tells the plan it does not match the key.
    SpecYaml other_spec = pki_spec();
    PkiTree other(other_spec);
    other.apply_ok();
    write_file(t.ca(), read_file(other.ca()), 0644);
    const TreeSnapshot before = t.snapshot();
    auto plan = t.run({"--plan"}, no_passphrase);
    INFO(describe(plan));
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "CA certificate /etc/mosquitto/certs/ca.crt"));
    CHECK(contains(plan.err, "the CA key is not at hand (environment variable CA_PASSPHRASE is not set"));
    auto apply = t.run({"--allow-trust-break"}, no_passphrase);
    INFO(describe(apply));
    CHECK(apply.exit_code == 1);
    CHECK(contains(apply.err, "it holds the CA key's passphrase, needed to issue ca_certificate"));
    CHECK(describe_differences(before, t.snapshot()) == "");
  }
}

TEST_CASE("pki: a no-op run opens no key file the state file vouches for, and a wrong passphrase fails only "
          "the run that signs") {
  SpecYaml spec = pki_spec();
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  PkiTree t(spec);
  t.apply_ok();
  const std::string state_file = t.host("/var/lib/mosq-reconcile/state.json");
  const json state = json::parse(read_file(state_file));
  INFO(state.dump(2));
  // The server key is recorded with the public key its certificate holds.
  REQUIRE(state.contains("verified_keys"));
  REQUIRE(state["verified_keys"].size() == 1);
  const json& server = state["verified_keys"][0];
  CHECK(server["path"] == k_srv_key);
  CHECK(server["key_type"] == "ec-p256");
  const auto server_cert = mosq::crypto::Certificate::parse_pem(read_file(t.srv()), nullptr);
  REQUIRE(server_cert);
  CHECK(server["public_key_sha256"] == server_cert->facts().public_key_fingerprint);
  const std::map<std::string, std::string> wrong = {{"CA_PASSPHRASE", "not-the-passphrase"}};

  SECTION("a wrong passphrase on runs that sign nothing: exit 0, nothing written") {
    const TreeSnapshot before = t.snapshot();
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--plan"}, {}}) {
      auto r = t.run(args, wrong);
      INFO(describe(r));
      CHECK(r.exit_code == 0);
      CHECK(contains(r.out, "No changes."));
    }
    CHECK(describe_differences(before, t.snapshot()) == "");
  }
  SECTION("a record that names another public key is believed by the plan; the apply opens the key, "
          "reissues for it and corrects the record") {
    // Proof that observe read the record, not the key: a forged public key
    // for the same file content makes the certificate look mismatched.
    json forged = state;
    forged["verified_keys"][0]["public_key_sha256"] = std::string(64, '0');
    write_file(state_file, forged.dump(2), 0644);
    t.check_plan(2, {"server certificate /etc/mosquitto/certs/server.crt: does not match the key on disk"});
    t.apply_ok();
    require_verifies(t.ca(), t.srv());
    CHECK(cert_public_key(t.srv()) == key_public_key(t.host(k_srv_key)));
    const json corrected = json::parse(read_file(state_file));
    const auto reissued = mosq::crypto::Certificate::parse_pem(read_file(t.srv()), nullptr);
    REQUIRE(reissued);
    CHECK(corrected["verified_keys"][0]["public_key_sha256"] == reissued->facts().public_key_fingerprint);
    CHECK(t.plan().exit_code == 0);
  }
  SECTION("a record for the CA key that names another public key: refused when a signature is due") {
    json forged = state;
    ::unlink(t.srv().c_str());
    forged["verified_ca_key"]["public_key_sha256"] = server["public_key_sha256"];
    write_file(state_file, forged.dump(2), 0644);
    const TreeSnapshot before = t.snapshot();
    auto r = t.run({});
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, t.host(k_ca_key) + ": the key does not hold the public key that " + state_file +
                              " records for it"));
    CHECK(describe_differences(before, t.snapshot()) == "");
  }
}

TEST_CASE("pki: a no-op run parses no certificate the state file vouches for, and a writing apply records "
          "them anew") {
  PkiTree t;
  t.apply_ok();
  const std::string state_file = t.host("/var/lib/mosq-reconcile/state.json");
  const json state = json::parse(read_file(state_file));
  INFO(state.dump(2));
  REQUIRE(state.contains("verified_certificates"));
  const auto server_cert = mosq::crypto::Certificate::parse_pem(read_file(t.srv()), nullptr);
  REQUIRE(server_cert);
  json server;
  for (const json& record : state["verified_certificates"]) {
    if (record["path"] == k_srv_crt) server = record;
  }
  REQUIRE(server.is_object());
  CHECK(server["signed_by_issuer"] == true);
  CHECK(server["facts"]["not_after"] == server_cert->facts().not_after);
  CHECK(server["facts"]["sha256_fingerprint"] == server_cert->facts().sha256_fingerprint);

  // Proof that observe read the record, not the file: a forged expiry for
  // the same file content makes the plan renew the certificate.
  json forged = state;
  for (json& record : forged["verified_certificates"]) {
    if (record["path"] == k_srv_crt) record["facts"]["not_after"] = server_cert->facts().not_after - 820 * k_day;
  }
  write_file(state_file, forged.dump(2), 0644);
  t.check_plan(2, {"server certificate /etc/mosquitto/certs/server.crt"});
  // The apply parses what it wrote and records it; the next run is a no-op.
  t.apply_ok();
  require_verifies(t.ca(), t.srv());
  const auto renewed = mosq::crypto::Certificate::parse_pem(read_file(t.srv()), nullptr);
  REQUIRE(renewed);
  const json recorded = json::parse(read_file(state_file));  // not a temporary: the loop reads into it
  for (const json& record : recorded["verified_certificates"]) {
    if (record["path"] == k_srv_crt) CHECK(record["facts"]["not_after"] == renewed->facts().not_after);
  }
  CHECK(t.plan().exit_code == 0);

  // A CA certificate file that changed: the server certificate's signature
  // is checked again (the record was made against the old CA file).
  PkiTree other;
  other.apply_ok();
  write_file(t.ca(), read_file(other.ca()), 0644);
  t.check_plan(2, {"not signed by the current CA certificate"}, {"--allow-trust-break"});
}
