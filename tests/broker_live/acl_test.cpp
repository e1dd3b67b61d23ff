// Issue 11: topic access control against the real broker (Debian 12's
// mosquitto 2.0.11). A message is proved NOT delivered by publishing it,
// then a permitted sentinel in the same order, and waiting for the
// sentinel: everything before it has been routed (QoS 1 publishes wait for
// their PUBACK, and one subscriber connection delivers in order).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <sstream>
#include <fstream>
#include <signal.h>
#include <thread>

#include "support/broker.h"
#include "support/mqtt_session.h"
#include "support/text.h"

using namespace mosq::test;
using namespace mosq::test::live;

namespace {

const std::string k_acl_rel = "etc/mosquitto/acl";

// version, broker (plain listeners only: no TLS section), the ACL file,
// the reload hook by pid file.
std::string acl_head(bool allow_anonymous = false) {
  return std::string("version: 1\n") +
         "broker:\n"
         "  config_file: @/etc/mosquitto/conf.d/mosq-reconcile.conf\n"
         "  password_file: @/etc/mosquitto/mqttpass\n"
         "  acl_file: @/" + k_acl_rel + "\n" +
         "  allow_anonymous: " + (allow_anonymous ? "true" : "false") + "\n" +
         "  reload:\n"
         "    pid_file: @/broker/mosquitto.pid\n";
}

// A user with password_env <NAME>_PW and the given acl: items.
std::string user(const std::string& name, const std::vector<std::string>& rules) {
  std::string var;
  for (char ch : name) var += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string text = "  - name: " + name + "\n    password_env: " + var + "_PW\n    acl:\n";
  if (rules.empty()) return text.substr(0, text.size() - 1) + " []\n";
  for (const auto& rule : rules) text += "      - " + rule + "\n";
  return text;
}

std::string rule(const std::string& topic, const std::string& access) {
  return "{ topic: \"" + topic + "\", access: " + access + " }";
}

std::string password_of(const std::string& name) { return name + "-Secret-1"; }

std::map<std::string, std::string> env_for(const std::vector<std::string>& names) {
  std::map<std::string, std::string> env;
  for (const auto& name : names) {
    std::string var;
    for (char ch : name) var += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    env[var + "_PW"] = password_of(name);
  }
  return env;
}

ProcessResult apply_ok(const Site& site, const std::map<std::string, std::string>& env) {
  ProcessResult r = site.tool({}, env);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  return r;
}

std::unique_ptr<MqttSession> connect(int port, const std::string& name) {
  return std::make_unique<MqttSession>(port, "c-" + name, name, password_of(name));
}

// The topics of messages, in order.
std::vector<std::string> topics(const std::vector<MqttMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.topic);
  return out;
}

using Topics = std::vector<std::string>;

}  // namespace

TEST_CASE("live ACL: a user publishes and receives where granted and nowhere else, and deny beats a broader grant",
          "[broker][acl]") {
  Site site;
  const int port = free_port();
  const std::vector<std::string> names{"sensor-7", "dashboard", "controller"};
  site.write_spec(acl_head() + "listeners:\n" + plain_listener(port) + "users:\n" +
                  user("sensor-7", {rule("sensors/7/#", "write"), rule("sensors/7/cmd", "read")}) +
                  user("dashboard", {rule("sensors/#", "read"), rule("sensors/+/secret", "deny")}) +
                  user("controller", {rule("sensors/#", "write")}));
  apply_ok(site, env_for(names));
  INFO(read_file(site.path(k_acl_rel)));
  Broker broker(site.broker_dir(), site.conf_d(), {port});

  auto sensor = connect(port, "sensor-7");
  auto dashboard = connect(port, "dashboard");
  auto controller = connect(port, "controller");
  dashboard->subscribe({"sensors/#"});
  sensor->subscribe({"sensors/#"});  // accepted (2.0 checks at delivery), but it may read sensors/7/cmd only

  SECTION("a granted publish is delivered to a granted reader") {
    sensor->publish("sensors/7/temp", "21.5");
    CHECK(topics(dashboard->receive_until("sensors/7/temp")) == Topics{"sensors/7/temp"});
  }
  SECTION("a publish outside the user's write rights is not delivered") {
    sensor->publish("sensors/8/temp", "forged");
    sensor->publish("sensors/7/temp", "sentinel");
    CHECK(topics(dashboard->receive_until("sensors/7/temp")) == Topics{"sensors/7/temp"});
  }
  SECTION("deny beats the broader read grant") {
    sensor->publish("sensors/7/secret", "s3cr3t");  // sensor may write it; dashboard may not read it
    sensor->publish("sensors/7/temp", "sentinel");
    CHECK(topics(dashboard->receive_until("sensors/7/temp")) == Topics{"sensors/7/temp"});
  }
  SECTION("a subscription to a topic the user may not read receives nothing of it") {
    controller->publish("sensors/9/temp", "not for sensor-7");
    controller->publish("sensors/7/temp", "not for sensor-7 either (write only)");
    controller->publish("sensors/7/cmd", "reboot");
    CHECK(topics(sensor->receive_until("sensors/7/cmd")) == Topics{"sensors/7/cmd"});
  }
  CHECK(broker.running());
}

