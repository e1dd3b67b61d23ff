// The one filesystem seam. observe/ reads through it and apply/ writes
// through it, so tests can swap in a fake or a wrapper that injects faults
// (ENOSPC, a crash after N writes) without touching the code under test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mosq {

enum class FileKind { missing, regular, directory, other };

struct FileInfo {
  FileKind kind = FileKind::missing;
  mode_t mode = 0;  // permission bits only (07777)
  uid_t uid = 0;
  gid_t gid = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec mtime{};
  std::string error;  // set when stat failed for a reason other than ENOENT

  bool exists() const { return kind != FileKind::missing; }
};

enum class ReadStatus { ok, missing, unreadable };

struct ReadResult {
  ReadStatus status = ReadStatus::missing;
  std::string content;
  std::string error;  // why it is unreadable (strerror), for messages
};

// Final mode and ownership of a file, applied to the temp file before the
// first byte is written, so a key is never readable by anyone else.
struct FilePolicy {
  mode_t mode = 0600;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

// Held while apply runs; released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};


class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual FileInfo stat(const std::string& path) const = 0;
  virtual ReadResult read(const std::string& path) const = 0;

  // Temp file in the same directory (created with policy.mode, chowned),
  // write, fsync, rename over path, fsync the directory. Throws Error.
  virtual void write_atomic(const std::string& path, std::string_view content,
                            const FilePolicy& policy) = 0;
  // mkdir -p; new directories get mode. Throws Error.
  virtual void create_directories(const std::string& path, mode_t mode) = 0;
  virtual void change_mode(const std::string& path, mode_t mode) = 0;
  virtual void change_owner(const std::string& path, std::optional<uid_t> uid,
                            std::optional<gid_t> gid) = 0;
  // An exclusive advisory lock (flock) on path, created 0600 if missing.
  // Waits up to timeout (zero: not at all) while another process holds it,
  // then throws Error naming the holder's pid (from /proc/locks).
  virtual std::unique_ptr<FileLock> lock(const std::string& path, std::chrono::milliseconds timeout) = 0;
};

// The process's real filesystem.
FileSystem& real_file_system();

}  // namespace mosq
