// Adopting a hand-made setup: a tutorial's lines left in the broker's own
// config (here a conf.d file beside the managed snippet) make the real
// broker refuse to start; the tool finds each one first, located, and
// writes nothing until they are deleted.
#include <catch2/catch.hpp>

#include <boost/filesystem.hpp>

#include "support/broker.h"

using namespace mosq::test;
using namespace mosq::test::live;

TEST_CASE("adoption: a tutorial's lines in the broker's config are located errors, as the broker would refuse them",
          "[broker]") {
  Site site;
  const int port = free_port();
  const std::map<std::string, std::string> env{{"USER1_PW", "user1-Secret-1"}};
  site.write_spec(spec_head() + "listeners:\n" + plain_listener(port) +
                  "users:\n"
                  "  - name: user1\n"
                  "    password_env: USER1_PW\n");
  // The hand-made setup: a main config shaped like Debian's, and the lines
  // the tutorial had the user write, in a conf.d file.
  write_file(site.path("broker/main.conf"), "include_dir " + site.conf_d() + "\n", 0644);
  const std::string tutorial = site.conf_d() + "/00-tutorial.conf";
  const std::string tutorial_text = "listener " + std::to_string(port) + " 127.0.0.1\n" +
                                    "password_file " + site.path("etc/mosquitto/passwd") + "\n" +
                                    "allow_anonymous false\n";
  write_file(tutorial, tutorial_text, 0644);

  for (const std::vector<std::string>& args : {std::vector<std::string>{"--plan"}, {}}) {
    ProcessResult r = site.tool(args, env);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(tutorial + ":1:1: `listener " + std::to_string(port) +
                     " 127.0.0.1` is also the managed listener " + std::to_string(port)) != std::string::npos);
    CHECK(r.err.find(tutorial + ":2:1: `password_file " + site.path("etc/mosquitto/passwd") +
                     "` contradicts the managed `password_file " + site.path("etc/mosquitto/mqttpass")) !=
          std::string::npos);
    CHECK(r.err.find(tutorial + ":3:1: `allow_anonymous false` duplicates the managed `allow_anonymous false`") !=
          std::string::npos);
    CHECK_FALSE(boost::filesystem::exists(site.path("etc/mosquitto/conf.d/mosq-reconcile.conf")));
    CHECK_FALSE(boost::filesystem::exists(site.path("etc/mosquitto/mqttpass")));
  }

  // The broker agrees: with the managed files written anyway (the tutorial
  // file moved away for that run) and the tutorial back, it does not start.
  boost::filesystem::rename(tutorial, tutorial + ".away");
  REQUIRE(site.tool({}, env).exit_code == 0);
  boost::filesystem::rename(tutorial + ".away", tutorial);
  try {
    Broker broker(site.broker_dir(), site.conf_d(), {port});
    FAIL("mosquitto started with the tutorial's lines beside the managed config:\n" << broker.log());
  } catch (const BrokerStartError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("Duplicate password_file value") != std::string::npos);
  }

  // The operator deletes the lines the tool named: it is in sync, and the
  // broker starts and lets user1 in.
  write_file(tutorial, "# emptied: mosq-reconcile manages these settings\n", 0644);
  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 0);
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  Client client;
  client.port = port;
  client.user = "user1";
  client.password = "user1-Secret-1";
  std::string why;
  const bool exchanged = mqtt_exchange(client, "adoption/check", &why);
  INFO(why);
  CHECK(exchanged);
}