TEST_CASE("live ACL: a %u pattern works for two users and does not let one into the other's tree",
          "[broker][acl]") {
  Site site;
  const int port = free_port();
  site.write_spec(acl_head() + "listeners:\n" + plain_listener(port) + "users:\n" + user("alice", {}) +
                  user("bob", {}) + "acl:\n  patterns:\n    - " + rule("devices/%u/#", "readwrite") + "\n");
  apply_ok(site, env_for({"alice", "bob"}));
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  auto alice = connect(port, "alice");
  auto bob = connect(port, "bob");
  alice->subscribe({"devices/#"});
  bob->subscribe({"devices/#"});

  bob->publish("devices/alice/cmd", "bob writes into alice's tree");  // refused
  bob->publish("devices/bob/state", "bob's own");                      // alice may not read it
  alice->publish("devices/alice/state", "alice's own");
  CHECK(topics(alice->receive_until("devices/alice/state")) == Topics{"devices/alice/state"});
  CHECK(topics(bob->receive_until("devices/bob/state")) == Topics{"devices/bob/state"});
  // bob did not get alice's message either: his next is his own sentinel.
  bob->publish("devices/bob/sentinel", "x");
  CHECK(topics(bob->receive_until("devices/bob/sentinel")) == Topics{"devices/bob/sentinel"});
}

TEST_CASE("live ACL: an anonymous rule works with allow_anonymous: true", "[broker][acl]") {
  Site site;
  const int port = free_port();
  site.write_spec(acl_head(true) + "listeners:\n" + plain_listener(port) + "users:\n" +
                  user("publisher", {rule("public/#", "write"), rule("private/#", "write")}) +
                  "acl:\n  anonymous:\n    - " + rule("public/#", "read") + "\n");
  apply_ok(site, env_for({"publisher"}));
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  MqttSession anonymous(port, "anon-1", std::nullopt, std::nullopt);
  auto publisher = connect(port, "publisher");
  anonymous.subscribe({"public/#", "private/#"});

  publisher->publish("private/x", "not for anonymous clients");
  anonymous.publish("public/y", "anonymous clients may not write");
  publisher->publish("public/z", "for everyone");
  CHECK(topics(anonymous.receive_until("public/z")) == Topics{"public/z"});
}

