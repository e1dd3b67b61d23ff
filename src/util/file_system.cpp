#include "util/file_system.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <random>

#include "util/error.h"
#include "util/root.h"
#include "util/unique_fd.h"

namespace mosq {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string base_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void fsync_directory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error(dir + ": cannot open directory to sync: " + errno_text(errno));
  if (::fsync(fd.get()) != 0) throw Error(dir + ": fsync failed: " + errno_text(errno));
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

class RealFileSystem : public FileSystem {
 public:
  FileInfo stat(const std::string& path) const override {
    FileInfo info;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) info.error = errno_text(errno);
      return info;
    }
    info.kind = S_ISREG(st.st_mode)   ? FileKind::regular
                : S_ISDIR(st.st_mode) ? FileKind::directory
                                      : FileKind::other;
    info.mode = st.st_mode & 07777;
    info.uid = st.st_uid;
    info.gid = st.st_gid;
    info.inode = st.st_ino;
    info.size = st.st_size;
    info.mtime = st.st_mtim;
    return info;
  }

  ReadResult read(const std::string& path) const override {
    ReadResult result;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      result.status = (errno == ENOENT || errno == ENOTDIR) ? ReadStatus::missing
                                                            : ReadStatus::unreadable;
      result.error = errno_text(errno);
      return result;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
      result.status = ReadStatus::unreadable;
      result.error = "is a directory";
      return result;
    }
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        result.status = ReadStatus::unreadable;
        result.error = errno_text(errno);
        result.content.clear();
        return result;
      }
      result.content.append(buf, static_cast<size_t>(n));
    }
    result.status = ReadStatus::ok;
    return result;
  }

  void write_atomic(const std::string& path, std::string_view content,
                    const FilePolicy& policy) override {
    const std::string dir = parent_path(path);
    std::random_device rd;
    std::string tmp;
    UniqueFd fd;
    for (int attempt = 0; attempt < 16 && !fd; ++attempt) {
      tmp = dir + "/." + base_of(path) + ".tmp-" + std::to_string(rd() % 1000000000u);
      // O_EXCL with the final mode: the file never exists with looser bits
      // (umask can only remove bits; fchmod below sets them exactly).
      fd.reset(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, policy.mode & 0600));
      if (!fd && errno != EEXIST) {
        throw Error(path + ": cannot create temporary file in " + dir + ": " + errno_text(errno));
      }
    }
    if (!fd) throw Error(path + ": cannot create a unique temporary file in " + dir);
    auto fail = [&](const std::string& what) {
      int err = errno;
      ::unlink(tmp.c_str());
      throw Error(path + ": " + what + ": " + errno_text(err));
    };
    if (policy.uid || policy.gid) {
      if (::fchown(fd.get(), policy.uid ? *policy.uid : static_cast<uid_t>(-1),
                   policy.gid ? *policy.gid : static_cast<gid_t>(-1)) != 0) {
        fail("cannot set owner");
      }
    }
    if (::fchmod(fd.get(), policy.mode) != 0) fail("cannot set mode");
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("write failed");
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail("fsync failed");
    if (::close(fd.release()) != 0) fail("close failed");
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename failed");
    fsync_directory(dir);
  }

  void create_directories(const std::string& path, mode_t mode) override {
    if (path.empty()) return;
    std::string partial;
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      partial = path.substr(0, pos);
      if (partial.empty()) continue;
      if (::mkdir(partial.c_str(), mode) != 0) {
        if (errno == EEXIST) continue;
        throw Error(partial + ": cannot create directory: " + errno_text(errno));
      }
      // mkdir's mode is filtered by umask; set it exactly.
      if (::chmod(partial.c_str(), mode) != 0) {
        throw Error(partial + ": cannot set mode: " + errno_text(errno));
      }
      fsync_directory(parent_path(partial));
    }
  }

  void change_mode(const std::string& path, mode_t mode) override {
    if (::chmod(path.c_str(), mode) != 0) {
      throw Error(path + ": cannot set mode: " + errno_text(errno));
    }
  }

  void change_owner(const std::string& path, std::optional<uid_t> uid,
                    std::optional<gid_t> gid) override {
    if (::chown(path.c_str(), uid ? *uid : static_cast<uid_t>(-1),
                gid ? *gid : static_cast<gid_t>(-1)) != 0) {
      throw Error(path + ": cannot set owner: " + errno_text(errno));
    }
  }

  std::unique_ptr<FileLock> lock(const std::string& path, std::chrono::milliseconds timeout) override {
    // A directory (the root) is locked through a read-only descriptor.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd && errno == ENOENT) fd.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw Error(path + ": cannot open to lock: " + errno_text(errno));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) throw Error(path + ": cannot lock: " + errno_text(errno));
      if (std::chrono::steady_clock::now() >= deadline) {
        struct stat st {};
        const auto holder = ::fstat(fd.get(), &st) == 0 ? lock_holder(st) : std::nullopt;
        throw Error(path + ": another mosq-reconcile run holds the lock" +
                    (holder ? " (pid " + std::to_string(*holder) + ")" : std::string()) + " and did not release it within " +
                    (timeout.count() % 1000 == 0 ? std::to_string(timeout.count() / 1000) + " s"
                                                 : std::to_string(timeout.count()) + " ms") +
                    " (--lock-timeout)");
      }
      ::usleep(50 * 1000);
    }
    return std::make_unique<FlockLock>(std::move(fd));
  }
};

}  // namespace

FileSystem& real_file_system() {
  static RealFileSystem fs;
  return fs;
}

}  // namespace mosq
