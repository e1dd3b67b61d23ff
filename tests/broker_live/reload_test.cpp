// Issue 4: a running broker learns of changes. SIGHUP through
// reload.pid_file for passwords, users and a renewed server certificate
// (same PID); a changed listener port needs a restart: restart_command, or a
// pending restart the next --plan keeps showing until the broker restarts.
#include <catch2/catch.hpp>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/broker.h"
#include "support/text.h"

using namespace mosq::test;
using namespace mosq::test::live;

namespace {

const std::string k_config_rel = "etc/mosquitto/conf.d/mosq-reconcile.conf";

std::string users_yaml(const std::vector<std::string>& env_users) {
  std::string text = "users:\n";
  for (const auto& name : env_users) {
    std::string var = name;
    for (auto& ch : var) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
    text += "  - name: " + name + "\n    password_env: " + var + "_PW\n";
  }
  return text;
}

ProcessResult apply_spec(const Site& site, const std::map<std::string, std::string>& env,
                    std::vector<std::string> args = {}) {
  ProcessResult r = site.tool(args, env);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  return r;
}

Client tls_client(const Site& site, int port, const std::string& user, const std::string& pw) {
  Client c;
  c.port = port;
  c.cafile = site.path("etc/mosquitto/certs/ca.crt");
  c.user = user;
  c.password = pw;
  return c;
}

bool refused(const Client& client) {
  ProcessResult r = mqtt_publish(client, "reload/refused", "x");
  return r.exit_code != 0 && contains(r.err, "not authorised");
}

// Where Broker::write_restart_script() records the pids it stopped.
std::string broker_marker(const Site& site) { return site.broker_dir() + "/restarted"; }

bool accepted(const Client& client, const std::string& topic) {
  return mqtt_exchange(client, topic);
}

}  // namespace

TEST_CASE("live reload: a changed password is accepted by the running broker and the old one "
          "refused (same PID)",
          "[broker]") {
  Site site;
  const int port = free_port();
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(port) + users_yaml({"user1"}) +
                  ec_tls_section());
  apply_spec(site, {{"USER1_PW", "first-Password-1"}});
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  const pid_t pid = broker.pid();
  std::string why;
  REQUIRE(mqtt_exchange(tls_client(site, port, "user1", "first-Password-1"), "reload/pw1", &why));

  const std::map<std::string, std::string> env{{"USER1_PW", "second-Password-2"}};
  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "user1: password changed"));
  CHECK(contains(plan.out, "reload (SIGHUP)"));
  CHECK_FALSE(contains(plan.out, "restart required"));
  ProcessResult applied = apply_spec(site, env);
  CHECK(contains(applied.out, "sent SIGHUP to the broker (pid " + std::to_string(pid) + ")"));

  // SIGHUP is handled in the broker's loop: poll for the new password.
  CHECK(eventually([&] {
    return accepted(tls_client(site, port, "user1", "second-Password-2"), "reload/pw2");
  }));
  CHECK(refused(tls_client(site, port, "user1", "first-Password-1")));
  CHECK(broker.pid() == pid);
  CHECK(broker.running());
  CHECK(read_file(broker.pid_file()).find(std::to_string(pid)) == 0);
  INFO(broker.log());
  CHECK(contains(broker.log(), "Reloading config."));
  CHECK(site.tool({"--plan"}, env).exit_code == 0);
}

TEST_CASE("live reload: an added user gets in and a removed one is refused (same PID)",
          "[broker]") {
  Site site;
  const int port = free_port();
  const std::map<std::string, std::string> env{
      {"USER1_PW", "user1-Pw-1"}, {"USER2_PW", "user2-Pw-2"}, {"USER3_PW", "user3-Pw-3"}};
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(port) +
                  users_yaml({"user1", "user2"}) + ec_tls_section());
  apply_spec(site, env);
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  const pid_t pid = broker.pid();
  REQUIRE(accepted(tls_client(site, port, "user2", "user2-Pw-2"), "users/user2-before"));
  REQUIRE(refused(tls_client(site, port, "user3", "user3-Pw-3")));

  // user3 added; user2 no longer listed (unlisted_users defaults to remove).
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(port) +
                  users_yaml({"user1", "user3"}) + ec_tls_section());
  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "+ user user3"));
  CHECK(contains(plan.out, "- user user2"));
  apply_spec(site, env);

  CHECK(eventually([&] { return accepted(tls_client(site, port, "user3", "user3-Pw-3"), "users/user3"); }));
  CHECK(refused(tls_client(site, port, "user2", "user2-Pw-2")));
  CHECK(accepted(tls_client(site, port, "user1", "user1-Pw-1"), "users/user1-after"));
  CHECK(broker.pid() == pid);
  CHECK(broker.running());
}

