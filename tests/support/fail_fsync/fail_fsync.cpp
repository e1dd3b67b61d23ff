// A disk whose fsync fails for chosen files, for the durability tests:
// LD_PRELOAD'ed into the tool, it makes fsync fail with EIO on a descriptor
// whose path (/proc/self/fd) matches MOSQ_FAIL_FSYNC, and calls the real
// fsync for every other. MOSQ_FAIL_FSYNC is one path, or, ending in '*',
// a path prefix ("/t/etc/mosquitto/.mqttpass.tmp-*": that file's temp).
// strace's fault injection counts calls per thread, so it cannot pick one
// file out of fsyncs issued on several threads at once; this can.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool chosen(int fd) {
  const char* pattern = std::getenv("MOSQ_FAIL_FSYNC");
  if (pattern == nullptr || *pattern == '\0') return false;
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char path[4096];
  const ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  const std::size_t length = std::strlen(pattern);
  if (pattern[length - 1] == '*') return std::strncmp(path, pattern, length - 1) == 0;
  return std::strcmp(path, pattern) == 0;
}

}  // namespace

extern "C" int fsync(int fd) {
  using Fsync = int (*)(int);
  static const Fsync real = reinterpret_cast<Fsync>(::dlsym(RTLD_NEXT, "fsync"));
  if (chosen(fd)) {
    errno = EIO;
    return -1;
  }
  return real(fd);
}
