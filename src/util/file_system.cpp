#include "util/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <random>

#include "util/error.h"
#include "util/in_root.h"
#include "util/parallel_for.h"
#include "util/unique_fd.h"

namespace mosq {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

bool is_absent(int err) { return err == ENOENT || err == ENOTDIR; }

std::string kind_text(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode)) return "is a character device, not a regular file";
  if (S_ISBLK(mode)) return "is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  if (S_ISLNK(mode)) return "is a symbolic link, which mosq-reconcile does not follow here";
  return "is not a regular file";
}

std::string open_error(const Located& at, int err) {
  if (err == ELOOP && !at.kernel_follows && !at.follow_links) return kind_text(S_IFLNK);
  return errno_text(err);
}

// fsyncs descriptors fd_of(0..count-1) all at once, each waited for on a
// thread of its own (up to 16), and returns each one's errno (0: synced).
// Waited for in turn, each fsync was a journal commit or a disk cache
// flush of its own; issued together, on a journalling filesystem they share
// the commit, and the block layer merges flushes requested while one is
// under way. A greenfield apply waits for 16: issued together, its time
// was 0.93x-0.98x of waiting for them in turn on a quiet disk, 0.88x-0.95x
// beside another process's fsyncs (paired runs, bench/RESULTS.md). On
// ext4 without a journal (the bench machine's) each fsync still writes its
// inode's block and new parents' blocks in turn, then flushes: tracing
// showed 9-11 flushes, not 2 (bench/RESULTS.md, seventh session).
template <typename FdOf>
std::vector<int> fsync_together(std::size_t count, const FdOf& fd_of) {
  std::vector<int> errors(count, 0);
  parallel_for(count, static_cast<unsigned>(std::min<std::size_t>(count, 16)), [&](std::size_t i) {
    if (::fsync(fd_of(i)) != 0) errors[i] = errno;
  });
  return errors;
}

