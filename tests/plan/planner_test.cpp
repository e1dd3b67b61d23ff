// plan() over hand-built states: the password file, the broker config,
// modes and owners, and what the running broker must do.
#include <algorithm>
#include <catch2/catch.hpp>

#include "plan/planner.h"
#include "support/plan_fixture.h"

using namespace mosq;
using namespace mosq::test;
using plan::Action;
using plan::ResourceKind;
using Kind = plan::UserChange::Kind;

namespace {

// The change's entry for user; REQUIREs that there is one.
const plan::UserChange& user_entry(const plan::Change& change, const std::string& user) {
  const auto entry = std::find_if(change.as<mosq::plan::PasswordFileDetails>().users.begin(), change.as<mosq::plan::PasswordFileDetails>().users.end(),
                                  [&](const plan::UserChange& u) { return u.user == user; });
  INFO("no entry for user " << user);
  REQUIRE(entry != change.as<mosq::plan::PasswordFileDetails>().users.end());
  return *entry;
}

}  // namespace

TEST_CASE("a disk in sync with the spec plans nothing", "[plan]") {
  auto spec = example_spec();
  auto plan = plan_for(spec, in_sync(spec));
  CHECK_FALSE(plan.has_changes());
  for (const auto& change : plan.changes) {
    INFO(change.name() << ": " << (change.reasons.empty() ? "" : change.reasons.front()));
    CHECK(change.action == Action::no_op);
  }
  CHECK_FALSE(plan.reload_needed);
  CHECK_FALSE(plan.restart_required());
  CHECK(plan.warnings.empty());
}

TEST_CASE("every resource is in the plan, in apply order", "[plan]") {
  auto spec = example_spec();
  auto plan = plan_for(spec, in_sync(spec));
  std::vector<std::string> names;
  for (const auto& c : plan.changes) names.push_back(c.name());
  CHECK(names == std::vector<std::string>{"ca_key", "ca_certificate", "server_key",
                                          "server_certificate", "password_file", "broker_config"});
}

TEST_CASE("a missing password file is created with every present user", "[plan][password]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  observed.password_file.file.info = FileInfo{};
  observed.password_file.file.digest = "absent";
  observed.password_file.content = {};
  observed.password_file.verdicts.clear();
  auto plan = plan_for(spec, observed);
  const auto& change = find_change(plan, ResourceKind::password_file);
  CHECK(change.action == Action::create);
  REQUIRE(change.as<mosq::plan::PasswordFileDetails>().users.size() == 2);
  CHECK(change.as<mosq::plan::PasswordFileDetails>().users[0].kind == Kind::add);
  CHECK(change.as<mosq::plan::PasswordFileDetails>().users[0].user == "user1");
  CHECK(change.as<mosq::plan::PasswordFileDetails>().users[1].user == "dashboard");
  CHECK(change.policy.mode == 0640);
  CHECK(change.policy.uid == uid_t{102});
  CHECK(change.policy.gid == gid_t{105});
  CHECK(plan.reload_needed);
}

