// Issue 2: apply of users and broker config on temp trees, idempotence,
// drift repair, adoption of mosquitto_passwd files, unlisted/absent users.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/integration.h"

using namespace mosq::test;

namespace {

const std::string k_alice_pw = "alice-Pw-0001";
const std::string k_bob_pw = "bob-Pw-0002";
// Made by `mosquitto_passwd -b -c FILE carol dashboard-demo` (2.0.11).
const std::string k_carol_hash =
    "$7$101$c5x7Fkb0YguHeso1$P/vda219a2LPDZF69rFjIl2GAGE5uDs4t0MY7vv56ATaD5CPp3cvJH/SjwDMzkY8a1aLamBfLJVDjqNM38RKGA==";
const std::string k_carol_pw = "dashboard-demo";

const std::string k_pwfile = "/etc/mosquitto/mqttpass";
const std::string k_config = "/etc/mosquitto/conf.d/mosq-reconcile.conf";

SpecYaml users_spec() {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW")
      .user_file("bob", "/run/secrets/bob")
      .user_hash("carol", k_carol_hash)
      .user_absent("dave");
  return spec;
}

// A tree with users_spec() written and its secrets in place.
struct UsersTree : Tree {
  UsersTree() : UsersTree(users_spec()) {}
  explicit UsersTree(const SpecYaml& spec) {
    env["ALICE_PW"] = k_alice_pw;
    write_file(host("/run/secrets/bob"), k_bob_pw + "\n", 0600);
    write_spec(spec);
  }
};

ino_t inode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// Removes every line starting with prefix.
std::string without_lines_starting(const std::string& content, const std::string& prefix) {
  std::string out;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) out += line + "\n";
  }
  return out;
}

void add_user_with_mosquitto_passwd(const std::string& file, const std::string& user,
                                    const std::string& password, bool create = false) {
  std::vector<std::string> argv{"mosquitto_passwd", "-b"};
  if (create) argv.push_back("-c");
  argv.insert(argv.end(), {file, user, password});
  auto r = run_process(argv);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("greenfield apply writes a verifying password file and the rendered config") {
  UsersTree t;
  auto r = t.apply();
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "created password file " + k_pwfile));
  CHECK(contains(r.out, "created broker config " + k_config));
  CHECK(contains(r.out, "Apply complete."));

  const std::string pw = read_file(t.host(k_pwfile));
  CHECK(users_in(pw) == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK(hash_of(pw, "alice").rfind("$7$101$", 0) == 0);
  CHECK(verifies(hash_of(pw, "alice"), k_alice_pw));
  CHECK_FALSE(verifies(hash_of(pw, "alice"), k_bob_pw));
  CHECK(verifies(hash_of(pw, "bob"), k_bob_pw));
  CHECK(hash_of(pw, "carol") == k_carol_hash);  // a spec hash is written as given
  CHECK(verifies(k_carol_hash, k_carol_pw));
  CHECK(hash_of(pw, "dave").empty());

  CHECK(mode_of(t.host(k_pwfile)) == 0640);
  CHECK(mode_of(t.host(k_config)) == 0644);
  if (const group* g = ::getgrnam("mosquitto")) {
    struct stat st {};
    REQUIRE(::stat(t.host(k_pwfile).c_str(), &st) == 0);
    CHECK(st.st_gid == g->gr_gid);
  }

  const std::string config = read_file(t.host(k_config));
  CHECK(config.rfind("# Managed by mosq-reconcile", 0) == 0);
  CHECK(contains(config, "\nper_listener_settings false\n"));
  CHECK(contains(config, "\nallow_anonymous false\n"));
  CHECK(contains(config, "\npassword_file /etc/mosquitto/mqttpass\n"));
  CHECK(contains(config, "\nlistener 1883 127.0.0.1\n"));
  CHECK_FALSE(contains(config, t.root()));  // paths are the broker's, not the host's

  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(contains(plan.out, "No changes."));
}

TEST_CASE("a second apply changes nothing: every file keeps inode, mtime and ctime") {
  UsersTree t;
  REQUIRE(t.apply().exit_code == 0);
  const TreeSnapshot before = t.snapshot();
  REQUIRE(regular_files(before).size() == 3);  // the bob secret, the password file, the config

  auto r = t.apply();
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "No changes."));
  CHECK_FALSE(contains(r.out, "created"));
  CHECK_FALSE(contains(r.out, "updated"));
  CHECK(describe_differences(before, t.snapshot()) == "");

  auto third = t.run({"--plan"});
  CHECK(third.exit_code == 0);
  CHECK(describe_differences(before, t.snapshot()) == "");
}

