// Users and groups of this host by name, as getpwnam and getgrnam give
// them. Where /etc/nsswitch.conf has the C library look in files first
// (Debian's "passwd: files systemd"), a name is looked up in /etc/passwd or
// /etc/group here, and only a name not found there, or a line that does
// not parse cleanly, goes to the C library: its lookup asked nscd's socket
// twice and read nsswitch.conf again for each name, about 130 us for the
// broker's user and group, 3% of a no-op run. The answer is the
// same: with files first, the C library returns the first line of that
// name in the file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace mosq {

struct UserAccount {
  uid_t uid = 0;
  gid_t gid = 0;  // the user's primary group
};

std::optional<UserAccount> find_user(const std::string& name);
std::optional<gid_t> find_group(const std::string& name);

// The parts, for tests. Whether nsswitch.conf's line for `database`
// ("passwd", "group") names "files" as its first source.
bool looks_in_files_first(std::string_view nsswitch_conf, std::string_view database);

// What the files source answers for a name from the text of /etc/passwd
// or /etc/group: found, not there, or a line of that name that does not
// parse cleanly (left to the C library).
enum class FileAnswer { found, absent, unclear };
FileAnswer user_in_passwd(std::string_view passwd, std::string_view name, UserAccount* account);
FileAnswer group_in_group(std::string_view group, std::string_view name, gid_t* gid);

}  // namespace mosq
