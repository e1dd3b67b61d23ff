// --backup: each file whose content apply replaces is kept beside it as
// FILE.YYYY-MM-DD@HH:MM:SS~, with its old bytes, mode and owner.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <boost/filesystem.hpp>

#include "support/integration.h"

using namespace mosq::test;

namespace {

namespace fs = boost::filesystem;

// The backups beside path (names starting "<file name>." and ending '~').
std::vector<std::string> backups_of(const std::string& path) {
  std::vector<std::string> found;
  const fs::path file(path);
  const std::string prefix = file.filename().string() + ".";
  for (const auto& entry : fs::directory_iterator(file.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.back() == '~') found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

struct BackupTree : Tree {
  BackupTree() {
    spec.tls = true;
    spec.user_env("alice", "ALICE_PW");
    write_spec(spec);
    env["ALICE_PW"] = "alice-Pw-1111";
  }
  SpecYaml spec;
};

}  // namespace

TEST_CASE("backup: --backup keeps the replaced password file, key and certificate with their mode and owner") {
  BackupTree t;
  t.apply_ok({"--backup"});  // greenfield: nothing to keep
  const std::string password_file = t.host("/etc/mosquitto/mqttpass");
  const std::string server_key = t.host("/etc/mosquitto/certs/server.key");
  const std::string server_crt = t.host("/etc/mosquitto/certs/server.crt");
  const std::string config = t.host("/etc/mosquitto/conf.d/mosq-reconcile.conf");
  for (const auto& path : {password_file, server_key, server_crt, config}) {
    REQUIRE(fs::exists(path));
    CHECK(backups_of(path).empty());
  }

  // A new password and a new server key type: the password file, the key
  // and its certificate are replaced; the config is not.
  const std::string old_passwords = read_file(password_file);
  const std::string old_key = read_file(server_key);
  const std::string old_crt = read_file(server_crt);
  t.env["ALICE_PW"] = "alice-Pw-2222";
  t.spec.server.key_type = "ec-p384";
  t.write_spec(t.spec);
  auto r = t.run({"--backup", "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  const auto applied = nlohmann::json::parse(r.out).at("applied");

  for (const auto& [path, old] : std::vector<std::pair<std::string, std::string>>{
           {password_file, old_passwords}, {server_key, old_key}, {server_crt, old_crt}}) {
    CAPTURE(path);
    const auto kept = backups_of(path);
    REQUIRE(kept.size() == 1);
    CHECK(read_file(kept[0]) == old);
    CHECK(read_file(path) != old);
    struct stat file_stat {}, backup_stat{};
    REQUIRE(::lstat(path.c_str(), &file_stat) == 0);
    REQUIRE(::lstat(kept[0].c_str(), &backup_stat) == 0);
    CHECK((backup_stat.st_mode & 07777) == (file_stat.st_mode & 07777));
    CHECK(backup_stat.st_uid == file_stat.st_uid);
    CHECK(backup_stat.st_gid == file_stat.st_gid);
    // The name: FILE.YYYY-MM-DD@HH:MM:SS~
    const std::string name = fs::path(kept[0]).filename().string();
    const std::string file_name = fs::path(path).filename().string();
    CHECK(name.size() == file_name.size() + 21);
    CHECK(name[file_name.size() + 11] == '@');
    // Reported, as the spec names paths.
    bool reported = false;
    for (const auto& b : applied.at("backups")) {
      reported = reported || (t.host(b.at("file").get<std::string>()) == path &&
                              t.host(b.at("backup").get<std::string>()) == kept[0]);
    }
    CHECK(reported);
  }
  CHECK((mode_of(backups_of(server_key)[0]) & 0007) == 0);  // a key's backup: no access for others
  CHECK(backups_of(config).empty());
  CHECK(applied.at("backups").size() == 3);

  // A converged tree: another --backup run keeps nothing more.
  const TreeSnapshot before = t.snapshot();
  t.apply_ok({"--backup"});
  CHECK(describe_differences(before, t.snapshot()) == "");

  // Two replacements in one second never overwrite a backup: .2~
  t.env["ALICE_PW"] = "alice-Pw-3333";
  t.apply_ok({"--backup"});
  t.env["ALICE_PW"] = "alice-Pw-4444";
  t.apply_ok({"--backup"});
  CHECK(backups_of(password_file).size() == 3);
}

TEST_CASE("backup: none without --backup, nor with --plan, no backup is made") {
  BackupTree t;
  t.apply_ok();
  t.env["ALICE_PW"] = "alice-Pw-2222";
  const TreeSnapshot before = t.snapshot();
  auto plan = t.run({"--plan", "--backup"});
  CHECK(plan.exit_code == 2);
  CHECK(describe_differences(before, t.snapshot()) == "");
  t.apply_ok();
  CHECK(backups_of(t.host("/etc/mosquitto/mqttpass")).empty());
}