TEST_CASE("password file drift, rule by rule", "[plan][password]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  auto& lines = observed.password_file.content.lines;

  SECTION("a listed user missing from the file is added") {
    lines.erase(lines.begin());
    observed.password_file.verdicts.erase("user1");
    auto change = change_for(spec, observed, ResourceKind::password_file);
    CHECK(change.action == Action::update);
    const auto& user1 = user_entry(change, "user1");
    CHECK(user1.kind == Kind::add);
    CHECK(has_reason(change, "+ user user1"));
  }
  SECTION("a password that no longer verifies is updated in place") {
    observed.password_file.verdicts["user1"] = observe::PasswordVerdict::differs;
    auto change = change_for(spec, observed, ResourceKind::password_file);
    const auto& user1 = user_entry(change, "user1");
    CHECK(user1.kind == Kind::update);
    CHECK(user1.reason == "password changed");
    CHECK(user1.line == 1);
  }
  SECTION("a pre-hashed user whose line holds another hash is updated") {
    observed.password_file.verdicts["dashboard"] = observe::PasswordVerdict::differs;
    auto change = change_for(spec, observed, ResourceKind::password_file);
    const auto& dashboard = user_entry(change, "dashboard");
    CHECK(dashboard.kind == Kind::update);
  }
  SECTION("a user marked absent is removed") {
    lines.push_back(password_line(3, "olduser", fake_hash(40)));
    auto change = change_for(spec, observed, ResourceKind::password_file);
    const auto& olduser = user_entry(change, "olduser");
    CHECK(olduser.kind == Kind::remove);
    CHECK(olduser.reason == "state: absent");
  }
  SECTION("an unlisted user is removed under unlisted_users: remove") {
    lines.push_back(password_line(3, "handmade", fake_hash(41)));
    auto change = change_for(spec, observed, ResourceKind::password_file);
    const auto& handmade = user_entry(change, "handmade");
    CHECK(handmade.kind == Kind::remove);
    CHECK(handmade.reason == "not in the spec (unlisted_users: remove)");
  }
  SECTION("an unlisted user is kept under unlisted_users: keep") {
    spec.broker.unlisted_users = spec::UnlistedUsers::keep;
    lines.push_back(password_line(3, "handmade", fake_hash(41)));
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::password_file).action == Action::no_op);
  }
  SECTION("a malformed line of no user is reported and dropped, never silently") {
    broker::PasswordLine bad;
    bad.number = 3;
    bad.raw = "garbage-without-colon";
    bad.problem = "no ':' separator";
    lines.push_back(bad);
    auto change = change_for(spec, observed, ResourceKind::password_file);
    CHECK(change.action == Action::update);
    REQUIRE(change.as<mosq::plan::PasswordFileDetails>().users.size() == 1);
    CHECK(change.as<mosq::plan::PasswordFileDetails>().users[0].kind == Kind::repair);
    CHECK(change.as<mosq::plan::PasswordFileDetails>().users[0].reason == "line 3: no ':' separator (line dropped)");
  }
  SECTION("a listed user's malformed line is rewritten") {
    lines[0].hash.reset();
    lines[0].problem = "salt is not valid base64";
    observed.password_file.verdicts["user1"] = observe::PasswordVerdict::unparsed;
    auto change = change_for(spec, observed, ResourceKind::password_file);
    const auto& user1 = user_entry(change, "user1");
    CHECK(user1.kind == Kind::update);
    CHECK(user1.reason == "line 1: salt is not valid base64");
  }
  SECTION("a hash the target broker cannot read is replaced, with that reason") {
    crypto::PasswordHash wide = fake_hash(10);
    wide.salt.assign(64, 3);  // 2.1's mosquitto_passwd salt
    lines[0] = password_line(1, "user1", wide);
    auto change = change_for(spec, observed, ResourceKind::password_file);
    const auto& user1 = user_entry(change, "user1");
    CHECK(user1.reason.rfind("hash unreadable by mosquitto 2.0", 0) == 0);
    spec.broker.mosquitto_version = crypto::MosquittoVersion::v2_1;
    auto change21 = change_for(spec, observed, ResourceKind::password_file);
    CHECK(change21.action == Action::no_op);
  }
  SECTION("a duplicate line for a user is removed") {
    lines.push_back(password_line(3, "user1", fake_hash(50)));
    auto change = change_for(spec, observed, ResourceKind::password_file);
    REQUIRE(change.as<mosq::plan::PasswordFileDetails>().users.size() == 1);
    CHECK(change.as<mosq::plan::PasswordFileDetails>().users[0].kind == Kind::remove);
    CHECK(change.as<mosq::plan::PasswordFileDetails>().users[0].reason == "duplicate line 3");
  }
  SECTION("blank lines and comments are left alone") {
    broker::PasswordLine comment;
    comment.number = 3;
    comment.raw = "# made by hand";
    comment.blank_or_comment = true;
    lines.push_back(comment);
    CHECK(change_for(spec, observed, ResourceKind::password_file).action == Action::no_op);
  }
}

