// Issue 4: the real Mosquitto broker started from the files mosq-reconcile
// generated, talked to with mosquitto_pub / mosquitto_sub: startup as the
// mosquitto user, users and passwords, TLS minimum versions, client
// certificates.
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "support/broker.h"

using namespace mosq::test;
using namespace mosq::test::live;

namespace {

const std::string k_user1_pw = "user1-Secret-1";
const std::string k_sensor_pw = "sensor-7-Secret-2";

std::map<std::string, std::string> secrets_env() { return {{"USER1_PW", k_user1_pw}}; }

struct stat stat_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st;
}

uid_t mosquitto_uid() {
  const passwd* pw = ::getpwnam("mosquitto");
  REQUIRE(pw != nullptr);
  return pw->pw_uid;
}

// The real (first) uid of a running process, from /proc/<pid>/status.
uid_t process_uid(pid_t pid) {
  std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Uid:", 0) == 0) return static_cast<uid_t>(std::stoul(line.substr(4)));
  }
  FAIL("no Uid line for pid " << pid);
  return 0;
}

// The log lines that look like trouble.
std::string troubling_lines(const std::string& log) {
  std::istringstream in(log);
  std::string line, found;
  while (std::getline(in, line)) {
    std::string lower = line;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const char* word :
         {"warning", "error", "unable", "denied", "deprecated", "unsupported", "invalid"}) {
      if (lower.find(word) != std::string::npos) {
        found += line + "\n";
        break;
      }
    }
  }
  return found;
}

void apply_ok(const Site& site, const std::map<std::string, std::string>& env) {
  ProcessResult r = site.tool({}, env);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("the broker starts as the mosquitto user from the generated files and logs no warning",
          "[broker]") {
  Site site;
  const int tls_port = free_port();
  const int plain_port = free_port();
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(tls_port) +
                  plain_listener(plain_port) +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n" +
                  ec_tls_section());
  ProcessResult plan = site.tool({"--plan"}, secrets_env());
  INFO(describe(plan));
  REQUIRE(plan.exit_code == 2);
  CHECK(plan.out.find("Warning") == std::string::npos);
  CHECK(plan.err.find("Warning") == std::string::npos);
  apply_ok(site, secrets_env());
  ProcessResult again = site.tool({"--plan"}, secrets_env());
  INFO(describe(again));
  REQUIRE(again.exit_code == 0);

  // A root-run apply gives the broker's user what it must read. (Tests run
  // as root, as in CI; as another user there is no privilege drop to test.)
  const bool root = ::geteuid() == 0;
  if (!root) WARN("not root: the owner and privilege-drop checks are left out");
  const uid_t broker_uid = mosquitto_uid();
  if (root) {
    for (const char* secret : {"etc/mosquitto/mqttpass", "etc/mosquitto/certs/server.key"}) {
      INFO(secret);
      struct stat st = stat_of(site.path(secret));
      CHECK(st.st_uid == broker_uid);
      CHECK((st.st_mode & 07777) == 0640);
    }
  }
  CHECK((stat_of(site.path("etc/mosquitto/certs/ca.key")).st_mode & 07777) == 0600);

  Broker broker(site.broker_dir(), site.conf_d(), {tls_port, plain_port});
  // Started as root, it dropped to mosquitto before reading the password
  // file and the key (both read again at SIGHUP, as that user).
  if (root) CHECK(process_uid(broker.pid()) == broker_uid);
  const std::string log = broker.log();
  INFO("broker log:\n" << log);
  CHECK(log.find("Loading config file " + site.path("etc/mosquitto/conf.d/mosq-reconcile.conf")) !=
        std::string::npos);
  CHECK(log.find("Opening ipv4 listen socket on port " + std::to_string(tls_port)) !=
        std::string::npos);
  CHECK(log.find("Opening ipv4 listen socket on port " + std::to_string(plain_port)) !=
        std::string::npos);
  CHECK(troubling_lines(log).empty());

  // It really read them: a TLS client that checks the host name gets in.
  Client client;
  client.port = tls_port;
  client.cafile = site.path("etc/mosquitto/certs/ca.crt");
  client.user = "user1";
  client.password = k_user1_pw;
  std::string why;
  {
    const bool exchanged = mqtt_exchange(client, "start/check", &why);
    INFO(why);
    CHECK(exchanged);
  }
  const std::string later = broker.log();
  INFO("broker log after the exchange:\n" << later);
  CHECK(troubling_lines(later).empty());
}

