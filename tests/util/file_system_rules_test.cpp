// The filesystem seam's rules, on the real filesystem in temp dirs: a link
// at a managed path is never acted through, reads are bounded and take
// regular files only, and stale temp files are found and removed by their
// exact name only.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <chrono>

#include "support/temp_dir.h"
#include "support/text.h"
#include "util/error.h"
#include "util/file_system.h"
#include "util/root.h"

using namespace mosq;
using namespace mosq::test;

namespace {

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

// A tree used as --root, with a file outside it that a link points at.
struct LinkedTree {
  TempDir outside;
  TempDir tree;
  Root root{tree.path()};
  std::string victim = outside.write("victim.key", "not ours\n", 0600);

  LinkedTree() {
    make_dirs(tree / "etc/mosquitto");
    REQUIRE(::symlink(victim.c_str(), (tree / "etc/mosquitto/server.key").c_str()) == 0);
  }
  HostPath managed() const { return root.host_path("/etc/mosquitto/server.key"); }
};

uid_t some_other_uid() {
  const passwd* nobody = ::getpwnam("nobody");
  return nobody != nullptr ? nobody->pw_uid : 65534;
}

}  // namespace

TEST_CASE("a link at a managed path is seen as a link, and neither read nor changed through",
          "[util][fs][links]") {
  LinkedTree t;
  FileSystem& fs = real_file_system();
  const struct stat before = lstat_of(t.victim);

  CHECK(fs.stat(t.managed(), LastLink::not_followed).kind == FileKind::symlink);
  ReadResult read = fs.read(t.managed(), 1024, LastLink::not_followed);
  CHECK(read.status == ReadStatus::unreadable);
  CHECK(read.content.empty());
  CHECK(contains(read.error, "symbolic link"));

  CHECK_THROWS_WITH(fs.change_mode(t.managed(), 0640),
                    Catch::Contains(t.managed().str()) && Catch::Contains("symbolic link"));
  CHECK_THROWS_WITH(fs.change_owner(t.managed(), some_other_uid(), some_other_uid()),
                    Catch::Contains("symbolic link"));
  const struct stat after = lstat_of(t.victim);
  CHECK((after.st_mode & 07777) == (before.st_mode & 07777));
  CHECK(after.st_uid == before.st_uid);
  CHECK(after.st_gid == before.st_gid);
  CHECK(read_file(t.victim) == "not ours\n");
}

TEST_CASE("write_atomic replaces a link at the path with a file, leaving its target alone",
          "[util][fs][links]") {
  LinkedTree t;
  real_file_system().write_atomic(t.managed(), "new key\n", FilePolicy{0600, {}, {}});
  CHECK(S_ISREG(lstat_of(t.tree / "etc/mosquitto/server.key").st_mode));
  CHECK(read_file(t.tree / "etc/mosquitto/server.key") == "new key\n");
  CHECK(read_file(t.victim) == "not ours\n");
}

TEST_CASE("change_mode and change_owner act on a regular file itself", "[util][fs][links]") {
  TempDir dir;
  const std::string file = dir.write("mqttpass", "u:h\n", 0600);
  FileSystem& fs = real_file_system();
  fs.change_mode(HostPath::as_given(file), 0640);
  CHECK((lstat_of(file).st_mode & 07777) == 0640);
  const uid_t uid = ::geteuid() == 0 ? some_other_uid() : ::geteuid();
  fs.change_owner(HostPath::as_given(file), uid, std::nullopt);
  CHECK(lstat_of(file).st_uid == uid);
  make_dirs(dir / "d");
  CHECK_THROWS_WITH(fs.change_mode(HostPath::as_given(dir / "d"), 0600),
                    Catch::Contains("is a directory"));
}

