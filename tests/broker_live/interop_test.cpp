// Issue 4: password files both ways. A file written by mosquitto_passwd is
// adopted byte for byte; a legacy $6$ line, made here from the documented
// format (base64(sha512(password || salt)), 12-byte salt), verifies in the
// broker and in mosq-reconcile alike.
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/broker.h"
#include "support/plan_json.h"

using namespace mosq::test;
using namespace mosq::test::live;

namespace {

using Env = std::map<std::string, std::string>;

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                          static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

// "$6$<base64 salt>$<base64 sha512(password || salt)>", as mosquitto_passwd
// -H sha512 wrote it and as Mosquitto 2.0 still reads it.
std::string legacy_sha512_hash(const std::string& password, const std::string& salt) {
  REQUIRE(salt.size() == 12);
  const std::string input = password + salt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha512(), nullptr) == 1);
  REQUIRE(length == 64);
  return "$6$" + base64(reinterpret_cast<const unsigned char*>(salt.data()), salt.size()) + "$" +
         base64(digest, length);
}

// Replaces a file's content, keeping the owner and mode the tool gave it,
// so that only the content decides the plan.
void replace_content(const std::string& path, const std::string& content) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  write_file(path, content, st.st_mode & 07777);
  REQUIRE(::chown(path.c_str(), st.st_uid, st.st_gid) == 0);
}

Client plain_client(int port, const std::string& user, const std::string& password) {
  Client c;
  c.port = port;
  c.host = "127.0.0.1";
  c.user = user;
  c.password = password;
  return c;
}

bool refused(const Client& client) {
  ProcessResult r = mqtt_publish(client, "interop/refused", "x");
  return r.exit_code != 0 && r.err.find("not authorised") != std::string::npos;
}

}  // namespace

TEST_CASE("interop: a password file written by mosquitto_passwd is adopted byte for byte",
          "[broker]") {
  Site site;
  const int port = free_port();
  const Env env{{"USER1_PW", "user1-Pw-1"}};
  write_file(site.path("run/secrets/sensor-7"), "sensor-7-Pw-2\n", 0600);
  site.write_spec(spec_head() + "listeners:\n" + plain_listener(port) +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n"
                  "  - name: sensor-7\n"
                  "    password_file: @/run/secrets/sensor-7\n");
  ProcessResult first = site.tool({}, env);
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  const std::string pwfile = site.path("etc/mosquitto/mqttpass");
  const std::string ours = read_file(pwfile);

  // The same users and passwords, by mosquitto_passwd (2.0: $7$, new salts).
  const std::string theirs_path = site.path("mosquitto_passwd.txt");
  for (const auto& [user, pw] : {std::pair<std::string, std::string>{"user1", "user1-Pw-1"},
                                 {"sensor-7", "sensor-7-Pw-2"}}) {
    std::vector<std::string> argv{"mosquitto_passwd", "-b"};
    if (user == "user1") argv.push_back("-c");
    argv.insert(argv.end(), {theirs_path, user, pw});
    ProcessResult r = run_process(argv);
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
  }
  const std::string theirs = read_file(theirs_path);
  REQUIRE(theirs != ours);
  REQUIRE(theirs.find("user1:$7$101$") == 0);
  replace_content(pwfile, theirs);

  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("No changes.") != std::string::npos);
  ProcessResult again = site.tool({}, env);
  INFO(describe(again));
  CHECK(again.exit_code == 0);
  CHECK(read_file(pwfile) == theirs);

  Broker broker(site.broker_dir(), site.conf_d(), {port});
  std::string why;
  {
    const bool exchanged = mqtt_exchange(plain_client(port, "user1", "user1-Pw-1"), "interop/user1", &why);
    INFO(why);
    CHECK(exchanged);
  }
  {
    const bool exchanged = mqtt_exchange(plain_client(port, "sensor-7", "sensor-7-Pw-2"), "interop/sensor", &why);
    INFO(why);
    CHECK(exchanged);
  }
  CHECK(refused(plain_client(port, "user1", "user1-Pw-X")));
}

