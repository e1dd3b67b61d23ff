// The one filesystem seam. observe/ reads through it and apply/ writes
// through it, so tests can swap in a fake or a wrapper that injects faults
// (ENOSPC, a crash after N writes) without touching the code under test.
//
// The path rules live here, once, for every caller:
// - A HostPath's directories are resolved inside its root (--root): links
//   are followed as if the root were "/", never out of it (in_root.h).
// - The last component is never followed where the tool acts on a file it
//   manages (LastLink::not_followed): stat reports the link itself, and
//   read, change_mode and change_owner refuse it; write_atomic renames
//   over the link, never through it. Read-only inputs the operator names
//   (a secret's source file, the pid file, the spec) may be links
//   (LastLink::followed), resolved inside the root all the same.
// - A read takes a size cap and reads regular files only, opened
//   O_NONBLOCK: a FIFO, a device or /dev/zero is refused, never waited on.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/root.h"

namespace mosq {

enum class FileKind { missing, regular, directory, symlink, other };

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
  std::string error;  // why it is unreadable, for messages ("is a FIFO, not a regular file")
  FileInfo info;      // ok: the file read (fstat of the descriptor read from)
};

// Final mode and ownership of a file, applied to the temp file before the
// first byte is written, so a key is never readable by anyone else.
struct FilePolicy {
  mode_t mode = 0600;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

// A temp file write_atomic left beside a file (a run killed between
// creating and renaming it): it may hold a private key or password hashes.
struct StaleTempFile {
  HostPath beside;   // the file it was to replace
  std::string name;  // ".ca.key.tmp-123456789"
  std::string path;  // for people: in the same directory as `beside` is named
};

// Held while apply runs; released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};


class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual FileInfo stat(const HostPath& path, LastLink last) const = 0;
  // The whole content of a regular file of at most max_bytes; anything
  // else (larger, a FIFO, a device, a directory, a link not followed) is
  // unreadable, with the reason.
  virtual ReadResult read(const HostPath& path, std::size_t max_bytes, LastLink last) const = 0;

  // Temp file in the same directory (created with policy.mode, chowned),
  // write, fsync, rename over path, fsync the directory. A link at path is
  // replaced, never written through. Throws Error.
  virtual void write_atomic(const HostPath& path, std::string_view content,
                            const FilePolicy& policy) = 0;
  // mkdir -p; new directories get mode. Throws Error.
  virtual void create_directories(const HostPath& path, mode_t mode) = 0;
  // On the regular file at path itself: a link there is refused. Throw Error.
  virtual void change_mode(const HostPath& path, mode_t mode) = 0;
  virtual void change_owner(const HostPath& path, std::optional<uid_t> uid,
                            std::optional<gid_t> gid) = 0;
  // An exclusive advisory lock (flock) on path, created 0600 if missing.
  // Waits up to timeout (zero: not at all) while another process holds it,
  // then throws Error naming the holder's pid (from /proc/locks).
  virtual std::unique_ptr<FileLock> lock(const HostPath& path, std::chrono::milliseconds timeout) = 0;

  // The names in the directory at path (not "." or ".."), sorted bytewise;
  // the directory is reached as any path is (inside the root). Throws Error
  // naming it when it cannot be opened or read.
  virtual std::vector<std::string> list_directory(const HostPath& path) const = 0;

  // Temp files that write_atomic left beside each path (a run killed
  // between creating and renaming one): for paths[i], the names of regular
  // files in its directory that match its temp-name pattern exactly, sorted.
  // Links are never listed. Each directory is listed once, however many
  // of the paths are in it.
  virtual std::vector<std::vector<std::string>> stale_temp_files(const std::vector<HostPath>& paths) const = 0;
  // Removes one of them, checking again that temp_name is path's temp-name
  // pattern and a regular file (a link is left alone). Throws Error.
  virtual void remove_stale_temp_file(const HostPath& path, const std::string& temp_name) = 0;

  // From hold_writes() until commit_held_writes(), write_atomic writes
  // each temp file (mode and owner set, content written) and starts its
  // writeback, but neither waits for it nor renames: commit_held_writes()
  // fsyncs every temp file, all at once (the writeback already under way;
  // on a journalling filesystem one commit covers them all), renames them
  // in the order written, then fsyncs, again all at once, each directory
  // that got a new name (a file renamed in, a directory made meanwhile).
  // Until then a read of a held path gets what was written to it (read
  // your writes: its temp file, as it will be put in place); writing a held
  // path again commits what is held first. A greenfield apply's 23 fsyncs,
  // each waited for in turn, became 16 in two concurrent groups. A crash
  // before the commit leaves every name as it was (the temp files are found
  // as stale by the next run), never a partial file.
  // commit_held_writes() throws Error naming the files it could not put in
  // place (when a temp file's fsync fails, the files written before it are
  // put in place, it and those after it are not) and the directories it
  // could not sync. Without a hold (and by default) each write is
  // complete, its directory synced, when write_atomic returns.
  virtual void hold_writes() {}
  // Puts the writes held so far in place (fsync'ed together, renamed),
  // holding on: their directories are synced by commit_held_writes().
  // Throws Error as commit_held_writes() does for a file.
  virtual void put_held_writes_in_place() {}
  virtual void commit_held_writes() {}
};

// The process's real filesystem.
FileSystem& real_file_system();

// write_atomic's temp file for a file named file_name:
// ".mqttpass.tmp-123456789" (number taken modulo 10^9).
std::string temp_name_for(const std::string& file_name, unsigned number);
// Whether candidate is such a name for file_name, exactly; nothing else is.
bool is_temp_name_for(const std::string& file_name, const std::string& candidate);

// "64 MiB", for messages about size caps.
std::string format_size(std::size_t bytes);

}  // namespace mosq