TEST_CASE("live reload: a renewed server certificate is served to new connections (same PID)",
          "[broker]") {
  Site site;
  const int port = free_port();
  const std::map<std::string, std::string> env{{"USER1_PW", "user1-Pw-1"}};
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(port) + users_yaml({"user1"}) +
                  ec_tls_section());
  // Issued 800 days ago (validity 825, renew_before_days 30): valid today,
  // 25 days left, so inside the renew window now. (Applying with --now in
  // the future instead would issue the new certificate as of that date: one
  // not valid yet, which verifying clients refuse.)
  apply_spec(site, env, {"--now", date_in_days(-800)});
  const std::string cert = site.path("etc/mosquitto/certs/server.crt");
  const std::string old_serial = file_serial(cert);
  Broker broker(site.broker_dir(), site.conf_d(), {port});
  const pid_t pid = broker.pid();
  REQUIRE(served_serial(port) == old_serial);
  std::string why;
  REQUIRE(mqtt_exchange(tls_client(site, port, "user1", "user1-Pw-1"), "cert/before", &why));

  ProcessResult plan = site.tool({"--plan", "--json"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  auto json = nlohmann::json::parse(plan.out);
  bool renewing = false;
  for (const auto& c : json["changes"]) {
    if (c["resource"] == "server_certificate") renewing = c["action"] != "no-op";
    CHECK(c["resource"] != "ca_certificate");  // renewal of the leaf only
    CHECK(c["resource"] != "server_key");       // same key
  }
  CHECK(renewing);
  CHECK(json["broker"]["reload"] == true);
  CHECK(json["broker"]["restart_required"] == false);
  apply_spec(site, env);
  const std::string new_serial = file_serial(cert);
  REQUIRE(new_serial != old_serial);

  CHECK(eventually([&] { return served_serial(port) == new_serial; }));
  // A client holding the same CA file verifies the renewed certificate.
  {
    const bool exchanged = mqtt_exchange(tls_client(site, port, "user1", "user1-Pw-1"), "cert/after", &why);
    INFO(why);
    CHECK(exchanged);
  }
  CHECK(broker.pid() == pid);
  CHECK(broker.running());
  CHECK(site.tool({"--plan"}, env).exit_code == 0);
}

TEST_CASE("a changed listener port: restart required and restart_command runs", "[broker]") {
  Site site;
  const int old_port = free_port();
  const int new_port = free_port();
  const int plain_port = free_port();
  const std::map<std::string, std::string> env{{"USER1_PW", "user1-Pw-1"}};
  auto spec = [&](int tls_port, const std::string& restart_command) {
    return spec_head(restart_command.empty() ? "" : "    restart_command: " + restart_command + "\n") +
           "listeners:\n" + tls_listener(tls_port) + plain_listener(plain_port) +
           users_yaml({"user1"}) + ec_tls_section();
  };
  site.write_spec(spec(old_port, ""));
  apply_spec(site, env);
  Broker broker(site.broker_dir(), site.conf_d(), {old_port, plain_port});
  const pid_t old_pid = broker.pid();
  const std::string script = broker.write_restart_script();

  site.write_spec(spec(new_port, script));
  ProcessResult plan = site.tool({"--plan"}, env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "restart required"));
  CHECK(contains(plan.out, std::to_string(new_port)));
  ProcessResult applied = apply_spec(site, env);
  CHECK(contains(applied.out, "restarted the broker (" + script + ")"));
  CHECK_FALSE(contains(applied.out, "sent SIGHUP"));
  // The script ran: it recorded the pid it stopped.
  REQUIRE(file_exists(broker_marker(site)));
  CHECK(read_file(broker_marker(site)) == std::to_string(old_pid) + "\n");

  broker.adopt_restart({new_port, plain_port});
  CHECK(broker.pid() != old_pid);
  CHECK_FALSE(port_accepts(old_port));
  CHECK(accepted(tls_client(site, new_port, "user1", "user1-Pw-1"), "port/new"));
  ProcessResult after = site.tool({"--plan"}, env);
  INFO(describe(after));
  CHECK(after.exit_code == 0);

  // The daemonised broker is the one the pid file names now: the next
  // change reloads it (and nothing it inherited holds the tool's lock).
  const std::map<std::string, std::string> env2{{"USER1_PW", "user1-Pw-2"}};
  ProcessResult reloaded = apply_spec(site, env2);
  CHECK(contains(reloaded.out, "sent SIGHUP to the broker (pid " + std::to_string(broker.pid()) + ")"));
  CHECK(eventually([&] { return accepted(tls_client(site, new_port, "user1", "user1-Pw-2"), "port/hup"); }));
}