TEST_CASE("an input the operator names may be a link, resolved inside the root", "[util][fs][links]") {
  TempDir outside;
  outside.write("password", "from outside\n");
  TempDir tree;
  make_dirs(tree / "run/secrets/..data");
  write_file(tree / "run/secrets/..data/alice", "s3cret\n");
  // A Kubernetes secret volume: a relative link into ..data.
  REQUIRE(::symlink("..data/alice", (tree / "run/secrets/alice").c_str()) == 0);
  REQUIRE(::symlink((outside / "password").c_str(), (tree / "run/secrets/bob").c_str()) == 0);
  const Root root(tree.path());
  FileSystem& fs = real_file_system();

  ReadResult alice = fs.read(root.host_path("/run/secrets/alice"), 1024, LastLink::followed);
  CHECK(alice.status == ReadStatus::ok);
  CHECK(alice.content == "s3cret\n");
  CHECK(fs.stat(root.host_path("/run/secrets/alice"), LastLink::followed).kind == FileKind::regular);
  // The absolute target is taken inside the root, where it does not exist.
  CHECK(fs.read(root.host_path("/run/secrets/bob"), 1024, LastLink::followed).status ==
        ReadStatus::missing);
}

TEST_CASE("reads take regular files only and never wait: FIFO, device, directory", "[util][fs][bounded]") {
  TempDir dir;
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  FileSystem& fs = real_file_system();
  const auto start = std::chrono::steady_clock::now();
  for (LastLink last : {LastLink::not_followed, LastLink::followed}) {
    ReadResult fifo = fs.read(HostPath::as_given(dir / "fifo"), 1024, last);
    CHECK(fifo.status == ReadStatus::unreadable);
    CHECK(fifo.error == "is a FIFO (named pipe), not a regular file");
  }
  ReadResult zero = fs.read(HostPath::as_given("/dev/zero"), 1024, LastLink::followed);
  CHECK(zero.status == ReadStatus::unreadable);
  CHECK(zero.error == "is a character device, not a regular file");
  CHECK(zero.content.empty());
  // Nothing waited for a writer (the FIFO has none).
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("reads are capped per call, before anything is read", "[util][fs][bounded]") {
  TempDir dir;
  FileSystem& fs = real_file_system();
  write_file(dir / "exact", std::string(1024, 'x'));
  CHECK(fs.read(HostPath::as_given(dir / "exact"), 1024, LastLink::not_followed).status ==
        ReadStatus::ok);
  ReadResult over = fs.read(HostPath::as_given(dir / "exact"), 1023, LastLink::not_followed);
  CHECK(over.status == ReadStatus::unreadable);
  CHECK(over.error ==
        "is larger than the 1023 bytes mosq-reconcile reads of such a file; is it the right file?");

  // 1 GiB, sparse: refused at once, without reading or allocating it.
  const std::string huge = dir / "huge";
  {
    int fd = ::open(huge.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, off_t{1} << 30) == 0);
    ::close(fd);
  }
  ReadResult big = fs.read(HostPath::as_given(huge), 64u << 20, LastLink::not_followed);
  CHECK(big.status == ReadStatus::unreadable);
  CHECK(contains(big.error, "larger than the 64 MiB"));
  CHECK(big.content.capacity() < (1u << 20));
}

TEST_CASE("the temp-name pattern is write_atomic's, exactly", "[util][fs][temp]") {
  for (unsigned n : {0u, 7u, 999999999u, 1000000000u, 4294967295u}) {
    CAPTURE(n);
    CHECK(is_temp_name_for("ca.key", temp_name_for("ca.key", n)));
    CHECK_FALSE(is_temp_name_for("ca.crt", temp_name_for("ca.key", n)));
  }
  CHECK(temp_name_for("mqttpass", 42) == ".mqttpass.tmp-42");
  CHECK(is_temp_name_for("ca.key", ".ca.key.tmp-123456789"));
  CHECK(is_temp_name_for("ca.key", ".ca.key.tmp-0"));
  CHECK(is_temp_name_for("mqttpass", ".mqttpass.tmp-42"));
  CHECK_FALSE(is_temp_name_for("ca.key", ".ca.key.tmp-"));
  CHECK_FALSE(is_temp_name_for("ca.key", ".ca.key.tmp-1234567890"));
  CHECK_FALSE(is_temp_name_for("ca.key", ".ca.key.tmp-12a"));
  CHECK_FALSE(is_temp_name_for("ca.key", ".ca.key.tmp-12/x"));
  CHECK_FALSE(is_temp_name_for("ca.key", "ca.key.tmp-12"));
  CHECK_FALSE(is_temp_name_for("ca.key", ".ca.crt.tmp-12"));
  CHECK_FALSE(is_temp_name_for("key", ".ca.key.tmp-12"));
  CHECK_FALSE(is_temp_name_for("ca.key", ".ca.key.tmp-12.bak"));
}