// A directory descriptor that can be fsync'ed and listed (O_PATH cannot).
UniqueFd open_directory(const Located& at) {
  return UniqueFd(::openat(at.dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

void fsync_directory(const Located& at, const std::string& shown) {
  UniqueFd fd = open_directory(at);
  if (!fd) throw Error(shown + ": cannot open its directory to sync: " + errno_text(errno));
  if (::fsync(fd.get()) != 0) throw Error(shown + ": directory fsync failed: " + errno_text(errno));
}

Located locate_or_throw(const HostPath& path, LastLink last, const std::string& what) {
  Located at = locate(path, last);
  if (at.error != 0) throw Error(path.str() + ": " + what + ": " + errno_text(at.error));
  return at;
}

// The regular file at `at` itself, opened O_PATH: what change_mode and
// change_owner act on. A link there is refused, never followed.
UniqueFd open_managed_file(const Located& at, const HostPath& path, const std::string& what) {
  UniqueFd fd(::openat(at.dir.get(), at.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) throw Error(path.str() + ": cannot " + what + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    throw Error(path.str() + ": cannot " + what + ": " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) throw Error(path.str() + ": cannot " + what + ": " + kind_text(st.st_mode));
  return fd;
}

// Each directory from the top down to `path`: "/a/b" -> "/a", "/a/b"; "a/b" -> "a", "a/b".
std::vector<std::string> prefixes(const std::string& path) {
  std::vector<std::string> out;
  for (std::size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
    std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && (out.empty() || out.back() != prefix)) {
      out.push_back(prefix);
    }
    if (pos == std::string::npos) break;
  }
  return out;
}

// The pid of the process holding a flock on the file (device and inode
// of st), from /proc/locks: "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF".
std::optional<pid_t> lock_holder(const struct stat& st) {
  std::ifstream locks("/proc/locks");
  std::string line;
  char wanted[64];
  std::snprintf(wanted, sizeof wanted, "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
                static_cast<unsigned long>(st.st_ino));
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string slot, kind, mode, access, pid, file;
    if (!(fields >> slot >> kind)) continue;
    if (kind == "->") fields >> kind;  // a waiter
    if (!(fields >> mode >> access >> pid >> file) || kind != "FLOCK" || file != wanted) continue;
    try {
      return static_cast<pid_t>(std::stol(pid));
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

class FlockLock : public FileLock {
 public:
  explicit FlockLock(UniqueFd fd) : m_fd(std::move(fd)) {}
  ~FlockLock() override { ::flock(m_fd.get(), LOCK_UN); }

 private:
  UniqueFd m_fd;
};

FileInfo file_info(const struct stat& st) {
  FileInfo info;
  info.kind = S_ISREG(st.st_mode)   ? FileKind::regular
              : S_ISDIR(st.st_mode) ? FileKind::directory
              : S_ISLNK(st.st_mode) ? FileKind::symlink
                                    : FileKind::other;
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.inode = st.st_ino;
  info.size = st.st_size;
  info.mtime = st.st_mtim;
  return info;
}

class RealFileSystem : public FileSystem {
 public:
  FileInfo stat(const HostPath& path, LastLink last) const override {
    FileInfo info;
    Located at = locate(path, last);
    struct stat st {};
    int err = at.error;
    while (err == 0) {
      if (::fstatat(at.dir.get(), at.name.c_str(), &st, at.at_flags()) != 0) {
        err = errno;
      } else if (!S_ISLNK(st.st_mode) || !follow_link(at)) {
        err = at.error;
        break;
      }
    }
    if (err != 0) {
      if (!is_absent(err)) info.error = errno_text(err);
      return info;
    }
    return file_info(st);
  }

  ReadResult read(const HostPath& path, std::size_t max_bytes, LastLink last) const override {
    ReadResult result;
    auto fail = [&](ReadStatus status, std::string why) {
      result.status = status;
      result.error = std::move(why);
      result.content.clear();
      return result;
    };
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then
    // refused below, as is anything but a regular file).
    constexpr int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    UniqueFd fd;
    if (const StagedFile* staged = staged_at(path)) {
      // Read your writes: while writes are held, a path written in the
      // hold reads as it will be once put in place (its temp file).
      fd.reset(::openat(staged->at.dir.get(), staged->tmp.c_str(), flags | O_NOFOLLOW));
      if (!fd) return fail(ReadStatus::unreadable, staged->shown + ": " + errno_text(errno));
    } else {
      fd = open_in_root(path, last, flags);
    }
    if (!fd) {  // the long way, which says what went wrong
      Located at = locate(path, last);
      if (at.error != 0) {
        return fail(is_absent(at.error) ? ReadStatus::missing : ReadStatus::unreadable,
                    errno_text(at.error));
      }
      fd = open_at(at, flags);
      if (!fd) {
        int err = errno;
        return fail(is_absent(err) ? ReadStatus::missing : ReadStatus::unreadable,
                    open_error(at, err));
      }
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail(ReadStatus::unreadable, errno_text(errno));
    if (!S_ISREG(st.st_mode)) return fail(ReadStatus::unreadable, kind_text(st.st_mode));
    auto too_large = [&] {
      return "is larger than the " + format_size(max_bytes) +
             " mosq-reconcile reads of such a file; is it the right file?";
    };
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
      return fail(ReadStatus::unreadable, too_large());
    }
    result.content.reserve(static_cast<std::size_t>(st.st_size));
    char buf[65536];
    std::size_t used = 0;  // of buf, wiped at the end (a secret file passes through it)
    for (;;) {
      // One byte past the cap tells a file that grew since fstat.
      const std::size_t wanted = std::min(sizeof buf, max_bytes + 1 - result.content.size());
      ssize_t n = ::read(fd.get(), buf, wanted);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        explicit_bzero(buf, used);
        return fail(ReadStatus::unreadable, errno_text(errno));
      }
      used = std::max(used, static_cast<std::size_t>(n));
      result.content.append(buf, static_cast<std::size_t>(n));
      if (result.content.size() > max_bytes) {
        explicit_bzero(buf, used);
        return fail(ReadStatus::unreadable, too_large());
      }
      // A regular file's short read is its end: all fstat counted is in,
      // and another read() would only say so (one system call a file).
      if (static_cast<std::size_t>(n) < wanted && result.content.size() >= static_cast<std::size_t>(st.st_size)) {
        break;
      }
    }
    explicit_bzero(buf, used);
    result.status = ReadStatus::ok;
    result.info = file_info(st);
    return result;
  }

  void write_atomic(const HostPath& path, std::string_view content,
                    const FilePolicy& policy) override {
    const std::string shown = path.str();
    // A path written twice in one hold: the first write is put in place
    // before the second is made.
    for (const StagedFile& staged : m_staged) {
      if (staged.shown == shown) {
        commit_staged();
        break;
      }
    }
    Located at = locate_or_throw(path, LastLink::not_followed, "cannot open its directory");
    std::random_device rd;
    std::string tmp;
    UniqueFd fd;
    for (int attempt = 0; attempt < 16 && !fd; ++attempt) {
      tmp = temp_name_for(at.name, rd());
      // O_EXCL with the final mode: the file never exists with looser bits
      // (umask can only remove bits; fchmod below sets them exactly).
      fd.reset(::openat(at.dir.get(), tmp.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, policy.mode & 0600));
      if (!fd && errno != EEXIST) {
        throw Error(shown + ": cannot create a temporary file beside it: " + errno_text(errno));
      }
    }
    if (!fd) throw Error(shown + ": cannot create a unique temporary file beside it");
    auto fail = [&](const std::string& what) {
      int err = errno;
      ::unlinkat(at.dir.get(), tmp.c_str(), 0);
      throw Error(shown + ": " + what + ": " + errno_text(err));
    };
    if (policy.uid || policy.gid) {
      if (::fchown(fd.get(), policy.uid ? *policy.uid : static_cast<uid_t>(-1),
                   policy.gid ? *policy.gid : static_cast<gid_t>(-1)) != 0) {
        fail("cannot set owner");
      }
    }
    if (::fchmod(fd.get(), policy.mode) != 0) fail("cannot set mode");
    std::size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("write failed");
      }
      done += static_cast<std::size_t>(n);
    }
    if (m_holding) {
      // Writeback starts now, so the commit's fsyncs find it under way (on
      // a journalling filesystem one commit then covers every held file; an
      // optimisation only: its failure is not an error, the fsync still comes).
      ::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
      m_staged.push_back(StagedFile{std::move(at), std::move(tmp), std::move(fd), shown});
      return;
    }
    if (::fsync(fd.get()) != 0) fail("fsync failed");
    if (::close(fd.release()) != 0) fail("close failed");
    // rename replaces whatever is at the name, a link included, and never
    // writes through it.
    if (::renameat(at.dir.get(), tmp.c_str(), at.dir.get(), at.name.c_str()) != 0) {
      fail("rename failed");
    }
    sync_directory_of(at, shown);
  }

  void create_directories(const HostPath& path, mode_t mode) override {
    for (const std::string& prefix : prefixes(path.inside())) {
      const HostPath dir = path.sibling(prefix);
      if (stat(dir, LastLink::followed).kind == FileKind::directory) continue;
      Located at = locate_or_throw(dir, LastLink::not_followed, "cannot create directory");
      if (::mkdirat(at.dir.get(), at.name.c_str(), mode) != 0) {
        if (errno == EEXIST) {
          throw Error(dir.str() + ": cannot create directory: something else is there" +
                      (path.confined() && !path.root().empty()
                           ? " (a link that does not lead to a directory inside --root " +
                                 path.root() + "?)"
                           : std::string()));
        }
        throw Error(dir.str() + ": cannot create directory: " + errno_text(errno));
      }
      // mkdir's mode is filtered by umask; set it exactly.
      UniqueFd made(::openat(at.dir.get(), at.name.c_str(),
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!made || ::fchmod(made.get(), mode) != 0) {
        throw Error(dir.str() + ": cannot set mode: " + errno_text(errno));
      }
      sync_directory_of(at, dir.str());
    }
  }

  void change_mode(const HostPath& path, mode_t mode) override {
    Located at = locate_or_throw(path, LastLink::not_followed, "cannot set mode");
    UniqueFd fd = open_managed_file(at, path, "set mode");
    // fchmod does not take an O_PATH descriptor; its /proc entry names
    // exactly the file opened above, whatever is at the path by now.
    const std::string self = "/proc/self/fd/" + std::to_string(fd.get());
    if (::chmod(self.c_str(), mode) != 0) {
      throw Error(path.str() + ": cannot set mode: " + errno_text(errno) +
                  (errno == ENOENT ? " (is /proc mounted?)" : ""));
    }
  }

  void change_owner(const HostPath& path, std::optional<uid_t> uid,
                    std::optional<gid_t> gid) override {
    Located at = locate_or_throw(path, LastLink::not_followed, "cannot set owner");
    UniqueFd fd = open_managed_file(at, path, "set owner");
    if (::fchownat(fd.get(), "", uid ? *uid : static_cast<uid_t>(-1),
                   gid ? *gid : static_cast<gid_t>(-1), AT_EMPTY_PATH) != 0) {
      throw Error(path.str() + ": cannot set owner: " + errno_text(errno));
    }
  }

  std::unique_ptr<FileLock> lock(const HostPath& path, std::chrono::milliseconds timeout) override {
    Located at = locate_or_throw(path, LastLink::followed, "cannot open to lock");
    // A directory (the root, the state dir) is locked through a read-only descriptor.
    UniqueFd fd = open_at(at, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (!fd && errno == ENOENT) {
      fd.reset(::openat(at.dir.get(), at.name.c_str(),
                        O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    }
    const std::string shown = path.str();
    if (!fd) throw Error(shown + ": cannot open to lock: " + errno_text(errno));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) throw Error(shown + ": cannot lock: " + errno_text(errno));
      if (std::chrono::steady_clock::now() >= deadline) {
        struct stat st {};
        const auto holder = ::fstat(fd.get(), &st) == 0 ? lock_holder(st) : std::nullopt;
        throw Error(shown + ": another mosq-reconcile run holds the lock" +
                    (holder ? " (pid " + std::to_string(*holder) + ")" : std::string()) + " and did not release it within " +
                    (timeout.count() % 1000 == 0 ? std::to_string(timeout.count() / 1000) + " s"
                                                 : std::to_string(timeout.count()) + " ms") +
                    " (--lock-timeout)");
      }
      ::usleep(50 * 1000);
    }
    return std::make_unique<FlockLock>(std::move(fd));
  }

  std::vector<std::string> list_directory(const HostPath& path) const override {
    // Located as an entry inside it: `dir` is then the directory itself.
    const std::string inside = path.inside() == "/" ? "/." : path.inside() + "/.";
    Located at = locate(path.sibling(inside), LastLink::not_followed);
    if (at.error != 0) throw Error(path.str() + ": cannot open the directory: " + errno_text(at.error));
    UniqueFd listing = open_directory(at);
    if (!listing) throw Error(path.str() + ": cannot list the directory: " + errno_text(errno));
    DIR* dir = ::fdopendir(listing.get());
    if (dir == nullptr) throw Error(path.str() + ": cannot list the directory: " + errno_text(errno));
    listing.release();  // closedir closes it
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
      errno = 0;
    }
    const int error = errno;
    ::closedir(dir);
    if (error != 0) throw Error(path.str() + ": cannot list the directory: " + errno_text(error));
    std::sort(names.begin(), names.end());
    return names;
  }

  std::vector<std::vector<std::string>> stale_temp_files(const std::vector<HostPath>& paths) const override {
    std::vector<std::vector<std::string>> found(paths.size());
    std::vector<bool> listed(paths.size(), false);
    for (std::size_t first = 0; first < paths.size(); ++first) {
      if (listed[first]) continue;
      // paths[first] and every later path in the same directory.
      std::vector<std::size_t> group;
      const std::string dir_of = parent_path(paths[first].inside());
      for (std::size_t i = first; i < paths.size(); ++i) {
        if (!listed[i] && paths[i].root() == paths[first].root() &&
            paths[i].confined() == paths[first].confined() && parent_path(paths[i].inside()) == dir_of) {
          listed[i] = true;
          group.push_back(i);
        }
      }
      std::vector<std::string> names;  // each group member's last component
      for (std::size_t i : group) names.push_back(base_name(paths[i].inside()));
      // The directory opened for reading in one openat2 where it can be
      // (else as locate() reaches it), and read with getdents64: readdir's
      // fdopendir would add an fstat and two fcntl calls.
      UniqueFd listing = open_in_root(paths[first].sibling(dir_of), LastLink::followed,
                                      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (!listing) {
        Located at = locate(paths[first], LastLink::not_followed);
        if (at.error != 0) continue;
        listing = open_directory(at);
        if (!listing) continue;
      }
      alignas(dirent64) char entries[16384];
      for (;;) {
        const ssize_t size = ::getdents64(listing.get(), entries, sizeof entries);
        if (size <= 0) break;
        for (ssize_t offset = 0; offset < size;) {
          const auto* entry = reinterpret_cast<const dirent64*>(entries + offset);
          offset += entry->d_reclen;
          const std::string name = entry->d_name;
          for (std::size_t k = 0; k < group.size(); ++k) {
            struct stat st {};
            if (is_temp_name_for(names[k], name) &&
                ::fstatat(listing.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
              found[group[k]].push_back(name);
            }
          }
        }
      }
      for (std::size_t i : group) std::sort(found[i].begin(), found[i].end());
    }
    return found;
  }

  void remove_stale_temp_file(const HostPath& path, const std::string& temp_name) override {
    Located at = locate_or_throw(path, LastLink::not_followed, "cannot open its directory");
    const std::string shown = parent_path(path.str()) + "/" + temp_name;
    if (!is_temp_name_for(at.name, temp_name)) {
      throw Error("internal error: " + shown + " is not a temporary file of " + path.str());
    }
    struct stat st {};
    if (::fstatat(at.dir.get(), temp_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return;  // gone already
      throw Error(shown + ": cannot inspect: " + errno_text(errno));
    }
    if (!S_ISREG(st.st_mode)) {
      throw Error(shown + ": not removed: it " + kind_text(st.st_mode));
    }
    // unlinkat removes the name itself; were it swapped for a link
    // meanwhile, the link would go, never its target.
    if (::unlinkat(at.dir.get(), temp_name.c_str(), 0) != 0 && errno != ENOENT) {
      throw Error(shown + ": cannot remove: " + errno_text(errno));
    }
  }

  void hold_writes() override { m_holding = true; }

  void put_held_writes_in_place() override { commit_staged(); }

  void commit_held_writes() override {
    std::string failed;
    try {
      commit_staged();
    } catch (const Error& e) {
      failed = e.what();
    }
    m_holding = false;
    std::vector<HeldDirectory> held = std::move(m_held);
    m_held.clear();
    const std::vector<int> errors = fsync_together(held.size(), [&](std::size_t i) { return held[i].fd.get(); });
    for (std::size_t i = 0; i < held.size(); ++i) {
      if (errors[i] != 0) {
        failed += (failed.empty() ? "" : "\n") + held[i].shown + ": directory fsync failed: " + errno_text(errors[i]);
      }
    }
    if (!failed.empty()) throw Error(failed);
  }

 private:
  // A held write: its temp file, written, not yet fsync'ed or renamed.
  struct StagedFile {
    Located at;
    std::string tmp;
    UniqueFd fd;
    std::string shown;
  };

  // The file written to `path` in this hold, not yet put in place.
  const StagedFile* staged_at(const HostPath& path) const {
    if (m_staged.empty()) return nullptr;
    const std::string shown = path.str();
    for (const StagedFile& staged : m_staged) {
      if (staged.shown == shown) return &staged;
    }
    return nullptr;
  }

  // A directory that holds a new name (a file renamed in, a directory
  // made), to be fsync'ed once: `shown` is the first such name, for messages.
  struct HeldDirectory {
    dev_t dev;
    ino_t ino;
    std::string shown;
    UniqueFd fd;
  };

  // Puts the held writes in place, in the order written: every temp file
  // fsync'ed first (all at once), then each renamed (its directory held for
  // its sync). At the first failure in that order, the files before it are
  // in place, that file and the ones after it are not (their temp files
  // removed), and Error names them.
  void commit_staged() {
    std::vector<StagedFile> staged = std::move(m_staged);
    m_staged.clear();
    std::size_t done = 0;  // renamed
    const auto fail = [&](std::size_t at, const std::string& what, int err) {
      std::string not_written;
      for (std::size_t i = at; i < staged.size(); ++i) {
        ::unlinkat(staged[i].at.dir.get(), staged[i].tmp.c_str(), 0);
        if (i > at) not_written += (not_written.empty() ? "" : ", ") + staged[i].shown;
      }
      throw Error(staged[at].shown + ": " + what + ": " + errno_text(err) +
                  (not_written.empty() ? std::string() : "; not written either: " + not_written));
    };
    const std::vector<int> errors = fsync_together(staged.size(), [&](std::size_t i) { return staged[i].fd.get(); });
    std::size_t synced = 0;
    while (synced < staged.size() && errors[synced] == 0) ++synced;
    const int sync_error = synced < staged.size() ? errors[synced] : 0;
    // Those before a failed fsync are put in place, as without a hold.
    for (; done < synced; ++done) {
      StagedFile& file = staged[done];
      if (::close(file.fd.release()) != 0) fail(done, "close failed", errno);
      // rename replaces whatever is at the name, a link included, and never
      // writes through it.
      if (::renameat(file.at.dir.get(), file.tmp.c_str(), file.at.dir.get(), file.at.name.c_str()) != 0) {
        fail(done, "rename failed", errno);
      }
      sync_directory_of(file.at, file.shown);
    }
    if (synced < staged.size()) fail(synced, "fsync failed", sync_error);
  }

  // Makes the new name `at` stands for durable: fsyncs its directory now,
  // or, while syncs are held, keeps the directory (once) for later.
  void sync_directory_of(const Located& at, const std::string& shown) {
    if (!m_holding) {
      fsync_directory(at, shown);
      return;
    }
    struct stat st {};
    if (::fstat(at.dir.get(), &st) != 0) {
      throw Error(shown + ": cannot stat its directory: " + errno_text(errno));
    }
    for (const HeldDirectory& dir : m_held) {
      if (dir.dev == st.st_dev && dir.ino == st.st_ino) return;
    }
    UniqueFd fd = open_directory(at);
    if (!fd) throw Error(shown + ": cannot open its directory to sync: " + errno_text(errno));
    m_held.push_back(HeldDirectory{st.st_dev, st.st_ino, shown, std::move(fd)});
  }

  bool m_holding = false;
  std::vector<StagedFile> m_staged;
  std::vector<HeldDirectory> m_held;
};

}  // namespace

FileSystem& real_file_system() {
  static RealFileSystem fs;
  return fs;
}

std::string temp_name_for(const std::string& file_name, unsigned number) {
  return "." + file_name + ".tmp-" + std::to_string(number % 1000000000u);
}

bool is_temp_name_for(const std::string& file_name, const std::string& candidate) {
  const std::string prefix = "." + file_name + ".tmp-";
  if (file_name.empty() || file_name == "." || candidate.size() <= prefix.size() ||
      candidate.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  const std::string digits = candidate.substr(prefix.size());
  // write_atomic's suffix: a number below 10^9, in decimal.
  return digits.size() <= 9 &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string format_size(std::size_t bytes) {
  constexpr std::size_t k_kib = 1024, k_mib = 1024 * 1024;
  if (bytes >= k_mib && bytes % k_mib == 0) return std::to_string(bytes / k_mib) + " MiB";
  if (bytes >= k_kib && bytes % k_kib == 0) return std::to_string(bytes / k_kib) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace mosq