TEST_CASE("drift: a user line deleted by hand is planned back and restored") {
  UsersTree t;
  REQUIRE(t.apply().exit_code == 0);
  const std::string original = read_file(t.host(k_pwfile));
  write_file(t.host(k_pwfile), without_lines_starting(original, "bob:"), 0640);

  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "+ user bob"));
  auto json = t.run({"--plan", "--json"});
  REQUIRE(json.exit_code == 2);
  auto j = nlohmann::json::parse(json.out);
  bool found = false;
  for (const auto& c : j["changes"]) {
    if (c["resource"] == "password_file") {
      CHECK(c["action"] == "update");
      CHECK(c["reasons"] == nlohmann::json::array({"+ user bob"}));
      found = true;
    }
  }
  CHECK(found);

  t.apply_ok();
  const std::string repaired = read_file(t.host(k_pwfile));
  CHECK(users_in(repaired) == std::vector<std::string>{"alice", "carol", "bob"});
  CHECK(verifies(hash_of(repaired, "bob"), k_bob_pw));
  // The others are kept byte for byte (no re-hash, same salt).
  CHECK(hash_of(repaired, "alice") == hash_of(original, "alice"));
  CHECK(hash_of(repaired, "carol") == hash_of(original, "carol"));
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("drift: a hand-edited config is detected, diffed and put back exactly") {
  UsersTree t;
  REQUIRE(t.apply().exit_code == 0);
  const std::string original = read_file(t.host(k_config));
  std::string edited = original;
  auto pos = edited.find("allow_anonymous false");
  REQUIRE(pos != std::string::npos);
  edited.replace(pos, std::string("allow_anonymous false").size(), "allow_anonymous true");
  write_file(t.host(k_config), edited, 0644);

  auto plan = t.run({"--plan", "--diff"});
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "~ broker config " + k_config + ": content differs"));
  CHECK(contains(plan.out, "\n-allow_anonymous true\n"));
  CHECK(contains(plan.out, "\n+allow_anonymous false\n"));
  CHECK(contains(plan.out, "reload (SIGHUP)"));
  CHECK_FALSE(contains(plan.out, "restart required"));

  auto apply = t.apply();
  INFO(describe(apply));
  REQUIRE(apply.exit_code == 0);
  CHECK(contains(apply.out, "updated broker config " + k_config));
  CHECK(read_file(t.host(k_config)) == original);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("drift: a line added to a listener block by hand is a replace that needs a restart") {
  UsersTree t;
  REQUIRE(t.apply().exit_code == 0);
  const std::string original = read_file(t.host(k_config));
  write_file(t.host(k_config), original + "max_connections 5\n", 0644);

  auto plan = t.run({"--plan", "--diff"});
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "\n-max_connections 5\n"));
  CHECK(contains(plan.out, "restart required"));

  t.apply_ok();
  CHECK(read_file(t.host(k_config)) == original);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("drift: changed modes are detected and repaired without rewriting the files") {
  UsersTree t;
  REQUIRE(t.apply().exit_code == 0);
  const std::string pw_before = read_file(t.host(k_pwfile));
  const std::string config_before = read_file(t.host(k_config));
  const ino_t pw_inode = inode_of(t.host(k_pwfile));
  REQUIRE(::chmod(t.host(k_pwfile).c_str(), 0666) == 0);
  REQUIRE(::chmod(t.host(k_config).c_str(), 0600) == 0);

  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "mode 0666 -> 0640"));
  CHECK(contains(plan.out, "mode 0600 -> 0644"));

  t.apply_ok();
  CHECK(mode_of(t.host(k_pwfile)) == 0640);
  CHECK(mode_of(t.host(k_config)) == 0644);
  CHECK(inode_of(t.host(k_pwfile)) == pw_inode);
  CHECK(read_file(t.host(k_pwfile)) == pw_before);
  CHECK(read_file(t.host(k_config)) == config_before);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("a changed password rewrites only that user's line") {
  UsersTree t;
  REQUIRE(t.apply().exit_code == 0);
  const std::string before = read_file(t.host(k_pwfile));
  const std::map<std::string, std::string> new_env{{"ALICE_PW", "alice-New-Pw-0003"}};

  auto plan = t.plan(new_env);
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "~ user alice: password changed"));
  CHECK_FALSE(contains(plan.out, "user bob"));

  REQUIRE(t.apply(new_env).exit_code == 0);
  const std::string after = read_file(t.host(k_pwfile));
  CHECK(verifies(hash_of(after, "alice"), "alice-New-Pw-0003"));
  CHECK(hash_of(after, "bob") == hash_of(before, "bob"));
  CHECK(users_in(after) == users_in(before));  // same order, same users
  CHECK(t.plan(new_env).exit_code == 0);
  CHECK(t.plan().exit_code == 2);  // the old password no longer verifies
}