TEST_CASE("listed users exchange messages over TLS and plain while wrong or unknown or absent or "
          "anonymous clients are refused",
          "[broker]") {
  Site site;
  const int tls_port = free_port();
  const int plain_port = free_port();
  // olduser was there before the spec said state: absent.
  const std::string pwfile = site.path("etc/mosquitto/mqttpass");
  make_dirs(site.path("etc/mosquitto"));
  ProcessResult seeded =
      run_process({"mosquitto_passwd", "-b", "-c", pwfile, "olduser", "olduser-Secret-3"});
  INFO(describe(seeded));
  REQUIRE(seeded.exit_code == 0);
  write_file(site.path("run/secrets/sensor-7"), k_sensor_pw + "\n", 0600);
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(tls_port) +
                  plain_listener(plain_port) +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n"
                  "  - name: sensor-7\n"
                  "    password_file: @/run/secrets/sensor-7\n"
                  "  - name: olduser\n"
                  "    state: absent\n" +
                  ec_tls_section());
  apply_ok(site, secrets_env());
  CHECK(read_file(pwfile).find("olduser:") == std::string::npos);
  Broker broker(site.broker_dir(), site.conf_d(), {tls_port, plain_port});

  Client tls;
  tls.port = tls_port;
  tls.cafile = site.path("etc/mosquitto/certs/ca.crt");
  auto as = [](Client c, std::optional<std::string> user, std::optional<std::string> pw) {
    c.user = std::move(user);
    c.password = std::move(pw);
    return c;
  };
  std::string why;

  SECTION("listed users, over TLS with the host name checked against the SAN") {
    {
      const bool exchanged = mqtt_exchange(as(tls, "user1", k_user1_pw), "users/user1", &why);
      INFO(why);
      CHECK(exchanged);
    }
    {
      const bool exchanged = mqtt_exchange(as(tls, "sensor-7", k_sensor_pw), "users/sensor-7", &why);
      INFO(why);
      CHECK(exchanged);
    }
  }
  SECTION("a plain listener on 127.0.0.1 works alongside") {
    Client plain;
    plain.port = plain_port;
    plain.host = "127.0.0.1";
    {
      const bool exchanged = mqtt_exchange(as(plain, "user1", k_user1_pw), "users/plain", &why);
      INFO(why);
      CHECK(exchanged);
    }
    ProcessResult anonymous = mqtt_publish(plain, "users/plain", "x");
    INFO(describe(anonymous));
    CHECK(anonymous.exit_code != 0);
    CHECK(anonymous.err.find("not authorised") != std::string::npos);
  }
  SECTION("refused: wrong password, unknown user, absent user, anonymous") {
    struct Case {
      const char* what;
      std::optional<std::string> user, password;
    };
    for (const Case& c : {Case{"wrong password", "user1", std::string("not-the-password")},
                          Case{"user not in the spec", "mallory", std::string("whatever")},
                          Case{"user marked state: absent", "olduser", std::string("olduser-Secret-3")},
                          Case{"anonymous", std::nullopt, std::nullopt}}) {
      INFO(c.what);
      ProcessResult r = mqtt_publish(as(tls, c.user, c.password), "users/refused", "x");
      INFO(describe(r));
      CHECK(r.exit_code != 0);
      CHECK(r.err.find("not authorised") != std::string::npos);
    }
  }
}

