// Paths under --root: lexical normalisation, and directory links resolved
// inside the root (openat2 RESOLVE_IN_ROOT, or the O_NOFOLLOW walk that
// stands in for it), against the real filesystem in temp dirs.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <vector>

#include "support/temp_dir.h"
#include "support/text.h"
#include "util/error.h"
#include "util/file_system.h"
#include "util/in_root.h"
#include "util/root.h"
#include "util/unique_fd.h"

using namespace mosq;
using namespace mosq::test;

namespace {

void link(const std::string& target, const std::string& at) {
  REQUIRE(::symlink(target.c_str(), at.c_str()) == 0);
}

ino_t inode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

ino_t inode_of(const UniqueFd& fd) {
  struct stat st {};
  REQUIRE(::fstat(fd.get(), &st) == 0);
  return st.st_ino;
}

// What one resolution gave: the directory's inode, or the errno.
struct Outcome {
  ino_t inode = 0;
  int error = 0;
};

Outcome resolve(UniqueFd (*how)(int, const std::string&), int root, const std::string& path) {
  UniqueFd fd = how(root, path);
  if (!fd) return {0, errno};
  return {inode_of(fd), 0};
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : boost::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

bool kernel_has_openat2(int root) {
  UniqueFd fd = open_dir_in_root_by_kernel(root, "");
  return fd || (errno != ENOSYS && errno != EPERM);
}

}  // namespace

TEST_CASE("normalize_path: by text, refusing '..' above /", "[util][paths]") {
  CHECK(normalize_path("/etc/mosquitto/x") == "/etc/mosquitto/x");
  CHECK(normalize_path("/etc//mosquitto/./certs/../x") == "/etc/mosquitto/x");
  CHECK(normalize_path("/etc/mosquitto/") == "/etc/mosquitto");
  CHECK(normalize_path("/") == "/");
  CHECK(normalize_path("/..x/...") == "/..x/...");
  CHECK(normalize_path("/a/..") == "/");
  CHECK_FALSE(normalize_path("/.."));
  CHECK_FALSE(normalize_path("/../../x"));
  CHECK_FALSE(normalize_path("/etc/../../x"));
  CHECK_FALSE(normalize_path("etc/x"));
  CHECK_FALSE(normalize_path(""));
  // The edges of the already-normal fast path.
  CHECK(normalize_path("//") == "/");
  CHECK(normalize_path("//a") == "/a");
  CHECK(normalize_path("/a//") == "/a");
  CHECK(normalize_path("/.") == "/");
  CHECK(normalize_path("/a/.") == "/a");
  CHECK(normalize_path("/a/./b") == "/a/b");
  CHECK(normalize_path("/a/b/..") == "/a");
  CHECK(normalize_path("/.a/b.") == "/.a/b.");
  // Whatever the text, the result is normal: normalizing it again changes nothing.
  const char* parts[] = {"a", "b", ".", "..", "", "..x", ".y"};
  for (unsigned seed = 0; seed < 2000; ++seed) {
    std::string path;
    for (unsigned n = seed, k = 0; k < 1 + seed % 5; ++k, n /= 7) path += "/" + std::string(parts[n % 7]);
    const auto normal = normalize_path(path);
    if (!normal) continue;
    INFO(path);
    CHECK(normalize_path(*normal) == *normal);
    CHECK((*normal == "/" || (normal->back() != '/' && normal->find("//") == std::string::npos)));
  }
}

TEST_CASE("Root::host_path keeps every spec path under the root", "[util][paths]") {
  Root root("/srv/image/");
  CHECK(root.host_path("/etc/mosquitto/x").str() == "/srv/image/etc/mosquitto/x");
  CHECK(root.host_path("/etc/./mosquitto/../mosquitto/x").inside() == "/etc/mosquitto/x");
  CHECK(root.host_path("/etc/x").root() == "/srv/image");
  CHECK_THROWS_WITH(root.host_path("/../../x"),
                    Catch::Contains("climbs above /") && Catch::Contains("--root /srv/image"));
  CHECK(Root("/").host_path("/etc/x").str() == "/etc/x");
  CHECK(Root().host_path("/etc/x").str() == "/etc/x");
  // The state file: under the root, unless --state-dir names a directory.
  CHECK(Root("/srv/image").state_file().str() == "/srv/image/var/lib/mosq-reconcile/state.json");
  CHECK(Root("/srv/image", "/run/mr/").state_file().str() == "/run/mr/state.json");
  CHECK(Root("/srv/image").apply_lock().str() == "/srv/image/");
  CHECK(Root("/srv/image", "/run/mr").apply_lock().str() == "/run/mr");
}

TEST_CASE("directory links are resolved inside the root, never out of it (kernel and walk agree)",
          "[util][paths]") {
  TempDir outside;
  make_dirs(outside / "secret");
  TempDir tree;
  const std::string root = tree.path();
  make_dirs(tree / "etc/real/sub");
  write_file(tree / "etc/file", "x");
  link(outside.path(), tree / "abs");                           // absolute, out of the root
  link("../../../../../../../../.." + outside.path(), tree / "etc/rel");  // relative, climbing out
  link("/etc/real", tree / "etc/good");                          // absolute, inside
  link("real/sub/../..", tree / "etc/back");                      // relative, inside: etc
  link("..", tree / "up");                                        // the root's parent: the root
  link("loop", tree / "loop");
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(root_fd);

  struct Row {
    std::string path;
    std::string expect_dir;  // host path of the directory reached; "" when it fails
    int expect_error;
  };
  const std::vector<Row> rows{
      {"", root, 0},
      {"etc", tree / "etc", 0},
      {"etc/good/sub", tree / "etc/real/sub", 0},
      {"etc/back", tree / "etc", 0},
      {"up/up/etc", tree / "etc", 0},
      {"../../etc", tree / "etc", 0},
      {"abs", "", ENOENT},                  // outside.path() taken inside the root: not there
      {"abs/secret", "", ENOENT},
      {"etc/rel/secret", "", ENOENT},
      {"etc/file", "", ENOTDIR},
      {"loop", "", ELOOP},
      {"missing/x", "", ENOENT},
  };
  const bool kernel = kernel_has_openat2(root_fd.get());
  if (!kernel) WARN("no openat2 here: only the walk is tested");
  for (const Row& row : rows) {
    INFO("path '" << row.path << "'");
    Outcome walked = resolve(open_dir_in_root_by_walk, root_fd.get(), row.path);
    if (row.expect_dir.empty()) {
      CHECK(walked.error == row.expect_error);
    } else {
      CHECK(walked.error == 0);
      CHECK(walked.inode == inode_of(row.expect_dir));
    }
    if (kernel) {
      Outcome by_kernel = resolve(open_dir_in_root_by_kernel, root_fd.get(), row.path);
      CHECK(by_kernel.error == walked.error);
      CHECK(by_kernel.inode == walked.inode);
    }
  }
  // Were the outside reachable, the root-escaping rows above would have
  // found outside/secret.
  CHECK(::access((outside / "secret").c_str(), F_OK) == 0);
}

TEST_CASE("no write lands outside the root through a linked directory", "[util][paths]") {
  TempDir outside;
  TempDir tree;
  make_dirs(tree / "etc");
  link(outside.path(), tree / "etc/mosquitto");
  link("../../../../../../../../.." + outside.path(), tree / "etc/relative");
  FileSystem& fs = real_file_system();
  const Root root(tree.path());
  for (const std::string dir : {"/etc/mosquitto", "/etc/relative"}) {
    INFO(dir);
    CHECK_THROWS_WITH(fs.create_directories(root.host_path(dir + "/certs"), 0755),
                      Catch::Contains("a link that does not lead to a directory inside --root"));
    CHECK_THROWS(fs.write_atomic(root.host_path(dir + "/mqttpass"), "user:hash\n", FilePolicy{}));
    CHECK(fs.read(root.host_path(dir + "/x"), 100, LastLink::followed).status == ReadStatus::missing);
  }
  // An absolute link that stays inside the root works as it would in a chroot.
  make_dirs(tree / "srv/mosquitto");
  link("/srv/mosquitto", tree / "etc/broker");
  fs.create_directories(root.host_path("/etc/broker/certs"), 0750);
  fs.write_atomic(root.host_path("/etc/broker/certs/ca.crt"), "pem", FilePolicy{0644, {}, {}});
  CHECK(read_file(tree / "srv/mosquitto/certs/ca.crt") == "pem");

  CHECK(entries(outside.path()).empty());
}