TEST_CASE("a password file made by mosquitto_passwd -b -c is adopted byte for byte") {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW").user_file("bob", "/run/secrets/bob");
  UsersTree t(spec);
  const std::string pwfile = t.host(k_pwfile);
  make_dirs(t.host("/etc/mosquitto"));
  add_user_with_mosquitto_passwd(pwfile, "alice", k_alice_pw, true);
  add_user_with_mosquitto_passwd(pwfile, "bob", k_bob_pw);
  const std::string made = read_file(pwfile);
  REQUIRE(users_in(made) == std::vector<std::string>{"alice", "bob"});
  REQUIRE(hash_of(made, "alice").rfind("$7$", 0) == 0);

  auto json = t.run({"--plan", "--json"});
  INFO(describe(json));
  REQUIRE(json.exit_code == 2);  // the config is still missing
  auto j = nlohmann::json::parse(json.out);
  for (const auto& c : j["changes"]) {
    if (c["resource"] == "password_file") {
      // At most its mode/owner, never its content.
      CHECK(c["content_changes"] == false);
      CHECK(c["action"] == "update");
    }
  }

  t.apply_ok();
  CHECK(read_file(pwfile) == made);
  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 0);
  CHECK(read_file(pwfile) == made);
}

TEST_CASE("unlisted users: remove deletes them, keep leaves them alone") {
  const bool keep = GENERATE(false, true);
  CAPTURE(keep);
  SpecYaml spec;
  spec.unlisted_users = keep ? "keep" : "remove";
  spec.user_env("alice", "ALICE_PW");
  UsersTree t(spec);
  REQUIRE(t.apply().exit_code == 0);
  add_user_with_mosquitto_passwd(t.host(k_pwfile), "mallory", "mallory-Pw-0004");
  const std::string with_mallory = read_file(t.host(k_pwfile));
  REQUIRE(users_in(with_mallory) == std::vector<std::string>{"alice", "mallory"});
  // mosquitto_passwd keeps the file's mode; put the tool's mode back so only users differ.
  REQUIRE(::chmod(t.host(k_pwfile).c_str(), 0640) == 0);

  auto plan = t.plan();
  INFO(describe(plan));
  t.apply_ok();
  const std::string after = read_file(t.host(k_pwfile));
  if (keep) {
    CHECK(plan.exit_code == 0);
    CHECK(after == with_mallory);
  } else {
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "- user mallory: not in the spec (unlisted_users: remove)"));
    CHECK(users_in(after) == std::vector<std::string>{"alice"});
    CHECK(hash_of(after, "alice") == hash_of(with_mallory, "alice"));
  }
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("state: absent removes a present user and is a no-op for a missing one") {
  SpecYaml spec;
  spec.unlisted_users = "keep";  // the removal must come from state: absent
  spec.user_env("alice", "ALICE_PW").user_absent("olduser");
  UsersTree t(spec);
  REQUIRE(t.apply().exit_code == 0);
  CHECK(users_in(read_file(t.host(k_pwfile))) == std::vector<std::string>{"alice"});
  CHECK(t.plan().exit_code == 0);  // absent and not there: nothing to do

  add_user_with_mosquitto_passwd(t.host(k_pwfile), "olduser", "old-Pw-0005");
  REQUIRE(::chmod(t.host(k_pwfile).c_str(), 0640) == 0);
  const std::string alice_line = hash_of(read_file(t.host(k_pwfile)), "alice");

  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "- user olduser: state: absent"));

  t.apply_ok();
  const std::string after = read_file(t.host(k_pwfile));
  CHECK(users_in(after) == std::vector<std::string>{"alice"});
  CHECK(hash_of(after, "alice") == alice_line);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("two applies at once: the lock serialises them, one writes, the other finds nothing to do") {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW");
  spec.tls = true;
  spec.ca.key_type = "rsa4096";  // slow enough for the runs to overlap
  UsersTree t(spec);
  ProcessResult first, second;
  std::thread a([&] { first = t.apply(); });
  std::thread b([&] { second = t.apply(); });
  a.join();
  b.join();
  INFO(describe(first));
  INFO(describe(second));
  CHECK(first.exit_code == 0);
  CHECK(second.exit_code == 0);
  const bool first_wrote = contains(first.out, "created CA key");
  const bool second_wrote = contains(second.out, "created CA key");
  CHECK(first_wrote != second_wrote);
  CHECK(contains(first_wrote ? second.out : first.out, "No changes."));
  auto verify = openssl_verify(t.host("/etc/mosquitto/certs/ca.crt"), t.host("/etc/mosquitto/certs/server.crt"));
  CHECK(verify.exit_code == 0);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("a damaged password file: each problem is planned, diffed and repaired") {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW").user_env("bob", "BOB_PW").user_env("carol", "CAROL_PW");
  UsersTree t(spec);
  t.env["BOB_PW"] = k_alice_pw;
  t.env["CAROL_PW"] = "carol-Pw-0006";
  // alice: PBKDF2 over a 64-byte salt (Mosquitto 2.1 style): verifies, but 2.0 drops the line.
  const std::string alice_21 =
      "$7$1000$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==$"
      "jJM3Dn7O7BBhj1MMUyZLBLq90o0/11lC8jv4W3eIiY5tr+3KEPyCwH5rc15KK5AzUoaofzh8WF6O+g2YT1zsZQ==";
  // bob: an old $6$ line (sha512(password || salt)) that verifies: kept.
  const std::string bob_6 =
      "$6$ZGVtby1zYWx0LTEy$YXgPgTs4pLRpbWzgX8ElHyk0qrXgpqhSoNdb/0IVJJ0hzM13FdYxq2bEqQciVbjpBuQqVgv1PWaX/zzAM8Qs8g==";
  const std::string damaged = "# kept comment\n"
                              "alice:" + alice_21 + "\n"
                              "bob:" + bob_6 + "\n"
                              "no-colon-garbage\n"
                              "carol:$7$101$not*base64$xx\n"
                              "\n"
                              "bob:" + bob_6 + "\n";
  write_file(t.host(k_pwfile), damaged, 0640);
  if (const group* g = ::getgrnam("mosquitto")) {
    const passwd* p = ::getpwnam("mosquitto");
    REQUIRE(::chown(t.host(k_pwfile).c_str(), p ? p->pw_uid : 0, g->gr_gid) == 0);
  }

  auto plan = t.run({"--plan", "--json"});
  INFO(describe(plan));
  REQUIRE(plan.exit_code == 2);
  const auto j = nlohmann::json::parse(plan.out);
  std::string reasons;
  for (const auto& c : j["changes"]) {
    if (c["resource"] == "password_file") reasons = c["reasons"].dump();
  }
  CHECK(contains(reasons, "~ user alice: hash unreadable by mosquitto 2.0"));
  CHECK(contains(reasons, "! line 4:"));
  CHECK(contains(reasons, "~ user carol: line 5:"));
  CHECK(contains(reasons, "- user bob: duplicate line 7"));
  CHECK_FALSE(contains(reasons, "user bob: password"));

  auto diff = t.run({"--plan", "--diff"});
  INFO(describe(diff));
  CHECK(diff.exit_code == 2);
  CHECK(contains(diff.out, "\n-(unparsable line)\n"));
  CHECK(contains(diff.out, "\n-alice:(sensitive value)\n"));
  CHECK(contains(diff.out, "\n+alice:(sensitive value, new)\n"));

  t.apply_ok();
  const std::string after = read_file(t.host(k_pwfile));
  CHECK(users_in(after) == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK(hash_of(after, "bob") == bob_6);
  CHECK(hash_of(after, "alice").rfind("$7$101$", 0) == 0);
  CHECK(verifies(hash_of(after, "alice"), k_alice_pw));
  CHECK(verifies(hash_of(after, "carol"), "carol-Pw-0006"));
  CHECK(after.rfind("# kept comment\n", 0) == 0);
  CHECK_FALSE(contains(after, "no-colon-garbage"));
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("a blank line in the password file does not break --diff") {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW");
  UsersTree t(spec);
  write_file(t.host(k_pwfile), "\nalice:x\n", 0640);
  auto r = t.run({"--plan", "--diff"});
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "\n-alice:(sensitive value)\n"));
  CHECK(contains(r.out, "\n+alice:(sensitive value, new)\n"));
  CHECK(r.err.empty());
}
