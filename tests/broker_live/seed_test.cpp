// Issue 4: the seed procedure end to end. CA and server files made by the
// tutorial's openssl commands (a DES3 CA key, a server certificate with the
// CA's own subject, v1, no subjectAltName) and an old config with
// `tls_version tlsv1`, which Mosquitto 2.0 refuses to start with. The spec
// (tlsv1.2, SANs) converges, and the broker then serves clients that verify
// the host name, Python's ssl included (subjectAltName only, never the CN).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/broker.h"

using namespace mosq::test;
using namespace mosq::test::live;

namespace {

using Env = std::map<std::string, std::string>;

const std::string k_tutorial_subject =
    "/C=JP/ST=Tokyo/L=Tokyo/O=FicusOnline/OU=Development/CN=User-PC.local";
const std::string k_ca_pass = "tutorial-CA-passphrase";

void openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  ProcessResult r = run_process(args, {}, 60);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

std::string public_key_of_key(const std::string& key) {
  ProcessResult r = run_process({"openssl", "pkey", "-in", key, "-pubout"}, {}, 15);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string public_key_of_cert(const std::string& cert) {
  ProcessResult r = run_process({"openssl", "x509", "-in", cert, "-noout", "-pubkey"}, {}, 15);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  return r.out;
}

const nlohmann::json& change_of(const nlohmann::json& plan, const std::string& resource) {
  for (const auto& c : plan["resources"]) {
    if (c["resource"] == resource) return c;
  }
  FAIL("no resource " << resource << " in the plan");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("seed procedure: tutorial openssl files and a tlsv1 config converge and the broker then "
          "serves clients that verify the host name",
          "[broker]") {
  Site site;
  const int port = free_port();
  const std::string ca_dir = site.path("etc/mosquitto/ca_certificates/");
  const std::string certs = site.path("etc/mosquitto/certs/");
  const std::string config = site.path("etc/mosquitto/conf.d/default.conf");
  make_dirs(ca_dir);
  make_dirs(certs);

  // The tutorial, command by command (answers given with -subj; the same
  // answers for both requests).
  openssl({"genrsa", "-des3", "-passout", "pass:" + k_ca_pass, "-out", ca_dir + "mqtt_ca.key", "2048"});
  openssl({"req", "-new", "-x509", "-days", "1826", "-key", ca_dir + "mqtt_ca.key", "-passin",
           "pass:" + k_ca_pass, "-out", ca_dir + "mqtt_ca.crt", "-subj", k_tutorial_subject});
  openssl({"genrsa", "-out", certs + "mqtt_srv.key", "2048"});
  openssl({"req", "-new", "-out", certs + "mqtt_srv.csr", "-key", certs + "mqtt_srv.key", "-subj",
           k_tutorial_subject});
  openssl({"x509", "-req", "-in", certs + "mqtt_srv.csr", "-CA", ca_dir + "mqtt_ca.crt", "-CAkey",
           ca_dir + "mqtt_ca.key", "-passin", "pass:" + k_ca_pass, "-CAcreateserial", "-out",
           certs + "mqtt_srv.crt", "-days", "360"});
  write_file(config,
             "listener " + std::to_string(port) + " 127.0.0.1\n"
             "cafile " + ca_dir + "mqtt_ca.crt\n"
             "certfile " + certs + "mqtt_srv.crt\n"
             "keyfile " + certs + "mqtt_srv.key\n"
             "tls_version tlsv1\n");
  const std::string ca_cert_before = read_file(ca_dir + "mqtt_ca.crt");
  const std::string server_public_key = public_key_of_key(certs + "mqtt_srv.key");

  // What the seed gives: a server certificate OpenSSL 3 takes for
  // self-signed, and a config Mosquitto 2.0 does not start with.
  {
    ProcessResult verify =
        run_process({"openssl", "verify", "-CAfile", ca_dir + "mqtt_ca.crt", certs + "mqtt_srv.crt"});
    INFO(describe(verify));
    CHECK(verify.exit_code != 0);
    CHECK((verify.out + verify.err).find("error 18 at 0 depth lookup: self-signed certificate") !=
          std::string::npos);
  }
  try {
    Broker old_broker(site.path("broker-old"), site.conf_d(), {port});
    FAIL("mosquitto started with tls_version tlsv1:\n" << old_broker.log());
  } catch (const BrokerStartError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("Unsupported tls_version \"tlsv1\"") != std::string::npos);
  }

  site.write_spec(
      "version: 1\n"
      "broker:\n"
      "  config_file: @/etc/mosquitto/conf.d/default.conf\n"
      "  main_config: @/broker/main.conf\n"
      "  password_file: @/etc/mosquitto/mqttpass\n"
      "  allow_anonymous: false\n"
      "  reload:\n"
      "    pid_file: @/broker/mosquitto.pid\n"
      "listeners:\n"
      "  - port: " + std::to_string(port) + "\n"
      "    bind_address: 127.0.0.1\n"
      "    tls_version: tlsv1.2\n"
      "users:\n"
      "  - name: user1\n"
      "    password_env: USER1_PW\n"
      "tls:\n"
      "  dir: @/etc/mosquitto/certs\n"
      "  ca:\n"
      "    cert: @/etc/mosquitto/ca_certificates/mqtt_ca.crt\n"
      "    key: @/etc/mosquitto/ca_certificates/mqtt_ca.key\n"
      "    subject: { C: JP, ST: Tokyo, L: Tokyo, O: FicusOnline, OU: Development, CN: User-PC.local }\n"
      "    key_type: rsa2048\n"
      "    passphrase_env: MQTT_CA_PASSPHRASE\n"
      "  server:\n"
      "    cert: mqtt_srv.crt\n"
      "    key: mqtt_srv.key\n"
      "    subject: { CN: User-PC.local, O: FicusOnline }\n"
      "    subject_alt_names: [ \"DNS:User-PC.local\", \"DNS:localhost\", \"IP:127.0.0.1\" ]\n"
      "    key_type: rsa2048\n");
  const Env env{{"USER1_PW", "user1-Pw-1"}, {"MQTT_CA_PASSPHRASE", k_ca_pass}};

  ProcessResult plan = site.tool({"--plan", "--json"}, env);
  INFO(describe(plan));
  REQUIRE(plan.exit_code == 2);
  auto json = nlohmann::json::parse(plan.out);
  CHECK(change_of(json, "ca_certificate")["action"] == "no-op");  // adopted
  // The server key is kept; only its owner and mode change (root 0600 as
  // genrsa made it, which the broker's user cannot read).
  CHECK(change_of(json, "server_key")["action"] == "update");
  for (const auto& c : json["changes"]) {
    if (c["resource"] == "server_key") CHECK(c["content_changes"] == false);
  }
  CHECK(change_of(json, "server_certificate")["action"] == "replace");
  CHECK(json["breaks_trust"] == false);

  ProcessResult applied = site.tool({}, env);
  INFO(describe(applied));
  REQUIRE(applied.exit_code == 0);
  ProcessResult again = site.tool({"--plan"}, env);
  INFO(describe(again));
  CHECK(again.exit_code == 0);

  // Same CA (clients keep their CA file), same server key, a certificate
  // that now verifies, and the config at tlsv1.2.
  CHECK(read_file(ca_dir + "mqtt_ca.crt") == ca_cert_before);
  CHECK(public_key_of_cert(certs + "mqtt_srv.crt") == server_public_key);
  ProcessResult verify = run_process({"openssl", "verify", "-CAfile", ca_dir + "mqtt_ca.crt",
                                      certs + "mqtt_srv.crt"});
  INFO(describe(verify));
  CHECK(verify.exit_code == 0);
  const std::string new_config = read_file(config);
  CHECK(new_config.find("tls_version tlsv1.2\n") != std::string::npos);
  CHECK(new_config.find("tls_version tlsv1\n") == std::string::npos);

  Broker broker(site.broker_dir(), site.conf_d(), {port});
  Client client;
  client.port = port;
  client.host = "localhost";  // in the SANs only: the CN is User-PC.local
  client.cafile = ca_dir + "mqtt_ca.crt";
  client.user = "user1";
  client.password = "user1-Pw-1";
  std::string why;
  {
    const bool exchanged = mqtt_exchange(client, "seed/localhost", &why);
    INFO(why);
    CHECK(exchanged);
  }

  // Python's ssl matches the host name against subjectAltName only.
  const std::string python =
      "import socket, ssl, sys\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[1])\n"
      "ctx.minimum_version = ssl.TLSVersion.TLSv1_2\n"
      "for name in ('localhost', 'User-PC.local'):\n"
      "    with socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=5) as raw:\n"
      "        with ctx.wrap_socket(raw, server_hostname=name) as tls:\n"
      "            print(name, tls.version())\n";
  ProcessResult py = run_process({"python3", "-c", python, ca_dir + "mqtt_ca.crt", std::to_string(port)},
                                 {}, 20);
  INFO(describe(py));
  CHECK(py.exit_code == 0);
  CHECK(py.out.find("localhost TLSv1.") != std::string::npos);
  CHECK(py.out.find("User-PC.local TLSv1.") != std::string::npos);
}