TEST_CASE("stale temp files: only regular files with the exact name are listed and removed",
          "[util][fs][temp]") {
  TempDir outside;
  const std::string victim = outside.write("victim", "keep\n");
  TempDir dir;
  const Root root(dir.path());
  make_dirs(dir / "certs");
  dir.write("certs/ca.key", "key\n", 0600);
  dir.write("certs/.ca.key.tmp-123", "half a key\n", 0600);
  dir.write("certs/.ca.key.tmp-7", "", 0600);
  dir.write("certs/.ca.key.tmp-12x", "not ours\n");
  dir.write("certs/.ca.crt.tmp-5", "another file's\n");
  make_dirs(dir / "certs/.ca.key.tmp-99");
  REQUIRE(::symlink(victim.c_str(), (dir / "certs/.ca.key.tmp-8").c_str()) == 0);
  FileSystem& fs = real_file_system();
  const HostPath key = root.host_path("/certs/ca.key");

  const HostPath cert = root.host_path("/certs/ca.crt");
  const HostPath elsewhere = root.host_path("/ca.key");
  dir.write(".ca.key.tmp-3", "in another directory\n", 0600);
  // One listing of certs/ serves both of its files, each given only its own.
  const auto found = fs.stale_temp_files({key, elsewhere, cert});
  REQUIRE(found.size() == 3);
  CHECK(found[1] == std::vector<std::string>{".ca.key.tmp-3"});
  CHECK(found[2] == std::vector<std::string>{".ca.crt.tmp-5"});
  const auto names = found[0];
  CHECK(names == std::vector<std::string>{".ca.key.tmp-123", ".ca.key.tmp-7"});
  for (const auto& name : names) fs.remove_stale_temp_file(key, name);
  CHECK_FALSE(file_exists(dir / "certs/.ca.key.tmp-123"));
  CHECK_FALSE(file_exists(dir / "certs/.ca.key.tmp-7"));
  CHECK(fs.stale_temp_files({key}).at(0).empty());
  // Everything else stays: the file itself, other names, the link and its target.
  CHECK(read_file(dir / "certs/ca.key") == "key\n");
  CHECK(file_exists(dir / "certs/.ca.key.tmp-12x"));
  CHECK(file_exists(dir / "certs/.ca.crt.tmp-5"));
  CHECK(boost::filesystem::is_directory(dir / "certs/.ca.key.tmp-99"));
  CHECK(S_ISLNK(lstat_of(dir / "certs/.ca.key.tmp-8").st_mode));
  CHECK(read_file(victim) == "keep\n");

  // Asked to remove anything else, it refuses.
  CHECK_THROWS_WITH(fs.remove_stale_temp_file(key, ".ca.key.tmp-8"), Catch::Contains("not removed"));
  CHECK_THROWS_WITH(fs.remove_stale_temp_file(key, ".ca.crt.tmp-5"),
                    Catch::Contains("is not a temporary file of"));
  CHECK(file_exists(dir / "certs/.ca.crt.tmp-5"));
  CHECK(read_file(victim) == "keep\n");
  // A missing directory has none.
  CHECK(fs.stale_temp_files({root.host_path("/nowhere/ca.key")}).at(0).empty());
}
