#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <unistd.h>

#include <sys/stat.h>

#include <boost/filesystem.hpp>
#include <type_traits>

#include "support/temp_dir.h"
#include "util/error.h"
#include "util/file_system.h"
#include "util/iso_time.h"
#include "util/secret.h"
#include "util/unified_diff.h"

using namespace mosq;
using namespace mosq::test;

namespace {
template <typename T, typename = void>
struct is_streamable : std::false_type {};
template <typename T>
struct is_streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>>
    : std::true_type {};
}  // namespace

TEST_CASE("a Secret cannot be streamed, and compares in constant time", "[util][secret]") {
  STATIC_REQUIRE_FALSE(is_streamable<Secret>::value);
  STATIC_REQUIRE(is_streamable<std::string>::value);
  CHECK(Secret("a") == Secret("a"));
  CHECK(Secret("a") != Secret("b"));
  Secret moved("xyz");
  Secret target(std::move(moved));
  CHECK(target.reveal() == "xyz");
  CHECK(moved.empty());  // NOLINT(bugprone-use-after-move): the source is wiped
}

namespace {
// A path in a temp dir as the seam takes it (not under a --root).
HostPath at(const TempDir& dir, const std::string& relative) {
  return HostPath::as_given(dir / relative);
}
}  // namespace

TEST_CASE("write_atomic gives the final mode whatever the umask, and leaves no temp file",
          "[util][fs]") {
  TempDir dir;
  FileSystem& fs = real_file_system();
  mode_t old = ::umask(0);
  fs.write_atomic(at(dir, "key"), "secret bytes", FilePolicy{0600, std::nullopt, std::nullopt});
  ::umask(077);
  fs.write_atomic(at(dir, "cert"), "public", FilePolicy{0644, std::nullopt, std::nullopt});
  ::umask(old);
  CHECK(fs.stat(at(dir, "key"), LastLink::not_followed).mode == 0600);
  CHECK(fs.stat(at(dir, "cert"), LastLink::not_followed).mode == 0644);
  CHECK(read_file(dir / "key") == "secret bytes");
  // Replacing keeps the path, changes the inode (rename, never in-place).
  auto inode = fs.stat(at(dir, "cert"), LastLink::not_followed).inode;
  fs.write_atomic(at(dir, "cert"), "public 2", FilePolicy{0644, std::nullopt, std::nullopt});
  CHECK(fs.stat(at(dir, "cert"), LastLink::not_followed).inode != inode);
  CHECK(read_file(dir / "cert") == "public 2");
  auto listing = boost::filesystem::directory_iterator(dir.path());
  int count = 0;
  for (const auto& entry : listing) {
    (void)entry;
    ++count;
  }
  CHECK(count == 2);
}

TEST_CASE("held writes: a read gets what was written, the name keeps the old file until the commit",
          "[util][fs]") {
  TempDir dir;
  FileSystem& fs = real_file_system();
  write_file(dir / "kept", "old kept");
  write_file(dir / "replaced", "old replaced");
  fs.hold_writes();
  fs.write_atomic(at(dir, "replaced"), "new replaced", FilePolicy{0640, std::nullopt, std::nullopt});
  fs.write_atomic(at(dir, "made"), "new made", FilePolicy{0600, std::nullopt, std::nullopt});
  // Read your writes, with the written file's facts; other paths as they are.
  const ReadResult replaced = fs.read(at(dir, "replaced"), 100, LastLink::not_followed);
  CHECK(replaced.status == ReadStatus::ok);
  CHECK(replaced.content == "new replaced");
  CHECK(replaced.info.mode == 0640);
  CHECK(fs.read(at(dir, "made"), 100, LastLink::not_followed).content == "new made");
  CHECK(fs.read(at(dir, "kept"), 100, LastLink::not_followed).content == "old kept");
  CHECK(fs.read(at(dir, "made"), 3, LastLink::not_followed).status == ReadStatus::unreadable);  // the cap holds
  // The names are unchanged until the writes are put in place.
  CHECK(read_file(dir / "replaced") == "old replaced");
  CHECK_FALSE(boost::filesystem::exists(dir / "made"));
  fs.put_held_writes_in_place();
  fs.commit_held_writes();
  CHECK(read_file(dir / "replaced") == "new replaced");
  CHECK(read_file(dir / "made") == "new made");
  CHECK(fs.read(at(dir, "made"), 100, LastLink::not_followed).content == "new made");
}

