// Where a HostPath is on disk: its directory resolved inside the root as
// if the root were "/" (links followed, never out of it), and its last
// component, which the filesystem seam (file_system.cpp) then works on with
// *at() calls and O_NOFOLLOW.
#pragma once

#include <fcntl.h>

#include <string>

#include "util/root.h"
#include "util/unique_fd.h"

namespace mosq {

// Opens the directory `relative` ("etc/mosquitto"; "" for the root itself)
// below root_fd, resolving every link as if root_fd were "/": an absolute
// target starts again at root_fd and ".." stops there, so nothing outside
// it is reached (openat2's RESOLVE_IN_ROOT; /proc magic links refused).
// Returns an O_PATH descriptor, or an invalid one with errno set (ENOENT,
// ENOTDIR, ELOOP, ...).
UniqueFd open_dir_in_root(int root_fd, const std::string& relative);

// The same by walking one component at a time with O_NOFOLLOW and reading
// each link: used where the kernel has no openat2 (before 5.6, or a
// seccomp filter refuses it). Exposed so tests hold both to one table.
UniqueFd open_dir_in_root_by_walk(int root_fd, const std::string& relative);

// The kernel's way only; errno ENOSYS where it has none.
UniqueFd open_dir_in_root_by_kernel(int root_fd, const std::string& relative);

// At most this many links are followed in one resolution (as the kernel).
constexpr int k_max_links = 40;

// A path's last component and the directory it is in, that directory
// opened (O_PATH) inside the path's root. Every operation of the seam works on
// `name` relative to `dir` with *at() calls, so no later lookup can be sent
// elsewhere by a link swapped in meanwhile.
struct Located {
  UniqueFd dir;
  std::string name;  // "mqttpass"; "." for the directory itself
  // Only for a path as given with LastLink::followed: the kernel follows a
  // link at `name`. Everywhere else the last component is opened O_NOFOLLOW,
  // and for a confined path with LastLink::followed a link met there is
  // resolved inside the root by follow_link().
  bool kernel_follows = false;
  bool follow_links = false;
  UniqueFd owned_root;     // confined: the root when this opened it
  int root = -1;           // confined: the root (owned_root, or a KeptRoot's), for follow_link()
  std::string dir_inside;  // confined: `dir` as named inside the root
  int links = 0;           // links followed so far
  int error = 0;           // errno when the directory could not be reached

  int open_flags() const { return kernel_follows ? 0 : O_NOFOLLOW; }
  int at_flags() const { return kernel_follows ? 0 : AT_SYMLINK_NOFOLLOW; }
};

// Keeps the run's root directory ("/" without --root) open while it lives, and every confined path under that root is then
// resolved from this one descriptor: opening the root again for each path
// cost two system calls a file (20,000 for a 10,000-user spec). A run
// therefore works in the root directory that was there when it began.
// One at a time, made before and destroyed after any thread that uses
// the seam; a root that cannot be opened is opened per path as before.
class KeptRoot {
 public:
  explicit KeptRoot(const Root& root);
  ~KeptRoot();
  KeptRoot(const KeptRoot&) = delete;
  KeptRoot& operator=(const KeptRoot&) = delete;
};

// The directory of `path` opened inside its root (a path as given: as the
// kernel resolves it), and its last component. Never throws: at.error.
Located locate(const HostPath& path, LastLink last);

// A file (a directory, given O_DIRECTORY) opened in one system call where
// locate() and open_at() take three: a confined path with openat2
// resolving in its root (links as locate() and follow_link() resolve
// them), a path as given with open(2); O_NOFOLLOW added for
// LastLink::not_followed. An invalid descriptor otherwise (no openat2, any
// error): the caller then takes the long way, which also says exactly
// what went wrong.
UniqueFd open_in_root(const HostPath& path, LastLink last, int flags);

// The link at at.name (the last component of an input, LastLink::followed)
// replaced by its target, resolved inside the root as well. False when
// links are not followed there, or (with at.error) when the target cannot
// be reached.
bool follow_link(Located& at);

// openat(at.dir, at.name, flags), never through a link at the last
// component except an input's, which is followed inside the root.
UniqueFd open_at(Located& at, int flags);

// "/etc/x" -> {"/etc", "x"}; "/" -> {"/", "."}; "x" -> {".", "x"}.
void split_path(const std::string& path, std::string& dir, std::string& name);

}  // namespace mosq