TEST_CASE("interop: a legacy $6$ line verifies in the broker and in mosq-reconcile alike",
          "[broker]") {
  Site site;
  const int port = free_port();
  const std::string legacy_line = "legacy:" + legacy_sha512_hash("legacy-Pw-6", "0123456789ab") + "\n";
  const std::string spec_hash = legacy_sha512_hash("hashed-Pw-6", "salt-12-byte");
  site.write_spec(spec_head() + "listeners:\n" + plain_listener(port) +
                  "users:\n"
                  "  - name: legacy\n"
                  "    password_env: LEGACY_PW\n"
                  "  - name: hashed\n"
                  "    password_hash: \"" + spec_hash + "\"\n");
  // First make the tree (config, password file, owners), then put the
  // hand-made $6$ line in the password file in place of ours.
  const Env env{{"LEGACY_PW", "legacy-Pw-6"}};
  ProcessResult first = site.tool({}, env);
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  const std::string pwfile = site.path("etc/mosquitto/mqttpass");
  const std::string ours = read_file(pwfile);
  // The spec's $6$ hash is written as given.
  CHECK(ours.find("hashed:" + spec_hash + "\n") != std::string::npos);
  std::string hand_made = legacy_line;
  {
    std::string rest = ours;
    auto at = rest.find("legacy:");
    REQUIRE(at != std::string::npos);
    rest.erase(at, rest.find('\n', at) + 1 - at);
    hand_made += rest;
  }
  replace_content(pwfile, hand_made);

  SECTION("mosq-reconcile verifies it: the right password keeps the line, a wrong one replaces it") {
    ProcessResult keep = site.tool({"--plan", "--json"}, env);
    INFO(describe(keep));
    CHECK(keep.exit_code == 0);
    auto json = nlohmann::json::parse(keep.out);
    CHECK(change_of(json, "password_file") == nullptr);
    ProcessResult wrong = site.tool({"--plan"}, {{"LEGACY_PW", "not-the-password"}});
    INFO(describe(wrong));
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.out.find("legacy: password changed") != std::string::npos);
  }
  SECTION("the broker verifies it, and apply keeps it byte for byte") {
    ProcessResult applied = site.tool({}, env);
    INFO(describe(applied));
    REQUIRE(applied.exit_code == 0);
    CHECK(read_file(pwfile) == hand_made);
    ProcessResult plan = site.tool({"--plan"}, env);
    INFO(describe(plan));
    CHECK(plan.exit_code == 0);

    Broker broker(site.broker_dir(), site.conf_d(), {port});
    std::string why;
    {
      const bool exchanged = mqtt_exchange(plain_client(port, "legacy", "legacy-Pw-6"), "interop/legacy", &why);
      INFO(why);
      CHECK(exchanged);
    }
    CHECK(refused(plain_client(port, "legacy", "legacy-Pw-7")));
    {
      const bool exchanged = mqtt_exchange(plain_client(port, "hashed", "hashed-Pw-6"), "interop/hashed", &why);
      INFO(why);
      CHECK(exchanged);
    }
    CHECK(refused(plain_client(port, "hashed", "legacy-Pw-6")));
    INFO(broker.log());
    CHECK(broker.log().find("removing entry") == std::string::npos);
  }
}

TEST_CASE("interop: a hash whose last base64 digit has non-zero unused bits is kept, as the broker keeps it",
          "[broker]") {
  Site site;
  const int port = free_port();
  site.write_spec(spec_head() + "  unlisted_users: keep\n" + "listeners:\n" + plain_listener(port) +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n");
  const Env env{{"USER1_PW", "user1-Pw-1"}};
  ProcessResult first = site.tool({}, env);
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  const std::string pwfile = site.path("etc/mosquitto/mqttpass");

  // A user the spec does not list, made by mosquitto_passwd, then its hash's
  // last digit before "==" bumped by one: the low 4 bits are unused, so the
  // bytes stay the same ("...w==" -> "...x==").
  const std::string made = site.path("made.txt");
  ProcessResult passwd = run_process({"mosquitto_passwd", "-b", "-c", made, "kept", "kept-Pw-9"});
  INFO(describe(passwd));
  REQUIRE(passwd.exit_code == 0);
  std::string line = read_file(made);
  REQUIRE(line.size() > 4);
  REQUIRE(line.compare(line.size() - 3, 3, "==\n") == 0);
  char& last = line[line.size() - 4];
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto value = alphabet.find(last);
  REQUIRE(value != std::string::npos);
  REQUIRE((value & 0x0f) == 0);  // canonical: unused bits are zero
  last = alphabet[value | 0x01];
  const std::string hand_made = read_file(pwfile) + line;
  replace_content(pwfile, hand_made);

  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 0);  // not "not valid base64", not dropped
  ProcessResult applied = site.tool({}, env);
  INFO(describe(applied));
  CHECK(applied.exit_code == 0);
  CHECK(read_file(pwfile) == hand_made);

  Broker broker(site.broker_dir(), site.conf_d(), {port});
  std::string why;
  const bool exchanged = mqtt_exchange(plain_client(port, "kept", "kept-Pw-9"), "interop/kept", &why);
  INFO(why);
  INFO(broker.log());
  CHECK(exchanged);
  CHECK(refused(plain_client(port, "kept", "kept-Pw-8")));
  CHECK(broker.log().find("removing entry") == std::string::npos);
}