TEST_CASE("write_atomic into a missing directory fails with the path named", "[util][fs]") {
  TempDir dir;
  CHECK_THROWS_WITH(real_file_system().write_atomic(at(dir, "nope/file"), "x", FilePolicy{}),
                    Catch::Contains(dir / "nope/file") && Catch::Contains("No such file"));
}

TEST_CASE("read reports missing and unreadable apart", "[util][fs]") {
  TempDir dir;
  CHECK(real_file_system().read(at(dir, "absent"), 100, LastLink::not_followed).status ==
        ReadStatus::missing);
  make_dirs(dir / "d");
  auto r = real_file_system().read(at(dir, "d"), 100, LastLink::not_followed);
  CHECK(r.status == ReadStatus::unreadable);
  CHECK(r.error == "is a directory");
}

TEST_CASE("a second lock on the same root is refused when asked not to wait, naming the holder",
          "[util][fs]") {
  using std::chrono::milliseconds;
  TempDir dir;
  const HostPath root = Root(dir.path()).apply_lock();
  auto held = real_file_system().lock(root, milliseconds(0));
  CHECK_THROWS_WITH(real_file_system().lock(root, milliseconds(0)),
                    Catch::Contains("another mosq-reconcile run holds the lock (pid " +
                                    std::to_string(::getpid()) + ")"));
  held.reset();
  CHECK_NOTHROW(real_file_system().lock(root, milliseconds(0)));
}

TEST_CASE("a lock waits up to its timeout, and gets the lock once the holder lets go", "[util][fs]") {
  using std::chrono::milliseconds;
  TempDir dir;
  const HostPath root = Root(dir.path()).apply_lock();
  auto held = real_file_system().lock(root, milliseconds(0));
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(real_file_system().lock(root, milliseconds(300)),
                    Catch::Contains("did not release it within 300 ms (--lock-timeout)"));
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds(300));
  // Released while the second one waits: it gets the lock.
  std::thread release([&] {
    std::this_thread::sleep_for(milliseconds(200));
    held.reset();
  });
  std::unique_ptr<FileLock> second;
  CHECK_NOTHROW(second = real_file_system().lock(root, milliseconds(20000)));
  release.join();
  CHECK(second != nullptr);
}

TEST_CASE("ISO 8601 times", "[util][time]") {
  CHECK(parse_iso_time("1970-01-02") == 86400);
  CHECK(parse_iso_time("2026-11-25T12:00:00Z") == 1795608000);
  CHECK(parse_iso_time("2026-11-25T21:00:00+09:00") == 1795608000);
  CHECK(parse_iso_time("2026-11-25 12:00") == 1795608000);
  CHECK_FALSE(parse_iso_time("2026-02-31"));
  CHECK_FALSE(parse_iso_time("tomorrow"));
  CHECK_FALSE(parse_iso_time("2026-11-25T25:00"));
  CHECK_FALSE(parse_iso_time("2026-11-25Tjunk"));
}

TEST_CASE("unified diff", "[util][diff]") {
  CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "y").empty());
  CHECK(unified_diff("a\nb\nc\n", "a\nB\nc\n", "old", "new") ==
        "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  CHECK(unified_diff("", "x\n", "/dev/null", "f") == "--- /dev/null\n+++ f\n@@ -0,0 +1,1 @@\n+x\n");
}
