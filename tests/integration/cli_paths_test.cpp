// Issue 10: the binary never follows a link out of what the spec names. A
// link at a managed path is refused (never chmod'ed, chown'ed, read or
// reissued through), --root is never left (by '..' or by a linked
// directory), --root "" is an error, and two resources on one path are a
// spec error.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "support/integration.h"

using namespace mosq::test;

namespace {

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

SpecYaml tls_spec() {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW");
  spec.tls = true;
  return spec;
}

void link(const std::string& target, const std::string& at) {
  REQUIRE(::symlink(target.c_str(), at.c_str()) == 0);
}

}  // namespace

TEST_CASE("paths: a managed file replaced by a link is refused, and the link's target left alone") {
  for (const std::string managed :
       {"/etc/mosquitto/certs/server.key", "/etc/mosquitto/mqttpass",
        "/etc/mosquitto/certs/server.crt", "/etc/mosquitto/conf.d/mosq-reconcile.conf"}) {
    DYNAMIC_SECTION(managed) {
      Tree t;
      t.write_spec(tls_spec());
      t.env = {{"ALICE_PW", "alice-pw"}};
      t.apply_ok();
      // Someone swaps the file for a link to a file of theirs (or of root's).
      TempDir elsewhere;
      const std::string victim = elsewhere.write("other-file", "someone else's\n", 0600);
      REQUIRE(::unlink(t.host(managed).c_str()) == 0);
      link(victim, t.host(managed));
      const struct stat before = lstat_of(victim);
      const TreeSnapshot tree_before = t.snapshot();

      for (const std::vector<std::string>& args :
           std::vector<std::vector<std::string>>{{"--plan"}, {}, {"--json"}}) {
        ProcessResult r = t.run(args);
        INFO(describe(r));
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err + r.out, t.host(managed) + ": is a symbolic link; mosq-reconcile "
                                                        "manages this path itself and does not "
                                                        "follow links there"));
      }
      const struct stat after = lstat_of(victim);
      CHECK((after.st_mode & 07777) == 0600);
      CHECK(after.st_uid == before.st_uid);
      CHECK(after.st_gid == before.st_gid);
      CHECK(after.st_ino == before.st_ino);
      CHECK(read_file(victim) == "someone else's\n");
      CHECK(describe_differences(tree_before, t.snapshot()) == "");
    }
  }
}

TEST_CASE("paths: a spec path whose '..' climbs above / is refused, nothing written outside --root") {
  Tree t;
  // The work directory is the root's sibling: "/../<work dir>/x" under
  // --root would land in it.
  const std::string sibling = t.work("").substr(0, t.work("").size() - 1);
  const std::string escape = "/.." + sibling.substr(sibling.find_last_of('/'));
  SpecYaml spec = tls_spec();
  spec.password_file = escape + "/mqttpass";
  t.write_spec(spec);
  t.env = {{"ALICE_PW", "alice-pw"}};
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--plan"}, {}}) {
    ProcessResult r = t.run(args);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "broker.password_file: " + spec.password_file +
                              ": its '..' climbs above /; name the file without leaving /"));
  }
  CHECK_FALSE(file_exists(t.work("mqttpass")));
  CHECK(snapshot_tree(t.root()).empty());
}

TEST_CASE("paths: a directory inside --root linked out of it is not followed") {
  for (const bool relative : {false, true}) {
    DYNAMIC_SECTION((relative ? "relative" : "absolute") << " link") {
      Tree t;
      t.write_spec(tls_spec());
      t.env = {{"ALICE_PW", "alice-pw"}};
      TempDir outside;
      make_dirs(t.host("/etc"));
      link(relative ? "../../../../../../../../.." + outside.path() : outside.path(),
           t.host("/etc/mosquitto"));
      ProcessResult plan = t.plan();
      INFO(describe(plan));
      CHECK(plan.exit_code == 2);  // in the root, /etc/mosquitto leads nowhere: all to create
      ProcessResult r = t.apply();
      INFO(describe(r));
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, t.host("/etc/mosquitto") + ": cannot create directory: something else "
                                                       "is there (a link that does not lead to a "
                                                       "directory inside --root"));
      CHECK(snapshot_tree(outside.path()).empty());
    }
  }
}

TEST_CASE("paths: an absolute link inside an image root resolves inside it, as under chroot") {
  Tree t;
  t.write_spec(tls_spec());
  t.env = {{"ALICE_PW", "alice-pw"}};
  make_dirs(t.host("/etc"));
  make_dirs(t.host("/srv/mosquitto"));
  link("/srv/mosquitto", t.host("/etc/mosquitto"));
  t.apply_ok();
  CHECK(file_exists(t.host("/srv/mosquitto/mqttpass")));
  CHECK(file_exists(t.host("/srv/mosquitto/certs/server.key")));
  CHECK(S_ISLNK(lstat_of(t.host("/etc/mosquitto")).st_mode));
  ProcessResult again = t.plan();
  INFO(describe(again));
  CHECK(again.exit_code == 0);
}

TEST_CASE("paths: --root \"\" is an error, not /") {
  Tree t;
  t.write_spec(tls_spec());
  // --plan only: were "" taken as /, this must not touch the host.
  ProcessResult r = run_tool({"--plan", "--root", "", t.spec_path()}, {{"ALICE_PW", "x"}});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "mosq-reconcile: error: --root needs a directory; an empty one is not "
                        "taken to mean /"));
  CHECK(r.out.empty());
}

TEST_CASE("paths: two resources on one path are a spec error, compared normalised") {
  struct Case {
    std::string label;
    std::function<void(SpecYaml&)> edit;
    std::string message;
  };
  const std::vector<Case> cases{
      {"config = password file",
       [](SpecYaml& s) { s.config_file = "/etc/mosquitto//mqttpass"; },
       "broker.password_file: the same file as broker.config_file (/etc/mosquitto/mqttpass); give "
       "each its own file"},
      {"a secret's source = password file",
       [](SpecYaml& s) { s.user_file("bob", "/etc/mosquitto/certs/../mqttpass"); },
       "users[1].password_file: the same file as broker.password_file (/etc/mosquitto/mqttpass); "
       "a file mosq-reconcile writes cannot also be where a password comes from"},
      {"a certificate = password file",
       [](SpecYaml& s) { s.server.cert = "/etc/mosquitto/./mqttpass"; },
       "tls.server.cert: the same file as broker.password_file (/etc/mosquitto/mqttpass); give "
       "each its own file"},
      {"a key = a secret's source",
       [](SpecYaml& s) {
         s.user_file("bob", "/etc/mosquitto/certs/ca.key");
       },
       "users[1].password_file: the same file as tls.ca.key (/etc/mosquitto/certs/ca.key)"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.label) {
      Tree t;
      SpecYaml spec = tls_spec();
      c.edit(spec);
      t.write_spec(spec);
      t.env = {{"ALICE_PW", "alice-pw"}};
      ProcessResult r = t.apply();
      INFO(describe(r));
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, c.message));
      CHECK(snapshot_tree(t.root()).empty());
    }
  }
  // Two users may read one secret file.
  Tree shared;
  SpecYaml spec;
  spec.user_file("alice", "/run/secrets/pw").user_file("bob", "/run/secrets/./pw");
  shared.write_spec(spec);
  write_file(shared.host("/run/secrets/pw"), "shared-pw\n", 0600);
  shared.apply_ok();
}