TEST_CASE("live ACL: a rule change applied with the reload hook is enforced by the same PID", "[broker][acl]") {
  Site site;
  const int port = free_port();
  const auto env = env_for({"sensor-7", "dashboard", "controller"});
  auto spec = [&](const std::string& sensor_topic) {
    return acl_head() + "listeners:\n" + plain_listener(port) + "users:\n" +
           user("sensor-7", {rule(sensor_topic, "write")}) +
           user("dashboard", {rule("sensors/#", "read"), rule("ctl/#", "read")}) +
           user("controller", {rule("ctl/#", "write")});
  };
  site.write_spec(spec("sensors/7/#"));
  apply_ok(site, env);
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  const pid_t pid = broker.pid();
  auto dashboard = connect(port, "dashboard");
  auto controller = connect(port, "controller");  // its rights never change: the sentinel
  auto sensor = connect(port, "sensor-7");
  dashboard->subscribe({"sensors/#", "ctl/#"});
  sensor->publish("sensors/77/x", "refused before the change");
  sensor->publish("sensors/7/x", "allowed before the change");
  controller->publish("ctl/before", "sentinel");
  REQUIRE(topics(dashboard->receive_until("ctl/before")) == Topics{"sensors/7/x", "ctl/before"});

  site.write_spec(spec("sensors/77/#"));
  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "~ acl sensor-7: - write sensors/7/#, + write sensors/77/#"));
  CHECK(contains(plan.out, "reload (SIGHUP)"));
  CHECK_FALSE(contains(plan.out, "restart"));
  ProcessResult applied = apply_ok(site, env);
  CHECK(contains(applied.out, "sent SIGHUP to the broker (pid " + std::to_string(pid) + ")"));

  // SIGHUP is handled in the broker's loop: wait until the new grant works.
  int round = 0;
  CHECK(eventually([&] {
    const std::string n = std::to_string(++round);
    sensor->publish("sensors/77/probe-" + n, "new grant");
    controller->publish("ctl/sentinel-" + n, "sentinel");
    const auto seen = topics(dashboard->receive_until("ctl/sentinel-" + n));
    return seen == Topics{"sensors/77/probe-" + n, "ctl/sentinel-" + n};
  }));
  sensor->publish("sensors/7/x", "refused after the change");
  sensor->publish("sensors/77/y", "allowed after the change");
  controller->publish("ctl/after", "sentinel");
  CHECK(topics(dashboard->receive_until("ctl/after")) == Topics{"sensors/77/y", "ctl/after"});
  CHECK(broker.pid() == pid);
  CHECK(broker.running());
  CHECK(contains(broker.log(), "Reloading config."));
  CHECK(site.tool({"--plan"}, env).exit_code == 0);
}

namespace {

// mallory may write ok/# only, watcher read ok/# only (plus the rule that
// changes): a message on secret/# reaches watcher only if the broker checks
// neither the publish nor the delivery, i.e. when ACL checking is off.
std::string burst_spec(int port, int change) {
  return acl_head() + "listeners:\n" + plain_listener(port) + "users:\n" + user("mallory", {rule("ok/#", "write")}) +
         user("watcher", {rule("ok/#", "read"), rule("changes/" + std::to_string(change), "read")});
}

// Publishes secret/N then ok/N as mallory until stopped, then ok/final.
struct Forger {
  explicit Forger(int port) : session(port, "c-mallory", "mallory", password_of("mallory")) {}
  void run() {
    try {
      for (int n = 0; !stop; ++n) {
        session.publish("secret/" + std::to_string(n), "must never be delivered");
        session.publish("ok/" + std::to_string(n), "sentinel");
        published = n + 1;
      }
      session.publish("ok/final", "last sentinel");
    } catch (const MqttError& e) {
      error = e.what();
    }
  }
  MqttSession session;
  std::string error;  // why run() stopped early, read after join()
  std::atomic<bool> stop{false};
  std::atomic<int> published{0};
};

// burst_spec applied, the broker started, watcher subscribed to everything.
// (Members start in order: the spec is applied before the broker starts.)
struct ForgerSite {
  ForgerSite() { watcher.subscribe({"#"}); }
  static bool applied(const Site& site, int port, const std::map<std::string, std::string>& env) {
    site.write_spec(burst_spec(port, 0));
    apply_ok(site, env);
    return true;
  }
  Site site;
  int port = free_port();
  std::map<std::string, std::string> env = env_for({"mallory", "watcher"});
  bool ready = applied(site, port, env);
  Broker broker{site.broker_dir(), site.conf_d(), {port}};
  MqttSession watcher{port, "c-watcher", "watcher", password_of("watcher")};
};

// The log lines naming `who`, without the per-message PUBLISH/PUBACK ones.
std::string lines_about(const std::string& log, const std::string& who) {
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line)) {
    if (contains(line, who) && !contains(line, "PUBLISH") && !contains(line, "PUBACK")) out += line + "\n";
  }
  return out;
}

std::size_t count_secret(const std::vector<MqttMessage>& messages) {
  return std::count_if(messages.begin(), messages.end(),
                       [](const MqttMessage& m) { return m.topic.rfind("secret/", 0) == 0; });
}

}  // namespace

