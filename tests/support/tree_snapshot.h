// A snapshot of everything under a directory, to prove that a run wrote
// nothing (or exactly what it should): path -> inode, times, mode, owner,
// size and content digest.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mosq::test {

struct EntryState {
  bool is_directory = false;
  ino_t inode = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;  // changes on chmod/chown too, even to the same values
  mode_t mode = 0;             // permission bits only
  uid_t uid = 0;
  gid_t gid = 0;
  std::int64_t size = 0;
  std::string sha256;  // regular files only
};

// Keys are paths relative to the snapshot's directory ("etc/mosquitto/mqttpass").
using TreeSnapshot = std::map<std::string, EntryState>;

// Walks dir (not following symlinks; a symlink is recorded by its own lstat).
TreeSnapshot snapshot_tree(const std::string& dir);

// One line per difference ("etc/x: mtime changed", "etc/y: added"); empty when
// the two snapshots are identical in every field, ctime included.
std::string describe_differences(const TreeSnapshot& before, const TreeSnapshot& after);

// The regular files of a snapshot, relative paths, sorted.
std::vector<std::string> regular_files(const TreeSnapshot& snapshot);

}  // namespace mosq::test
