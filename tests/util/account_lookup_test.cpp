#include "util/account_lookup.h"

#include <grp.h>
#include <pwd.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace mosq {
namespace {

// The name field of each line that has one.
std::vector<std::string> names_in(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto colon = line.find(':');
    if (colon != std::string::npos && colon > 0 && line[0] != '#') names.push_back(line.substr(0, colon));
  }
  return names;
}

}  // namespace

TEST_CASE("nsswitch.conf: whether a database looks in files first", "[util]") {
  CHECK(looks_in_files_first("passwd:         files systemd\ngroup:          files systemd\n", "passwd"));
  CHECK(looks_in_files_first("# comment\n\tgroup :files [NOTFOUND=return] ldap # trailing\n", "group"));
  CHECK(looks_in_files_first("passwd: files", "passwd"));
  CHECK_FALSE(looks_in_files_first("passwd: sss files\n", "passwd"));
  CHECK_FALSE(looks_in_files_first("passwd: compat\n", "passwd"));
  CHECK_FALSE(looks_in_files_first("passwd: filesystem\n", "passwd"));
  CHECK_FALSE(looks_in_files_first("passwd:\n", "passwd"));
  CHECK_FALSE(looks_in_files_first("group: files\n", "passwd"));          // no line: left to the C library
  CHECK_FALSE(looks_in_files_first("passwdx: files\n", "passwd"));
  CHECK_FALSE(looks_in_files_first("#passwd: files\n", "passwd"));
  CHECK_FALSE(looks_in_files_first("passwd: ldap\npasswd: files\n", "passwd"));  // the first line is the one
}

TEST_CASE("/etc/passwd and /etc/group text: the first line of a name, strictly parsed", "[util]") {
  const std::string passwd =
      "# a comment\n"
      "\n"
      "root:x:0:0:root:/root:/bin/bash\n"
      "mosquitto:x:102:105::/var/lib/mosquitto:/usr/sbin/nologin\n"
      "mosquitto:x:999:999::/nowhere:/bin/false\n"  // a second line of the name: not the answer
      "  indented:x:7:8:::\n"
      "short:x:5:5\n"                                // too few fields: left to the C library
      "odd:x:+5:5:::\n"                              // not a plain decimal id
      "huge:x:4294967295:1:::\n";                    // (uid_t)-1 is no id
  UserAccount account;
  REQUIRE(user_in_passwd(passwd, "mosquitto", &account) == FileAnswer::found);
  CHECK(account.uid == 102);
  CHECK(account.gid == 105);
  REQUIRE(user_in_passwd(passwd, "indented", &account) == FileAnswer::found);
  CHECK(account.uid == 7);
  CHECK(user_in_passwd(passwd, "mosq", &account) == FileAnswer::absent);  // a prefix of a name
  CHECK(user_in_passwd(passwd, "nobody", &account) == FileAnswer::absent);
  CHECK(user_in_passwd(passwd, "short", &account) == FileAnswer::unclear);
  CHECK(user_in_passwd(passwd, "odd", &account) == FileAnswer::unclear);
  CHECK(user_in_passwd(passwd, "huge", &account) == FileAnswer::unclear);
  CHECK(user_in_passwd(passwd, "", &account) == FileAnswer::unclear);
  CHECK(user_in_passwd(passwd, "root:x", &account) == FileAnswer::unclear);

  const std::string group = "root:x:0:\nmosquitto:x:105:\nadm:x:4:syslog,alice\nbare:x:9\n";
  gid_t gid = 0;
  REQUIRE(group_in_group(group, "mosquitto", &gid) == FileAnswer::found);
  CHECK(gid == 105);
  REQUIRE(group_in_group(group, "adm", &gid) == FileAnswer::found);
  CHECK(gid == 4);
  CHECK(group_in_group(group, "bare", &gid) == FileAnswer::unclear);
  CHECK(group_in_group(group, "wheel", &gid) == FileAnswer::absent);
}

TEST_CASE("find_user and find_group answer as getpwnam and getgrnam do on this host", "[util]") {
  const auto users = names_in(test::read_file("/etc/passwd"));
  REQUIRE_FALSE(users.empty());
  for (const std::string& name : users) {
    INFO(name);
    const passwd* pw = ::getpwnam(name.c_str());
    const auto found = find_user(name);
    REQUIRE(found.has_value() == (pw != nullptr));
    if (pw != nullptr) {
      CHECK(found->uid == pw->pw_uid);
      CHECK(found->gid == pw->pw_gid);
    }
  }
  const auto groups = names_in(test::read_file("/etc/group"));
  REQUIRE_FALSE(groups.empty());
  for (const std::string& name : groups) {
    INFO(name);
    const group* gr = ::getgrnam(name.c_str());
    const auto found = find_group(name);
    REQUIRE(found.has_value() == (gr != nullptr));
    if (gr != nullptr) CHECK(*found == gr->gr_gid);
  }
  CHECK_FALSE(find_user("no-such-user-mosq-reconcile"));
  CHECK_FALSE(find_group("no-such-group-mosq-reconcile"));
}

}  // namespace mosq