TEST_CASE("live ACL: during a burst of 50 rule changes with reloads a denied topic never delivers a message",
          "[broker][acl]") {
  ForgerSite t;
  Site& site = t.site;
  const int port = t.port;
  const auto& env = t.env;
  const pid_t pid = t.broker.pid();
  MqttSession& watcher = t.watcher;
  Forger forger(port);
  std::vector<MqttMessage> received;
  std::thread reader([&] {
    try {
      received = watcher.receive_until("ok/final");
    } catch (const MqttError& e) {
      received.push_back({"reader-error", e.what()});
    }
  });
  std::thread publisher([&] { forger.run(); });
  // Whatever ends this test early, the threads are stopped and joined first.
  struct Joiner {
    Forger& forger;
    std::thread& publisher;
    std::thread& reader;
    ~Joiner() {
      forger.stop = true;
      if (publisher.joinable()) publisher.join();
      if (reader.joinable()) reader.join();
    }
  } joiner{forger, publisher, reader};
  REQUIRE(eventually([&] { return forger.published > 0; }));

  int reloads = 0;
  for (int change = 1; change <= 50; ++change) {
    site.write_spec(burst_spec(port, change));
    ProcessResult applied = site.tool({}, env);
    INFO(describe(applied));
    CHECK(applied.exit_code == 0);
    if (contains(applied.out, "sent SIGHUP to the broker (pid " + std::to_string(pid) + ")")) ++reloads;
  }
  const int published_during_burst = forger.published;
  forger.stop = true;
  publisher.join();
  reader.join();

  INFO("forger: " << forger.error);
  INFO("broker log about the forger: " << lines_about(t.broker.log(), "c-mallory"));
  REQUIRE(forger.error.empty());
  CHECK(reloads == 50);
  INFO("pairs published during the burst: " << published_during_burst);
  CHECK(published_during_burst > 50);
  REQUIRE_FALSE(received.empty());
  CHECK(received.back().topic == "ok/final");
  CHECK(count_secret(received) == 0);
  CHECK(t.broker.pid() == pid);
  // The reloads happened (signals may coalesce, so at least one is logged).
  CHECK(contains(t.broker.log(), "Reloading config."));
  // The last change is in force: the ACL file the broker reads is the tool's.
  CHECK(contains(read_file(site.path(k_acl_rel)), "topic read changes/50\n"));
  CHECK(site.tool({"--plan"}, env).exit_code == 0);
}

TEST_CASE("live ACL: the fail-open the guard prevents is real (a hand-broken file at a reload lets a denied "
          "message through) and the next apply repairs it",
          "[broker][acl]") {
  ForgerSite t;
  Site& site = t.site;
  const auto& env = t.env;
  Broker& broker = t.broker;
  MqttSession& watcher = t.watcher;
  MqttSession mallory(t.port, "c-mallory", "mallory", password_of("mallory"));
  mallory.publish("secret/0", "denied");
  mallory.publish("ok/0", "sentinel");
  REQUIRE(topics(watcher.receive_until("ok/0")) == Topics{"ok/0"});

  // What the tool never writes: a line 2.0.11 cannot parse.
  std::ofstream(site.path(k_acl_rel), std::ios::app) << "topic wirte secret/#\n";
  REQUIRE(::kill(broker.pid(), SIGHUP) == 0);
  int round = 0;
  CHECK(eventually([&] {
    const std::string n = std::to_string(++round);
    mallory.publish("secret/" + n, "denied, but ACL checking is off");
    mallory.publish("ok/" + n, "sentinel");
    return count_secret(watcher.receive_until("ok/" + n)) == 1;
  }));

  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "! line 9: invalid topic access type 'wirte' (line dropped; Mosquitto 2.0 loads no ACL "
                           "at all while it is there)"));
  apply_ok(site, env);
  CHECK(eventually([&] {
    const std::string n = std::to_string(++round);
    mallory.publish("secret/" + n, "denied again");
    mallory.publish("ok/" + n, "sentinel");
    return count_secret(watcher.receive_until("ok/" + n)) == 0;
  }));
  CHECK(site.tool({"--plan"}, env).exit_code == 0);
}