TEST_CASE("a changed listener port without restart_command: apply warns and the plan shows the "
          "pending restart until the broker has restarted",
          "[broker]") {
  Site site;
  const int old_port = free_port();
  const int new_port = free_port();
  const std::map<std::string, std::string> env{{"USER1_PW", "user1-Pw-1"}};
  site.write_spec(spec_head() + "listeners:\n" + tls_listener(old_port) + users_yaml({"user1"}) +
                  ec_tls_section());
  apply_spec(site, env);
  Broker broker(site.broker_dir(), site.conf_d(), {old_port});
  const pid_t pid = broker.pid();

  site.write_spec(spec_head() + "listeners:\n" + tls_listener(new_port) + users_yaml({"user1"}) +
                  ec_tls_section());
  ProcessResult applied = apply_spec(site, env);
  CHECK(contains(applied.err, "Warning: restart required"));
  CHECK(contains(read_file(site.path(k_config_rel)), "listener " + std::to_string(new_port)));
  // SIGHUP does not move a listener: the broker still runs the old port.
  CHECK(broker.pid() == pid);
  CHECK(port_listening(old_port));
  CHECK_FALSE(port_accepts(new_port));

  REQUIRE(file_exists(site.state_file()));
  auto state = nlohmann::json::parse(read_file(site.state_file()));
  INFO(state.dump(2));
  REQUIRE(state.contains("pending_restart"));
  const std::int64_t since = state["pending_restart"]["since"].get<std::int64_t>();

  auto plan_pending = [&] {
    ProcessResult plan = site.tool({"--plan", "--json"}, env);
    INFO(describe(plan));
    REQUIRE(plan.exit_code != 1);
    auto json = nlohmann::json::parse(plan.out);
    bool pending = !json["broker"]["restart_pending"].empty();
    CHECK((plan.exit_code == 2) == pending);
    return pending;
  };
  CHECK(plan_pending());
  ProcessResult text_plan = site.tool({"--plan"}, env);
  INFO(describe(text_plan));
  CHECK(text_plan.exit_code == 2);
  CHECK(contains(text_plan.out, "restart"));

  // A reload in between (a new password, SIGHUP) is not a restart.
  const std::map<std::string, std::string> env2{{"USER1_PW", "user1-Pw-2"}};
  apply_spec(site, env2);
  CHECK(eventually([&] { return accepted(tls_client(site, old_port, "user1", "user1-Pw-2"), "port/hup"); }));
  CHECK(broker.pid() == pid);
  {
    ProcessResult plan = site.tool({"--plan"}, env2);
    INFO(describe(plan));
    CHECK(plan.exit_code == 2);
  }

  // Restart right away: the tool compares the process start time from /proc
  // (clock ticks since boot) with the boot-clock time it recorded, so even
  // a restart in the same second as the apply is seen.
  (void)since;
  broker.restart(std::vector<int>{new_port});
  CHECK(broker.pid() != pid);
  ProcessResult after = site.tool({"--plan"}, env2);
  INFO(describe(after));
  CHECK(after.exit_code == 0);
  CHECK(accepted(tls_client(site, new_port, "user1", "user1-Pw-2"), "port/restarted"));
}
