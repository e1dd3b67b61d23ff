// Resolving a directory below --root as if the root were "/": links are
// followed, never out of it. The filesystem seam opens every parent
// directory this way, then works on the last component itself with *at()
// calls and O_NOFOLLOW (file_system.cpp).
#pragma once

#include <string>

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

}  // namespace mosq
