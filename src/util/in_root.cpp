#include "util/in_root.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

namespace mosq {
namespace {

// "a//b/./c" -> {"a", "b", ".", "c"} minus the empty parts; "." and ".."
// are kept (they mean something only once the links before them are known).
std::deque<std::string> components(const std::string& path) {
  std::deque<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool read_link(int link_fd, std::string& target) {
  std::vector<char> buf(256);
  for (;;) {
    ssize_t n = ::readlinkat(link_fd, "", buf.data(), buf.size());
    if (n < 0) return false;
    if (static_cast<std::size_t>(n) < buf.size()) {
      target.assign(buf.data(), static_cast<std::size_t>(n));
      return true;
    }
    if (buf.size() >= 65536) {
      errno = ENAMETOOLONG;
      return false;
    }
    buf.resize(buf.size() * 2);
  }
}

UniqueFd fail(int err) {
  errno = err;
  return UniqueFd();
}

bool read_link_at(int dir, const std::string& name, std::string& target) {
  std::vector<char> buf(4096);
  ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
  if (n < 0 || static_cast<std::size_t>(n) >= buf.size()) return false;
  target.assign(buf.data(), static_cast<std::size_t>(n));
  return true;
}

// The KeptRoot's: its directory as HostPath::root() names it, and its descriptor.
struct Kept {
  std::string root;
  UniqueFd fd;
};
Kept g_kept;

std::string relative_to_root(const std::string& dir) {
  const std::size_t first = dir.find_first_not_of('/');
  return first == std::string::npos ? "" : dir.substr(first);
}

}  // namespace

UniqueFd open_dir_in_root_by_walk(int root_fd, const std::string& relative) {
  // The directories walked so far, root first: ".." pops one (never the
  // root), so it is resolved by what was walked, not by the kernel.
  std::vector<UniqueFd> walked;
  walked.emplace_back(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  if (!walked.back()) return UniqueFd();
  std::deque<std::string> left = components(relative);
  int links = 0;
  while (!left.empty()) {
    const std::string part = std::move(left.front());
    left.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (walked.size() > 1) walked.pop_back();
      continue;
    }
    UniqueFd next(::openat(walked.back().get(), part.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next) return UniqueFd();
    struct stat st {};
    if (::fstat(next.get(), &st) != 0) return UniqueFd();
    if (S_ISLNK(st.st_mode)) {
      if (++links > k_max_links) return fail(ELOOP);
      std::string target;
      if (!read_link(next.get(), target)) return UniqueFd();
      if (!target.empty() && target.front() == '/') walked.resize(1);  // starts again at the root
      std::deque<std::string> more = components(target);
      left.insert(left.begin(), more.begin(), more.end());
      continue;
    }
    if (!S_ISDIR(st.st_mode)) return fail(ENOTDIR);
    walked.push_back(std::move(next));
  }
  return std::move(walked.back());
}

namespace {

// openat2 with RESOLVE_IN_ROOT: false once the kernel (or a seccomp filter) refused it.
std::atomic<bool> g_kernel_resolves_in_root{true};

UniqueFd open_in_root_by_kernel(int root_fd, const std::string& relative, int flags) {
#if defined(SYS_openat2) && defined(RESOLVE_IN_ROOT)
  open_how how{};
  how.flags = static_cast<unsigned>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* path = relative.empty() ? "." : relative.c_str();
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root_fd, path, &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    // EAGAIN: a rename raced the ".." check; the kernel asks to retry.
    if (errno != EAGAIN || attempt >= 8) return UniqueFd();
  }
#else
  (void)root_fd;
  (void)relative;
  (void)flags;
  return fail(ENOSYS);
#endif
}

}  // namespace

UniqueFd open_dir_in_root_by_kernel(int root_fd, const std::string& relative) {
  return open_in_root_by_kernel(root_fd, relative, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

// A confined path's root: the KeptRoot's descriptor, or one opened into
// `owned` (-1, errno set, when it cannot be).
int root_of(const HostPath& path, UniqueFd& owned) {
  if (g_kept.fd && g_kept.root == path.root()) return g_kept.fd.get();
  owned.reset(::open(path.root().empty() ? "/" : path.root().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  return owned ? owned.get() : -1;
}

UniqueFd open_in_root(const HostPath& path, LastLink last, int flags) {
  // locate() and open_at() refuse a link at the last component unless it
  // is followed (the kernel follows one for a path as given, as here).
  flags |= last == LastLink::followed ? 0 : O_NOFOLLOW;
  if (!path.confined()) return UniqueFd(::open(path.inside().c_str(), flags));
  if (!g_kernel_resolves_in_root) return UniqueFd();
  // "." and ".." as the last component are left to the long way.
  const std::string relative = relative_to_root(path.inside());
  const std::string name = base_name(path.inside());
  if (relative.empty() || name == "." || name == "..") return UniqueFd();
  UniqueFd owned_root;
  const int root = root_of(path, owned_root);
  if (root < 0) return UniqueFd();
  return open_in_root_by_kernel(root, relative, flags);
}

UniqueFd open_dir_in_root(int root_fd, const std::string& relative) {
  if (g_kernel_resolves_in_root) {
    UniqueFd fd = open_dir_in_root_by_kernel(root_fd, relative);
    // EPERM: a seccomp filter that predates openat2 (opening O_PATH is
    // never refused with EPERM otherwise).
    if (fd || (errno != ENOSYS && errno != EPERM && errno != EAGAIN)) return fd;
    if (errno != EAGAIN) g_kernel_resolves_in_root = false;
  }
  return open_dir_in_root_by_walk(root_fd, relative);
}

void split_path(const std::string& path, std::string& dir, std::string& name) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  dir = parent_path(trimmed);
  name = base_name(trimmed);
  if (name.empty() || name == "." || name == "..") {
    dir = trimmed;
    name = ".";
  }
}

KeptRoot::KeptRoot(const Root& root) {
  g_kept.fd.reset(::open(root.empty() ? "/" : root.dir().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  g_kept.root = root.dir();  // as HostPath::root() names it
}

KeptRoot::~KeptRoot() {
  g_kept.fd.reset();
  g_kept.root.clear();
}

Located locate(const HostPath& path, LastLink last) {
  Located at;
  std::string dir, name;
  split_path(path.inside(), dir, name);
  at.name = name;
  if (!path.confined()) {
    // Named by the operator: resolved as the kernel does.
    at.dir.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!at.dir) at.error = errno;
    at.kernel_follows = last == LastLink::followed;
    return at;
  }
  at.root = root_of(path, at.owned_root);
  if (at.root < 0) {
    at.error = errno;
    return at;
  }
  at.dir = open_dir_in_root(at.root, relative_to_root(dir));
  if (!at.dir) at.error = errno;
  at.dir_inside = dir;
  at.follow_links = last == LastLink::followed;
  return at;
}

bool follow_link(Located& at) {
  if (!at.follow_links) return false;
  std::string target;
  if (++at.links > k_max_links) {
    at.error = ELOOP;
    return false;
  }
  if (!read_link_at(at.dir.get(), at.name, target)) {
    at.error = errno;
    return false;
  }
  std::string dir, name;
  split_path(!target.empty() && target.front() == '/' ? target : at.dir_inside + "/" + target, dir, name);
  at.dir = open_dir_in_root(at.root, relative_to_root(dir));
  at.name = name;
  at.dir_inside = dir;
  if (!at.dir) {
    at.error = errno;
    return false;
  }
  return true;
}

UniqueFd open_at(Located& at, int flags) {
  for (;;) {
    UniqueFd fd(::openat(at.dir.get(), at.name.c_str(), flags | at.open_flags()));
    if (fd || errno != ELOOP || !at.follow_links) return fd;
    if (!follow_link(at)) {
      errno = at.error;
      return UniqueFd();
    }
  }
}

}  // namespace mosq
