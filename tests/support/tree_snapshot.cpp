#include "support/tree_snapshot.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.h"
#include "util/digest.h"

namespace mosq::test {
namespace {

std::int64_t nanos(const timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void walk(const std::string& base, const std::string& relative, TreeSnapshot& out) {
  const std::string dir = relative.empty() ? base : base + "/" + relative;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) throw std::runtime_error("snapshot: cannot open " + dir + ": " + std::strerror(errno));
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(handle);
  for (const std::string& name : names) {
    const std::string rel = relative.empty() ? name : relative + "/" + name;
    const std::string full = base + "/" + rel;
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) {
      throw std::runtime_error("snapshot: cannot stat " + full + ": " + std::strerror(errno));
    }
    EntryState state;
    state.is_directory = S_ISDIR(st.st_mode);
    state.inode = st.st_ino;
    state.mtime_ns = nanos(st.st_mtim);
    state.ctime_ns = nanos(st.st_ctim);
    state.mode = st.st_mode & 07777;
    state.uid = st.st_uid;
    state.gid = st.st_gid;
    state.size = static_cast<std::int64_t>(st.st_size);
    if (S_ISREG(st.st_mode)) state.sha256 = sha256_hex(read_file(full));
    out[rel] = state;
    if (state.is_directory) walk(base, rel, out);
  }
}

}  // namespace

TreeSnapshot snapshot_tree(const std::string& dir) {
  TreeSnapshot out;
  walk(dir, "", out);
  return out;
}

std::string describe_differences(const TreeSnapshot& before, const TreeSnapshot& after) {
  std::ostringstream out;
  for (const auto& [path, old_state] : before) {
    auto it = after.find(path);
    if (it == after.end()) {
      out << path << ": removed\n";
      continue;
    }
    const EntryState& now = it->second;
    if (now.inode != old_state.inode) out << path << ": inode changed (replaced)\n";
    if (now.mtime_ns != old_state.mtime_ns) out << path << ": mtime changed\n";
    if (now.ctime_ns != old_state.ctime_ns) out << path << ": ctime changed (metadata touched)\n";
    if (now.mode != old_state.mode) {
      out << path << ": mode " << std::oct << old_state.mode << " -> " << now.mode << std::dec << "\n";
    }
    if (now.uid != old_state.uid || now.gid != old_state.gid) out << path << ": owner changed\n";
    if (now.size != old_state.size) out << path << ": size changed\n";
    if (now.sha256 != old_state.sha256) out << path << ": content changed\n";
  }
  for (const auto& [path, state] : after) {
    if (before.count(path) == 0) out << path << ": added\n";
  }
  return out.str();
}

std::vector<std::string> regular_files(const TreeSnapshot& snapshot) {
  std::vector<std::string> files;
  for (const auto& [path, state] : snapshot) {
    if (!state.is_directory) files.push_back(path);
  }
  return files;
}

}  // namespace mosq::test
