#include "apply/backup.h"

#include <ctime>

#include "util/error.h"

namespace mosq::apply {

std::string backup_name(const std::string& file_name, std::int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d@%H:%M:%S", &utc);
  return file_name + "." + stamp + "~";
}

std::string keep_backup(FileSystem& fs, const HostPath& file, const std::string& content, std::int64_t now) {
  const FileInfo info = fs.stat(file, LastLink::not_followed);
  if (!info.error.empty()) throw Error(file.str() + ": cannot inspect: " + info.error);
  const std::string dir = parent_path(file.inside());
  auto beside = [&](const std::string& name) { return file.sibling((dir == "/" ? "" : dir) + "/" + name); };
  const std::string base = backup_name(base_name(file.inside()), now);
  // Two applies in one second: .2~, .3~, ... (never over an earlier backup).
  std::string name = base;
  for (int n = 2; fs.stat(beside(name), LastLink::not_followed).exists(); ++n) {
    if (n > 1000) throw Error(file.str() + ": too many backups made in one second");
    name = base.substr(0, base.size() - 1) + "." + std::to_string(n) + "~";
  }
  const HostPath backup = beside(name);
  fs.write_atomic(backup, content, FilePolicy{info.mode, info.uid, info.gid});
  return backup.inside();
}

}  // namespace mosq::apply