TEST_CASE("tls_version is a minimum: a tlsv1.3 listener refuses a client forced to TLS 1.2 and a "
          "tlsv1.2 one accepts it",
          "[broker]") {
  Site site;
  const int v13_port = free_port();
  const int v12_port = free_port();
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(v13_port, "tlsv1.3") +
                  tls_listener(v12_port, "tlsv1.2") +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n" +
                  ec_tls_section());
  apply_ok(site, secrets_env());
  CHECK(read_file(site.path("etc/mosquitto/conf.d/mosq-reconcile.conf")).find("tls_version tlsv1.3") !=
        std::string::npos);
  Broker broker(site.broker_dir(), site.conf_d(), {v13_port, v12_port});

  // `--tls-version tlsv1.2` alone does not force TLS 1.2: libmosquitto 2.0.11
  // takes it as a minimum too and negotiates TLS 1.3. Capping the client's
  // OpenSSL at TLS 1.2 (MaxProtocol, through OPENSSL_CONF) does.
  const std::string cap = site.path("openssl-max-tls1.2.cnf");
  write_file(cap,
             "openssl_conf = openssl_init\n"
             "[openssl_init]\n"
             "ssl_conf = ssl_sect\n"
             "[ssl_sect]\n"
             "system_default = system_default_sect\n"
             "[system_default_sect]\n"
             "MaxProtocol = TLSv1.2\n");
  Client tls12;
  tls12.cafile = site.path("etc/mosquitto/certs/ca.crt");
  tls12.user = "user1";
  tls12.password = k_user1_pw;
  tls12.tls_version = "tlsv1.2";
  tls12.env = {{"OPENSSL_CONF", cap}};
  std::string why;

  tls12.port = v13_port;
  ProcessResult refused = mqtt_publish(tls12, "tls/v12-on-13", "x");
  INFO(describe(refused));
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("TLS error") != std::string::npos);
  // The broker says why (its log lags the client a little).
  CHECK(eventually([&] { return broker.log().find("unsupported protocol") != std::string::npos; }));
  INFO(broker.log());

  tls12.port = v12_port;
  {
    const bool exchanged = mqtt_exchange(tls12, "tls/v12-on-12", &why);
    INFO(why);
    CHECK(exchanged);
  }

  // The refusal was the version: TLS 1.3 gets through the tlsv1.3 listener.
  Client tls13 = tls12;
  tls13.tls_version = "tlsv1.3";
  tls13.env.clear();
  tls13.port = v13_port;
  {
    const bool exchanged = mqtt_exchange(tls13, "tls/v13-on-13", &why);
    INFO(why);
    CHECK(exchanged);
  }
}

