#include "spec/loader.h"

#include <catch2/catch.hpp>

#include "spec_test_files.h"
#include "support/temp_dir.h"

namespace mosq::spec {
namespace {

using mosq::test::read_file;
using test::header_value;
using test::source_path;
using test::yaml_files;

const std::string k_broker =
    "version: 1\n"
    "broker:\n"
    "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
    "  password_file: /etc/mosquitto/mqttpass\n";

const std::string k_tls =
    "tls:\n"
    "  dir: /etc/mosquitto/certs\n"
    "  ca:\n"
    "    subject: { O: Example, CN: Example CA }\n"
    "  server:\n"
    "    subject: { O: Example, CN: mqtt.example.com }\n"
    "    subject_alt_names: [ \"DNS:mqtt.example.com\" ]\n";

// what() of the SpecError the text raises; "" when it loads.
std::string load_error(const std::string& text) {
  try {
    load_spec("broker.yaml", text);
  } catch (const SpecError& error) {
    return error.what();
  }
  return "";
}

std::vector<Diagnostic> diagnostics_of(const std::string& text) {
  try {
    load_spec("broker.yaml", text);
  } catch (const SpecError& error) {
    return error.diagnostics();
  }
  return {};
}

crypto::DistinguishedName name(std::initializer_list<std::pair<const char*, const char*>> attributes) {
  crypto::DistinguishedName result;
  for (const auto& [type, value] : attributes) {
    result.push_back(crypto::NameAttribute{type, value});
  }
  return result;
}

}  // namespace

TEST_CASE("the shipped example loads with every value it states", "[spec]") {
  const Spec spec =
      load_spec("examples/broker.yaml", read_file(source_path("examples/broker.yaml")));

  CHECK(spec.source_file == "examples/broker.yaml");
  CHECK(spec.version == 1);
  CHECK(spec.broker.config_file == "/etc/mosquitto/conf.d/mosq-reconcile.conf");
  CHECK(spec.broker.password_file == "/etc/mosquitto/mqttpass");
  CHECK(spec.broker.acl_file == "/etc/mosquitto/acl");
  CHECK_FALSE(spec.broker.allow_anonymous);
  CHECK(spec.broker.unlisted_users == UnlistedUsers::remove);
  CHECK(spec.broker.owner == "mosquitto");
  CHECK(spec.broker.group == "mosquitto");
  CHECK(spec.broker.reload.pid_file == "/run/mosquitto/mosquitto.pid");
  CHECK_FALSE(spec.broker.reload.command);
  CHECK_FALSE(spec.broker.reload.restart_command);
  CHECK(spec.broker.mosquitto_version == crypto::MosquittoVersion::v2_0);

  REQUIRE(spec.listeners.size() == 2);
  CHECK(spec.listeners[0].port == 8883);
  CHECK(spec.listeners[0].bind_address == "0.0.0.0");
  CHECK(spec.listeners[0].tls);
  CHECK(spec.listeners[0].tls_version == TlsVersion::tlsv1_2);
  CHECK_FALSE(spec.listeners[0].require_certificate);
  CHECK_FALSE(spec.listeners[0].use_identity_as_username);
  CHECK(spec.listeners[0].mark.line == 19);
  CHECK(spec.listeners[0].mark.column == 5);
  CHECK(spec.listeners[1].port == 1883);
  CHECK(spec.listeners[1].bind_address == "127.0.0.1");
  CHECK_FALSE(spec.listeners[1].tls);

  REQUIRE(spec.users.size() == 4);
  CHECK(spec.users[0].name == "user1");
  REQUIRE(spec.users[0].password);
  CHECK(spec.users[0].password->kind == PasswordSourceKind::env);
  CHECK(spec.users[0].password->value == "MQTT_USER1_PASSWORD");
  CHECK(spec.users[1].name == "sensor-7");
  REQUIRE(spec.users[1].password);
  CHECK(spec.users[1].password->kind == PasswordSourceKind::file);
  CHECK(spec.users[1].password->value == "/run/secrets/sensor-7");
  REQUIRE(spec.users[1].acl);
  REQUIRE(spec.users[1].acl->size() == 2);
  CHECK((*spec.users[1].acl)[0].topic == "sensors/7/#");
  CHECK((*spec.users[1].acl)[0].access == AclAccess::write);
  CHECK((*spec.users[1].acl)[1].topic == "sensors/7/cmd");
  CHECK((*spec.users[1].acl)[1].access == AclAccess::read);
  CHECK_FALSE(spec.users[0].acl);
  CHECK(spec.users[2].name == "dashboard");
  REQUIRE(spec.users[2].password);
  CHECK(spec.users[2].password->kind == PasswordSourceKind::hash);
  CHECK(spec.users[2].password->value.rfind("$7$101$", 0) == 0);
  std::string why;
  const auto hash = crypto::parse_password_hash(spec.users[2].password->value, &why);
  REQUIRE(hash);
  CHECK_FALSE(crypto::unreadable_by(*hash, crypto::MosquittoVersion::v2_0));
  // The demo password ci/demo.sh states for it.
  CHECK(crypto::verify_password(*hash, Secret("dashboard-demo")));
  CHECK(spec.users[3].name == "olduser");
  CHECK(spec.users[3].state == UserState::absent);
  CHECK_FALSE(spec.users[3].password);
  CHECK(spec.users[3].mark.line == 38);
  REQUIRE(spec.acl);
  REQUIRE(spec.acl->patterns.size() == 1);
  CHECK(spec.acl->patterns[0].topic == "devices/%u/#");
  CHECK(spec.acl->patterns[0].access == AclAccess::readwrite);
  CHECK(spec.acl->anonymous.empty());

  REQUIRE(spec.tls);
  const Tls& tls = *spec.tls;
  CHECK(tls.dir == "/etc/mosquitto/certs");
  CHECK(tls.ca.cert_path == "/etc/mosquitto/certs/mqtt_ca.crt");
  CHECK(tls.ca.key_path == "/etc/mosquitto/certs/mqtt_ca.key");
  CHECK(tls.ca.subject == name({{"C", "JP"}, {"ST", "Tokyo"}, {"L", "Tokyo"}, {"O", "FicusOnline"},
                                {"OU", "Development"}, {"CN", "User-PC.local"}}));
  CHECK(tls.ca.validity_days == 3650);
  CHECK(tls.ca.renew_before_days == 90);
  CHECK(tls.ca.key_type == crypto::KeyType::rsa2048);
  CHECK(tls.ca.passphrase_env == "MQTT_CA_PASSPHRASE");
  CHECK(tls.server.cert_path == "/etc/mosquitto/certs/mqtt_srv.crt");
  CHECK(tls.server.key_path == "/etc/mosquitto/certs/mqtt_srv.key");
  CHECK(tls.server.subject == name({{"CN", "User-PC.local"}, {"O", "FicusOnline"}}));
  CHECK(tls.server.subject_alt_names ==
        std::vector<std::string>{"DNS:user-pc.local", "DNS:localhost", "IP:127.0.0.1"});
  CHECK(tls.server.validity_days == 825);
  CHECK(tls.server.renew_before_days == 30);
  CHECK(tls.server.key_type == crypto::KeyType::ec_p256);
  CHECK_FALSE(tls.server.passphrase_env);
  CHECK_FALSE(crypto::same_name(tls.server.subject, tls.ca.subject));
  CHECK(tls.clients.empty());
}

TEST_CASE("the example's first line points editors at the schema", "[spec]") {
  const std::string text = read_file(source_path("examples/broker.yaml"));
  CHECK(text.rfind("# yaml-language-server: $schema=../schemas/broker.schema.json\n", 0) == 0);
}

TEST_CASE("a minimal plain spec gets the documented defaults", "[spec]") {
  const Spec spec =
      load_spec("minimal.yaml", read_file(source_path("tests/data/good_specs/minimal-plain.yaml")));
  CHECK_FALSE(spec.broker.allow_anonymous);
  CHECK(spec.broker.unlisted_users == UnlistedUsers::remove);
  CHECK_FALSE(spec.broker.owner);
  CHECK_FALSE(spec.broker.group);
  CHECK_FALSE(spec.broker.reload.pid_file);
  CHECK_FALSE(spec.broker.reload.command);
  CHECK(spec.broker.mosquitto_version == crypto::MosquittoVersion::v2_0);
  REQUIRE(spec.listeners.size() == 1);
  CHECK_FALSE(spec.listeners[0].bind_address);
  CHECK_FALSE(spec.listeners[0].tls);
  CHECK(spec.listeners[0].tls_version == TlsVersion::tlsv1_2);
  REQUIRE(spec.users.size() == 1);
  CHECK(spec.users[0].state == UserState::present);
  CHECK_FALSE(spec.tls);
}

TEST_CASE("listeners, users and tls are optional", "[spec]") {
  const Spec spec = load_spec("broker.yaml", k_broker);
  CHECK(spec.listeners.empty());
  CHECK(spec.users.empty());
  CHECK_FALSE(spec.tls);
}

TEST_CASE("a TLS listener defaults to TLS 1.2 and no client certificates", "[spec]") {
  const Spec spec = load_spec("broker.yaml", k_broker + "listeners:\n  - port: 8883\n" + k_tls);
  REQUIRE(spec.listeners.size() == 1);
  CHECK(spec.listeners[0].tls);
  CHECK(spec.listeners[0].tls_version == TlsVersion::tlsv1_2);
  CHECK_FALSE(spec.listeners[0].require_certificate);
  CHECK_FALSE(spec.listeners[0].use_identity_as_username);
}

TEST_CASE("certificate defaults: file names, validity, renew window, key type", "[spec]") {
  const Spec spec =
      load_spec("clients.yaml", read_file(source_path("tests/data/good_specs/clients.yaml")));
  REQUIRE(spec.tls);
  const Tls& tls = *spec.tls;
  CHECK(tls.ca.cert_path == "/etc/mosquitto/certs/ca.crt");
  CHECK(tls.ca.key_path == "/etc/mosquitto/certs/ca.key");
  CHECK(tls.ca.validity_days == 3650);
  CHECK(tls.ca.renew_before_days == 90);
  CHECK(tls.ca.key_type == crypto::KeyType::ec_p256);
  CHECK_FALSE(tls.ca.passphrase_env);
  CHECK(tls.server.cert_path == "/etc/mosquitto/certs/server.crt");
  CHECK(tls.server.key_path == "/etc/mosquitto/certs/server.key");
  CHECK(tls.server.validity_days == 825);
  CHECK(tls.server.renew_before_days == 30);
  CHECK(tls.server.key_type == crypto::KeyType::ec_p256);
  REQUIRE(tls.clients.size() == 2);
  CHECK(tls.clients[0].name == "sensor-1");
  CHECK(tls.clients[0].certificate.cert_path == "/etc/mosquitto/certs/sensor-1.crt");
  CHECK(tls.clients[0].certificate.key_path == "/etc/mosquitto/certs/sensor-1.key");
  CHECK(tls.clients[0].certificate.subject == name({{"CN", "sensor-1"}}));
  CHECK(tls.clients[0].certificate.subject_alt_names.empty());
  CHECK(tls.clients[0].certificate.validity_days == 825);
  CHECK(tls.clients[0].certificate.renew_before_days == 30);
  CHECK(tls.clients[1].certificate.key_type == crypto::KeyType::rsa2048);
  REQUIRE(spec.listeners.size() == 1);
  CHECK(spec.listeners[0].require_certificate);
  CHECK(spec.listeners[0].use_identity_as_username);
}

TEST_CASE("the full spec: every field away from its default", "[spec]") {
  const Spec spec =
      load_spec("full.yaml", read_file(source_path("tests/data/good_specs/full.yaml")));
  CHECK(spec.broker.allow_anonymous);
  CHECK(spec.broker.unlisted_users == UnlistedUsers::keep);
  CHECK(spec.broker.owner == "mqtt");
  CHECK(spec.broker.group == "mqtt-readers");
  CHECK(spec.broker.mosquitto_version == crypto::MosquittoVersion::v2_1);
  CHECK(spec.broker.hash_iterations == 1000);
  CHECK_FALSE(spec.broker.reload.pid_file);
  CHECK(spec.broker.reload.command == "systemctl reload mosquitto");
  CHECK(spec.broker.reload.restart_command == "systemctl restart mosquitto");

  REQUIRE(spec.listeners.size() == 4);
  CHECK(spec.listeners[0].tls_version == TlsVersion::tlsv1_3);
  CHECK(spec.listeners[1].tls_version == TlsVersion::tlsv1_1);
  CHECK(spec.listeners[1].bind_address == "::1");
  CHECK(spec.listeners[3].bind_address == "::1");

  REQUIRE(spec.users.size() == 2);
  CHECK(spec.users[0].name == "ユーザー");

  REQUIRE(spec.tls);
  const Tls& tls = *spec.tls;
  CHECK(tls.ca.key_type == crypto::KeyType::ed25519);
  CHECK(tls.ca.subject == name({{"C", "jp"}, {"ST", "東京都"}, {"O", "例示株式会社"}, {"CN", "例示 Root CA"},
                                {"emailAddress", "ca@example.jp"}}));
  CHECK(tls.ca.validity_days == 7300);
  CHECK(tls.ca.renew_before_days == 365);
  CHECK(tls.server.cert_path == "/etc/ssl/mqtt/server.pem");
  CHECK(tls.server.key_path == "/srv/mqtt/certs/private/server.pem");
  // Written order kept; issuing sorts.
  CHECK(tls.server.subject == name({{"CN", "mqtt.example.jp"}, {"OU", "Brokers"}, {"L", "千代田区"}}));
  CHECK(tls.server.subject_alt_names ==
        std::vector<std::string>{"DNS:mqtt.example.jp", "IP:::1", "IP:192.0.2.10"});
  CHECK(tls.server.key_type == crypto::KeyType::rsa4096);
  REQUIRE(tls.clients.size() == 2);
  CHECK(tls.clients[1].name == "dashboard.example");
  CHECK(tls.clients[1].certificate.cert_path == "/etc/ssl/mqtt/dashboard.crt");
  CHECK(tls.clients[1].certificate.key_path == "/srv/mqtt/certs/dashboard.example.key");
  CHECK(tls.clients[1].certificate.subject == name({{"CN", "dashboard"}, {"O", "Example"}}));
  CHECK(tls.clients[1].certificate.subject_alt_names == std::vector<std::string>{"DNS:dashboard.example.jp"});
  CHECK(tls.clients[1].certificate.validity_days == 90);
  CHECK(tls.clients[1].certificate.renew_before_days == 10);
  CHECK(tls.clients[1].certificate.key_type == crypto::KeyType::ec_p384);
}

TEST_CASE("YAML 1.1 booleans are read as a schema validator reads them", "[spec]") {
  const Spec spec =
      load_spec("users.yaml", read_file(source_path("tests/data/good_specs/users-only.yaml")));
  CHECK(spec.broker.allow_anonymous);  // "yes"
  REQUIRE(spec.users.size() == 2);
  CHECK(spec.users[0].name == "no");  // quoted
}

TEST_CASE("messages name the file, line, column and field", "[spec]") {
  SECTION("plaintext password, at its key") {
    CHECK(load_error(k_broker + "users:\n  - name: user1\n    password: hunter2\n") ==
          "broker.yaml:7:5: users[0].password: plaintext passwords are refused (the spec lives in git); use "
          "password_env, password_file or password_hash");
  }
  SECTION("unknown field with a suggestion") {
    CHECK(load_error(k_broker + "  allow_anonymus: false\n") ==
          "broker.yaml:5:3: broker.allow_anonymus: unknown field; did you mean 'allow_anonymous'?");
  }
  SECTION("unknown field without a close match lists the fields") {
    CHECK(load_error(k_broker + "  colour: blue\n") ==
          "broker.yaml:5:3: broker.colour: unknown field; expected one of: config_file, main_config, password_file, "
          "allow_anonymous, unlisted_users, owner, group, reload, mosquitto_version, hash_iterations, acl_file");
  }
  SECTION("wrong type, at the value") {
    CHECK(load_error(k_broker + "listeners:\n  - port: eighty\n    tls: false\n") ==
          "broker.yaml:6:11: listeners[0].port: expected an integer, got a string");
  }
  SECTION("enumerations list the allowed values") {
    CHECK(load_error(k_broker + "  unlisted_users: purge\n") ==
          "broker.yaml:5:19: broker.unlisted_users: unknown value 'purge'; expected one of: remove, keep");
  }
  SECTION("tlsv1 explains that Mosquitto 2.0 refuses it") {
    CHECK(load_error(k_broker + "listeners:\n  - port: 8883\n    tls_version: tlsv1\n" + k_tls) ==
          "broker.yaml:7:18: listeners[0].tls_version: 'tlsv1' is refused: Mosquitto 2.0 does not start with it "
          "(\"Unsupported tls_version\"); use tlsv1.2 or tlsv1.3 (tlsv1.1 is accepted with a warning)");
  }
  SECTION("a required field, at its mapping") {
    CHECK(load_error("version: 1\nbroker:\n  config_file: /etc/m.conf\n") ==
          "broker.yaml:3:3: broker.password_file: missing required field");
  }
  SECTION("malformed YAML, at yaml-cpp's location") {
    CHECK(load_error("version: 1\nbroker: [\n") == "broker.yaml:3:1: invalid YAML: end of sequence flow not found");
  }
  SECTION("an empty file") {
    CHECK(load_error("") == "broker.yaml:1:1: the spec is empty; expected a mapping starting with version: 1");
    CHECK(load_error("# nothing but a comment\n") ==
          "broker.yaml:1:1: the spec is empty; expected a mapping starting with version: 1");
  }
  SECTION("a top level that is not a mapping") {
    CHECK(load_error("just text\n") ==
          "broker.yaml:1:1: expected a mapping at the top level (version:, broker:, listeners:, users:, tls:, acl:), "
          "got a single value");
  }
  SECTION("a server subject equal to the CA's, whatever the order") {
    const std::string text = k_broker +
                             "tls:\n  dir: /etc/mosquitto/certs\n  ca:\n    subject: { O: Example, CN: X }\n"
                             "  server:\n    subject: { CN: X, O: Example }\n"
                             "    subject_alt_names: [ \"DNS:x\" ]\n";
    CHECK(load_error(text) ==
          "broker.yaml:10:5: tls.server.subject: the subject equals the CA's (tls.ca.subject); OpenSSL 3 then "
          "treats this certificate as self-signed and verification fails (\"error 18 at 0 depth lookup: "
          "self-signed certificate\"): give it a different subject, e.g. CN set to the broker's host name");
  }
  SECTION("a renew window as long as the validity, caused by a default, points at validity_days") {
    const std::string text = k_broker +
                             "tls:\n  dir: /etc/mosquitto/certs\n  ca:\n    subject: { CN: CA }\n"
                             "  server:\n    subject: { CN: x }\n    subject_alt_names: [ \"DNS:x\" ]\n"
                             "    validity_days: 20\n";
    CHECK(load_error(text) ==
          "broker.yaml:12:5: tls.server.validity_days: renew_before_days (30) must be less than validity_days "
          "(20), or the certificate is renewed on every run");
  }
  SECTION("a password hash the target broker cannot read") {
    const std::string hash =
        "$7$210000$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==$"
        "s9gohqoCXDOyZ23xyOYPw7XG/XKMfxFmuiyHSGES7/9GIjWlO9isu8ZUpnMy2eUjHFE/4q0vAdEbhh80+bdvVA==";
    const std::string users = "users:\n  - name: dashboard\n    password_hash: \"" + hash + "\"\n";
    const std::string error = load_error(k_broker + users);
    CHECK_THAT(error, Catch::StartsWith("broker.yaml:7:5: users[0].password_hash: Mosquitto 2.0 cannot read "
                                        "this hash: salt is 64 bytes"));
    // The same hash is fine for a 2.1 broker.
    CHECK(load_error(k_broker + "  mosquitto_version: \"2.1\"\n" + users).empty());
  }
}

TEST_CASE("every problem is reported at once, in file order", "[spec]") {
  const std::string text =
      "version: 1\n"
      "broker:\n"
      "  config_file: relative.conf\n"
      "  password_file: /etc/mosquitto/mqttpass\n"
      "users:\n"
      "  - name: a\n"
      "    password: secret\n"
      "  - name: a\n"
      "    password_env: A\n"
      "listeners:\n"
      "  - port: 0\n"
      "    tls: false\n"
      "    require_certificate: true\n";
  const auto diagnostics = diagnostics_of(text);
  REQUIRE(diagnostics.size() == 5);
  CHECK(diagnostics[0].field == "broker.config_file");
  CHECK(diagnostics[0].mark.line == 3);
  CHECK(diagnostics[1].field == "users[0].password");
  CHECK(diagnostics[2].field == "users[1].name");
  CHECK(diagnostics[3].field == "listeners[0].port");
  CHECK(diagnostics[4].field == "listeners[0].require_certificate");
  CHECK(diagnostics[4].message ==
        "a plain listener (tls: false) takes no TLS options; remove require_certificate or the tls: false");
  for (const auto& diagnostic : diagnostics) {
    CHECK(diagnostic.file == "broker.yaml");
  }
}

TEST_CASE("an item that is not a mapping is reported once, not again by the cross-field rules", "[spec]") {
  CHECK(load_error(k_broker + "listeners:\n  - ~\n  - [ 1883 ]\n") ==
        "broker.yaml:6:3: listeners[0]: expected a mapping, got nothing\n"
        "broker.yaml:7:5: listeners[1]: expected a mapping, got a list");
}

// With yaml-cpp's Node, sorting the sources by position assigned one Node to
// another, which wrote through to the tree: password_file then held
// password_env's value and got a second, false problem ("must be an
// absolute path ..., got X").
TEST_CASE("two password sources in any order: one problem, each value as written", "[spec]") {
  CHECK(load_error(k_broker + "users:\n  - name: a\n    password_file: /run/x\n    password_env: X\n") ==
        "broker.yaml:8:5: users[0].password_env: give exactly one password source; this user already has "
        "password_file");
}

TEST_CASE("odd input is a located SpecError, never another exception", "[spec]") {
  const std::vector<std::string> inputs{
      std::string(20000, '['),
      std::string("\0\xff\xfe garbage", 12),
      "version: 1\nbroker: &b\n  config_file: /a\n  password_file: /b\n  reload: *b\n",
      "? [a, b]\n: c\n",
      "version: 99999999999999999999999\n",
      "version: 1\nbroker:\n  config_file: /a\n  password_file: /b\ntls:\n  ca: {}\n  server: []\n"
      "  clients: [ ~, { subject: 5 } ]\n",
  };
  for (const auto& input : inputs) {
    CAPTURE(input);
    const auto diagnostics = diagnostics_of(input);
    REQUIRE_FALSE(diagnostics.empty());
    for (const auto& diagnostic : diagnostics) {
      CHECK(diagnostic.mark.line > 0);
      CHECK(diagnostic.mark.column > 0);
    }
  }
}

TEST_CASE("SpecError::what() is one diagnostic per line", "[spec]") {
  const std::string error = load_error("version: 3\nbroker: []\n");
  CHECK(error ==
        "broker.yaml:1:10: version: unsupported spec version 3; this mosq-reconcile reads version 1\n"
        "broker.yaml:2:9: broker: expected a mapping, got a list");
}

TEST_CASE("Diagnostic::to_string without a field or a location", "[spec]") {
  CHECK((Diagnostic{"b.yaml", Mark{2, 3}, "", "oops"}.to_string()) == "b.yaml:2:3: oops");
  CHECK((Diagnostic{"b.yaml", Mark{}, "users[0]", "oops"}.to_string()) == "b.yaml: users[0]: oops");
}

TEST_CASE("tls_version_name is what Mosquitto's config takes", "[spec]") {
  CHECK(tls_version_name(TlsVersion::tlsv1_1) == "tlsv1.1");
  CHECK(tls_version_name(TlsVersion::tlsv1_2) == "tlsv1.2");
  CHECK(tls_version_name(TlsVersion::tlsv1_3) == "tlsv1.3");
}

TEST_CASE("every good spec loads", "[spec]") {
  const auto files = yaml_files("tests/data/good_specs");
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) { CHECK(load_error(read_file(file)).empty()); }
  }
}

