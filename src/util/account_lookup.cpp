#include "util/account_lookup.h"

#include <grp.h>
#include <pwd.h>

#include <limits>

#include "util/file_system.h"

namespace mosq {
namespace {

// A larger account file is left to the C library.
constexpr std::size_t k_max_account_file_bytes = 16 * 1024 * 1024;

// The whole of a host file read as the filesystem seam reads any file (a
// regular file, at most the cap, the C library's links followed), nullopt
// otherwise.
std::optional<std::string> read_host_file(const char* path) {
  ReadResult read = real_file_system().read(HostPath::as_given(path), k_max_account_file_bytes, LastLink::followed);
  if (read.status != ReadStatus::ok) return std::nullopt;
  return std::move(read.content);
}

// Each line of a text, and whether `visit` wants the next.
template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!visit(line)) return;
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// A decimal id, as the files source takes one; nullopt for anything else.
std::optional<unsigned long> decimal_id(std::string_view field) {
  if (field.empty() || field.size() > 10) return std::nullopt;
  unsigned long value = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > std::numeric_limits<uint32_t>::max() - 1) return std::nullopt;  // (uid_t)-1 is no id
  return value;
}

// The ':'-separated fields of a line, at most `count`.
template <std::size_t Count>
std::size_t split_fields(std::string_view line, std::string_view (&fields)[Count]) {
  std::size_t n = 0;
  while (n < Count) {
    const std::size_t colon = line.find(':');
    fields[n++] = line.substr(0, colon);
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  return n;
}

// The first line of the file whose name field is `name`: found (its fields
// parsed by `take`), absent, or unclear.
template <std::size_t Count, typename Take>
FileAnswer first_line_named(std::string_view text, std::string_view name, std::size_t needed, Take take) {
  FileAnswer answer = FileAnswer::absent;
  for_each_line(text, [&](std::string_view line) {
    line = trim_left(line);
    if (line.empty() || line.front() == '#') return true;  // the files source skips these
    if (line.size() <= name.size() || line.compare(0, name.size(), name) != 0 || line[name.size()] != ':') {
      return true;
    }
    std::string_view fields[Count];
    answer = split_fields(line, fields) >= needed && take(fields) ? FileAnswer::found : FileAnswer::unclear;
    return false;
  });
  return answer;
}

bool files_first_on_this_host(std::string_view database) {
  static const std::optional<std::string> conf = read_host_file("/etc/nsswitch.conf");
  return conf && looks_in_files_first(*conf, database);
}

}  // namespace

bool looks_in_files_first(std::string_view nsswitch_conf, std::string_view database) {
  bool files_first = false;
  for_each_line(nsswitch_conf, [&](std::string_view line) {
    line = line.substr(0, line.find('#'));
    line = trim_left(line);
    if (line.size() <= database.size() || line.compare(0, database.size(), database) != 0) return true;
    std::string_view rest = trim_left(line.substr(database.size()));
    if (rest.empty() || rest.front() != ':') return true;
    rest = trim_left(rest.substr(1));
    std::size_t end = 0;
    while (end < rest.size() && !is_blank(rest[end])) ++end;
    files_first = rest.substr(0, end) == "files";
    return false;  // the first line for the database is the one the C library reads
  });
  return files_first;
}

FileAnswer user_in_passwd(std::string_view passwd, std::string_view name, UserAccount* account) {
  if (name.empty() || name.find(':') != std::string_view::npos) return FileAnswer::unclear;
  // name:password:uid:gid:gecos:home:shell, every field there
  return first_line_named<7>(passwd, name, 7, [&](std::string_view (&f)[7]) {
    const auto uid = decimal_id(f[2]);
    const auto gid = decimal_id(f[3]);
    if (!uid || !gid) return false;
    account->uid = static_cast<uid_t>(*uid);
    account->gid = static_cast<gid_t>(*gid);
    return true;
  });
}

FileAnswer group_in_group(std::string_view group, std::string_view name, gid_t* gid) {
  if (name.empty() || name.find(':') != std::string_view::npos) return FileAnswer::unclear;
  // name:password:gid:members, every field there (the members may be none)
  return first_line_named<4>(group, name, 4, [&](std::string_view (&f)[4]) {
    const auto id = decimal_id(f[2]);
    if (!id) return false;
    *gid = static_cast<gid_t>(*id);
    return true;
  });
}

std::optional<UserAccount> find_user(const std::string& name) {
  if (files_first_on_this_host("passwd")) {
    if (const auto text = read_host_file("/etc/passwd")) {
      UserAccount account;
      if (user_in_passwd(*text, name, &account) == FileAnswer::found) return account;
    }
  }
  if (const passwd* pw = ::getpwnam(name.c_str())) return UserAccount{pw->pw_uid, pw->pw_gid};
  return std::nullopt;
}

std::optional<gid_t> find_group(const std::string& name) {
  if (files_first_on_this_host("group")) {
    if (const auto text = read_host_file("/etc/group")) {
      gid_t gid = 0;
      if (group_in_group(*text, name, &gid) == FileAnswer::found) return gid;
    }
  }
  if (const group* gr = ::getgrnam(name.c_str())) return gr->gr_gid;
  return std::nullopt;
}

}  // namespace mosq