TEST_CASE("mode and owner drift is an update without content change", "[plan][policy]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  SECTION("password file mode") {
    observed.password_file.file.info.mode = 0644;
    auto change = change_for(spec, observed, ResourceKind::password_file);
    CHECK(change.action == Action::update);
    CHECK_FALSE(change.content_changes);
    CHECK(change.reasons == std::vector<std::string>{"mode 0644 -> 0640"});
  }
  SECTION("password file owner") {
    observed.password_file.file.info.uid = 0;
    auto change = change_for(spec, observed, ResourceKind::password_file);
    CHECK(change.reasons == std::vector<std::string>{"owner uid 0 -> mosquitto"});
  }
  SECTION("server key group") {
    observed.pki->server_key.file.info.gid = 0;
    auto change = change_for(spec, observed, ResourceKind::server_key);
    CHECK(change.action == Action::update);
    CHECK(change.reasons == std::vector<std::string>{"group gid 0 -> mosquitto"});
  }
  SECTION("CA key group-readable") {
    observed.pki->ca_key.file.info.mode = 0640;
    auto change = change_for(spec, observed, ResourceKind::ca_key);
    CHECK(change.reasons == std::vector<std::string>{"mode 0640 -> 0600"});
  }
  SECTION("without a broker group the password file is 0600") {
    observed.ownership.gid.reset();
    auto change = change_for(spec, observed, ResourceKind::password_file);
    CHECK(change.policy.mode == 0600);
    CHECK(change.reasons == std::vector<std::string>{"mode 0640 -> 0600"});
  }
  SECTION("not root: owners are not planned, and a foreign owner is warned about") {
    observed.ownership.can_chown = false;
    observed.password_file.file.info.uid = 1000;
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::password_file).action == Action::no_op);
    REQUIRE(plan.warnings.size() == 1);
    CHECK(plan.warnings[0] == "/etc/mosquitto/mqttpass is not owned by mosquitto and this run is "
                              "not root: the broker may not read it");
  }
}