TEST_CASE("require_certificate: a client with a certificate from tls.clients connects and one "
          "without is refused and use_identity_as_username names it by its CN",
          "[broker]") {
  Site site;
  const int identity_port = free_port();  // require_certificate + use_identity_as_username
  const int cert_port = free_port();      // require_certificate only
  site.write_spec(spec_head() + "listeners:\n" +
                  tls_listener(identity_port, "tlsv1.2",
                               "    require_certificate: true\n"
                               "    use_identity_as_username: true\n") +
                  tls_listener(cert_port, "tlsv1.2", "    require_certificate: true\n") +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n" +
                  ec_tls_section("  clients:\n"
                                 "    - name: device-1\n"
                                 "      key_type: ec-p256\n"));
  apply_ok(site, secrets_env());
  const std::string certs = site.path("etc/mosquitto/certs/");
  REQUIRE(file_exists(certs + "device-1.crt"));
  REQUIRE(file_exists(certs + "device-1.key"));
  Broker broker(site.broker_dir(), site.conf_d(), {identity_port, cert_port});

  Client with_cert;
  with_cert.cafile = certs + "ca.crt";
  with_cert.cert = certs + "device-1.crt";
  with_cert.key = certs + "device-1.key";
  Client without_cert;
  without_cert.cafile = certs + "ca.crt";
  without_cert.user = "user1";
  without_cert.password = k_user1_pw;
  std::string why;

  SECTION("use_identity_as_username: the certificate alone logs in, as its CN") {
    with_cert.port = identity_port;
    with_cert.client_id = "identity-check";
    {
      const bool exchanged = mqtt_exchange(with_cert, "certs/identity", &why);
      INFO(why);
      CHECK(exchanged);
    }
    CHECK(eventually([&] {
      return broker.log().find("as identity-check (p2, c1, k60, u'device-1')") != std::string::npos;
    }));
    INFO(broker.log());
  }
  SECTION("a client without a certificate is refused by both listeners") {
    for (int port : {identity_port, cert_port}) {
      without_cert.port = port;
      ProcessResult r = mqtt_publish(without_cert, "certs/none", "x");
      INFO("port " << port << "\n" << describe(r));
      CHECK(r.exit_code != 0);
    }
  }
  SECTION("without use_identity_as_username the certificate is not a login") {
    with_cert.port = cert_port;
    ProcessResult anonymous = mqtt_publish(with_cert, "certs/anonymous", "x");
    INFO(describe(anonymous));
    CHECK(anonymous.exit_code != 0);
    CHECK(anonymous.err.find("not authorised") != std::string::npos);
    with_cert.user = "user1";
    with_cert.password = k_user1_pw;
    {
      const bool exchanged = mqtt_exchange(with_cert, "certs/password", &why);
      INFO(why);
      CHECK(exchanged);
    }
  }
}

TEST_CASE("a directory the mosquitto user cannot enter: the plan warns and the broker indeed "
          "fails with Permission denied",
          "[broker]") {
  Site site;
  const int port = free_port();
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(port) +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n" +
                  ec_tls_section());
  if (::geteuid() != 0) {
    WARN("not root: the broker would not drop to the mosquitto user; nothing to test");
    return;
  }
  apply_ok(site, secrets_env());
  const std::string certs = site.path("etc/mosquitto/certs");
  REQUIRE(::chmod(certs.c_str(), 0700) == 0);  // root's only

  ProcessResult plan = site.tool({"--plan"}, secrets_env());
  INFO(describe(plan));
  // Warnings go to stderr (a cron job's stdout may be thrown away).
  CHECK(plan.err.find("cannot enter " + certs) != std::string::npos);
  CHECK(plan.err.find("cannot read " + certs + "/server.key") != std::string::npos);
  try {
    Broker broker(site.broker_dir(), site.conf_d(), {port});
    FAIL("mosquitto started without access to " << certs << ":\n" << broker.log());
  } catch (const BrokerStartError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("Permission denied") != std::string::npos);
  }
}

TEST_CASE("test support: brokers are stopped by PID and temp trees removed, a daemonised "
          "restarted broker included",
          "[broker]") {
  std::string dir;
  pid_t first = -1, second = -1;
  const int port = free_port();
  {
    Site site;
    dir = site.dir();
    site.write_spec(spec_head() + "listeners:\n" + plain_listener(port));
    apply_ok(site, {});
    Broker broker(site.broker_dir(), site.conf_d(), {port});
    first = broker.pid();
    // What restart_command runs, by hand: the broker comes back daemonised.
    ProcessResult restart = run_process({broker.write_restart_script()}, {}, 20);
    INFO(describe(restart));
    REQUIRE(restart.exit_code == 0);
    broker.adopt_restart({port});
    second = broker.pid();
    REQUIRE(second != first);
    REQUIRE(port_listening(port));
  }
  for (pid_t pid : {first, second}) {
    INFO("pid " << pid);
    CHECK(::kill(pid, 0) != 0);  // gone and reaped (a zombie would still answer)
  }
  CHECK_FALSE(port_listening(port));
  CHECK_FALSE(file_exists(dir));
}