TEST_CASE("every bad spec is rejected with its expected, located message", "[spec]") {
  const auto files = yaml_files("tests/data/bad_specs");
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const std::string text = read_file(file);
      const std::string expect = header_value(text, "expect");
      REQUIRE_FALSE(expect.empty());
      REQUIRE((header_value(text, "schema") == "reject" || header_value(text, "schema") == "accept"));
      std::string error;
      try {
        load_spec(file.filename().string(), text);
      } catch (const SpecError& spec_error) {
        error = spec_error.what();
      }
      CHECK_THAT(error, Catch::Contains(file.filename().string() + ":" + expect));
    }
  }
}

// A mapping with more fields than a scan suits is indexed: duplicates,
// unknown and known fields are found the same on either side of that line.
TEST_CASE("a mapping with many fields: duplicates, unknown and known fields as in a small one", "[spec]") {
  std::string text =
      "version: 1\nbroker:\n  config_file: /etc/m.conf\n  password_file: /etc/passwd.mq\nlisteners:\n"
      "  - tls: false\n";
  for (int i = 0; i < 40; ++i) text += "    x" + std::to_string(i) + ": 1\n";  // lines 7..46
  text += "    port: 1883\n";        // line 47: known, after the index is made
  text += "    x3: again\n";         // line 48: a duplicate of line 10
  text += "    tls: true\n";         // line 49: a duplicate of the first field (line 6)
  const std::string error = load_error(text);
  CHECK_THAT(error, Catch::Contains("broker.yaml:7:5: listeners[0].x0: unknown field"));
  CHECK_THAT(error, Catch::Contains("broker.yaml:46:5: listeners[0].x39: unknown field"));
  CHECK_THAT(error, Catch::Contains("broker.yaml:48:5: listeners[0].x3: duplicate field (first at line 10, column 5)"));
  CHECK_THAT(error, Catch::Contains("broker.yaml:49:5: listeners[0].tls: duplicate field (first at line 6, column 5)"));
  CHECK_THAT(error, !Catch::Contains("missing required field"));
  CHECK_THAT(error, !Catch::Contains("x40"));
}

}  // namespace mosq::spec