TEST_CASE("broker config drift", "[plan][config]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  SECTION("a hand edit outside the listeners is an update and a reload") {
    observed.config.content += "# added by hand\n";
    auto plan = plan_for(spec, observed);
    auto change = find_change(plan, ResourceKind::broker_config);
    CHECK(change.action == Action::update);
    CHECK(change.reasons == std::vector<std::string>{"content differs from the spec's rendering"});
    CHECK(plan.reload_needed);
    CHECK_FALSE(plan.restart_required());
  }
  SECTION("allow_anonymous changed: reload, no restart") {
    spec.broker.allow_anonymous = true;
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::broker_config).action == Action::update);
    CHECK_FALSE(plan.restart_required());
  }
  SECTION("a listener's tls_version changed: restart required, with the detail") {
    spec.listeners[0].tls_version = spec::TlsVersion::tlsv1_3;
    auto plan = plan_for(spec, observed);
    auto change = find_change(plan, ResourceKind::broker_config);
    CHECK(change.action == Action::replace);
    CHECK(change.effect == plan::BrokerEffect::restart);
    REQUIRE(plan.restart_reasons.size() == 1);
    CHECK(plan.restart_reasons[0] == "listener 8883 0.0.0.0: tls_version tlsv1.2 -> tlsv1.3");
  }
  SECTION("a listener's port changed: restart required") {
    spec.listeners[1].port = 1884;
    auto plan = plan_for(spec, observed);
    CHECK(plan.restart_reasons ==
          std::vector<std::string>{"listener 1884 127.0.0.1 added", "listener 1883 127.0.0.1 removed"});
  }
  SECTION("a broker known to be stopped needs neither reload nor restart") {
    spec.listeners[1].port = 1884;
    observed.broker.process.state = observe::BrokerState::no_pid_file;
    observed.broker.process.pid.reset();
    auto plan = plan_for(spec, observed);
    CHECK(plan.has_changes());
    CHECK_FALSE(plan.restart_required());
    CHECK_FALSE(plan.reload_needed);
  }
  SECTION("the seed tutorial's tlsv1 listener") {
    observed.config.content =
        "listener 8883\ncafile /etc/mosquitto/ca_certificates/mqtt_ca.crt\ntls_version tlsv1\n";
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::broker_config).action == Action::replace);
    CHECK(plan.restart_required());
  }
  SECTION("a missing config is created") {
    observed.config.file.info = FileInfo{};
    observed.config.content.clear();
    auto change = change_for(spec, observed, ResourceKind::broker_config);
    CHECK(change.action == Action::create);
    CHECK_FALSE(change.as<mosq::plan::ConfigDetails>().desired_content.empty());
  }
  SECTION("a missing config while the broker runs: its listeners need a restart, with reasons") {
    observed.config.file.info = FileInfo{};
    observed.config.content.clear();
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::broker_config).effect == plan::BrokerEffect::restart);
    CHECK(plan.restart_reasons ==
          std::vector<std::string>{"listener 1883 127.0.0.1 added", "listener 8883 0.0.0.0 added"});
  }
  SECTION("two lines swapped inside a listener block: a rewrite, no restart") {
    std::string& text = observed.config.content;
    const std::string a = "certfile /etc/mosquitto/certs/server.crt\n";
    const std::string b = "keyfile /etc/mosquitto/certs/server.key\n";
    const auto at = text.find(a + b);
    REQUIRE(at != std::string::npos);
    text.replace(at, a.size() + b.size(), b + a);
    auto plan = plan_for(spec, observed);
    auto change = find_change(plan, ResourceKind::broker_config);
    CHECK(change.action == Action::update);
    CHECK(change.reasons == std::vector<std::string>{"content differs from the spec's rendering"});
    CHECK_FALSE(plan.restart_required());
    CHECK(plan.reload_needed);
  }
  SECTION("a global line after a listener is not a listener change") {
    observed.config.content += "log_type all\n";
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::broker_config).action == Action::update);
    CHECK_FALSE(plan.restart_required());
  }
  SECTION("a listener option added by hand needs a restart, named") {
    observed.config.content += "max_connections 10\n";
    auto plan = plan_for(spec, observed);
    REQUIRE(plan.restart_reasons.size() == 1);
    CHECK(plan.restart_reasons[0].find("-max_connections 10") != std::string::npos);
  }
}

TEST_CASE("a restart asked for earlier stays in the plan until it happened", "[plan][restart]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  observe::PendingRestart pending;
  pending.since = k_now - 50;
  pending.reasons = {"listener 1884 added"};
  observed.broker.pending_restart = pending;
  auto plan = plan_for(spec, observed);
  CHECK(plan.has_changes());
  CHECK(plan.restart_required());
  CHECK(plan.pending_restart_reasons == std::vector<std::string>{"listener 1884 added"});
}

TEST_CASE("reachability and ownership warnings reach the plan", "[plan][policy]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  observed.unreachable.push_back({"/etc/mosquitto/mqttpass", "/etc/mosquitto"});
  observed.ownership.warnings.push_back("broker.owner 'mqtt' does not exist on this host");
  auto plan = plan_for(spec, observed);
  REQUIRE(plan.warnings.size() == 2);
  CHECK(plan.warnings[0] == "broker.owner 'mqtt' does not exist on this host");
  CHECK(plan.warnings[1].find("cannot enter /etc/mosquitto, so it cannot read "
                              "/etc/mosquitto/mqttpass") != std::string::npos);
}
