// What a writing apply asks of the disk, seen from outside with strace:
// the files are written together (every temp file fsync'ed before the first
// rename, so one journal commit covers them), each temp is fsync'ed before
// its rename, and each directory that got a new name (a file renamed in, a
// directory made) is fsync'ed once, after the last rename
// (FileSystem::hold_writes).
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/integration.h"

using namespace mosq::test;

namespace {

// LeakSanitizer cannot run under a tracer (it stops the process with
// ptrace itself): under ci/sanitize.sh the traced runs check no leaks.
const std::pair<const std::string, std::string> k_no_leak_check{"ASAN_OPTIONS", "detect_leaks=0"};

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

struct Trace {
  std::vector<std::pair<std::string, std::string>> renames;  // (directory, temp name), in order
  std::vector<std::string> made_in;                        // the directory each mkdirat made a directory in
  std::map<std::string, std::size_t> fsync_index;          // path -> index of its first fsync's return
  std::size_t last_rename_at = 0;                          // index into events
  // "start PATH" (an fsync called), "fsync PATH" (it returned 0),
  // "rename DIR/TEMP", in the order strace saw them.
  std::vector<std::string> events;
};

Trace read_trace(const std::string& log) {
  // strace -f -y prints the thread's id, and a descriptor with its path:
  //   12 fsync(5</a/b/.c.tmp-1>) = 0
  // or, for calls that overlap another thread's (fsyncs are issued
  // together), the call and its return on two lines:
  //   12 fsync(5</a/b/.c.tmp-1> <unfinished ...>
  //   12 <... fsync resumed>) = 0
  static const std::regex fsync_re(R"(^(\d+) +fsync\(\d+<([^>]*)>\)\s*= 0)");
  static const std::regex unfinished_re(R"(^(\d+) +fsync\(\d+<([^>]*)> <unfinished \.\.\.>)");
  static const std::regex resumed_re(R"(^(\d+) +<\.\.\. fsync resumed>\)\s*= 0)");
  static const std::regex rename_re(R"(renameat2?\(\d+<([^>]*)>, \"([^\"]*)\", \d+<[^>]*>, \"[^\"]*\".*\) = 0)");
  static const std::regex mkdir_re(R"(mkdirat\(\d+<([^>]*)>, \"[^\"]*\", [0-7]+\) = 0)");
  Trace trace;
  std::map<std::string, std::string> pending;  // thread id -> the path its fsync is on
  const auto synced = [&trace](const std::string& path) {
    trace.fsync_index.emplace(path, trace.events.size());
    trace.events.push_back("fsync " + path);
  };
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, fsync_re)) {
      trace.events.push_back("start " + m[2].str());
      synced(m[2]);
    } else if (std::regex_search(line, m, unfinished_re)) {
      trace.events.push_back("start " + m[2].str());
      pending[m[1]] = m[2];
    } else if (std::regex_search(line, m, resumed_re)) {
      const auto call = pending.find(m[1]);
      REQUIRE(call != pending.end());
      synced(call->second);
      pending.erase(call);
    } else if (std::regex_search(line, m, rename_re)) {
      trace.renames.emplace_back(m[1], m[2]);
      trace.last_rename_at = trace.events.size();
      trace.events.push_back("rename " + m[1].str() + "/" + m[2].str());
    } else if (std::regex_search(line, m, mkdir_re)) {
      trace.made_in.push_back(m[1]);
    }
  }
  return trace;
}

}  // namespace

TEST_CASE("a greenfield apply fsyncs each file before its rename and each changed directory once, after the "
          "renames") {
  REQUIRE(::access("/usr/bin/strace", X_OK) == 0);  // ci/deps.sh installs it
  Tree t;
  SpecYaml spec;
  spec.tls = true;
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  spec.user_env("alice", "ALICE_PW");
  t.write_spec(spec);
  const std::string log = t.work("strace.log");
  ProcessResult r = run_process({"/usr/bin/strace", "-f", "-y", "-qq", "-o", log, "-e",
                                 "trace=fsync,fdatasync,renameat,renameat2,rename,mkdirat,mkdir", MOSQ_BINARY,
                                 "--root", t.root(), t.spec_path()},
                                {{"CA_PASSPHRASE", "durability-Passphrase-1"}, {"ALICE_PW", "alice-pw"}, k_no_leak_check});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  const Trace trace = read_trace(read_file(log));
  INFO(read_file(log));

  // ca.key, ca.crt, server.key, server.crt, password file, config, state file.
  REQUIRE(trace.renames.size() == 7);
  std::set<std::string> changed_directories;
  for (const auto& [dir, temp] : trace.renames) {
    const std::string temp_path = dir + "/" + temp;
    INFO("renamed " << temp_path);
    const auto synced = trace.fsync_index.find(temp_path);
    REQUIRE(synced != trace.fsync_index.end());
    // fsync'ed before this rename (events before the rename's own index).
    const auto rename_at = std::find(trace.events.begin(), trace.events.end(), "rename " + temp_path);
    CHECK(static_cast<std::ptrdiff_t>(synced->second) < rename_at - trace.events.begin());
    changed_directories.insert(dir);
  }
  for (const std::string& parent : trace.made_in) changed_directories.insert(parent);
  // Written together: every temp file, the state file's too (its records
  // read the others as written), is fsync'ed before the first rename, and
  // the state file is put in place last.
  const auto first_rename = std::find_if(trace.events.begin(), trace.events.end(),
                                         [](const std::string& e) { return e.rfind("rename ", 0) == 0; });
  const auto temp_syncs_first = std::count_if(trace.events.begin(), first_rename, [](const std::string& e) {
    return e.rfind("fsync ", 0) == 0 && e.find(".tmp-") != std::string::npos;
  });
  CHECK(temp_syncs_first == 7);
  CHECK(trace.renames.back().second.rfind(".state.json.tmp-", 0) == 0);

  std::vector<std::string> directory_syncs;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const std::string& event = trace.events[i];
    if (event.rfind("start ", 0) == 0 && is_directory(event.substr(6))) {
      INFO(event);
      CHECK(i > trace.last_rename_at);  // called after the last rename
    }
    if (event.rfind("fsync ", 0) != 0 || !is_directory(event.substr(6))) continue;
    directory_syncs.push_back(event.substr(6));
  }
  const std::set<std::string> synced_once(directory_syncs.begin(), directory_syncs.end());
  CHECK(synced_once.size() == directory_syncs.size());  // none twice
  CHECK(synced_once == changed_directories);            // every one that changed, no other

  // And nothing the durability order changed in what was written.
  CHECK(t.plan({{"CA_PASSPHRASE", "durability-Passphrase-1"}, {"ALICE_PW", "alice-pw"}}).exit_code == 0);
  // The state file vouches for the keys as written: a plan without the CA
  // passphrase opens no key and finds nothing to do.
  const ProcessResult vouched = t.plan({{"ALICE_PW", "alice-pw"}});
  INFO(describe(vouched));
  CHECK(vouched.exit_code == 0);
}

namespace {
// An apply on a disk whose fsync fails with EIO for the files `chosen`
// names (MOSQ_FAIL_FSYNC: one path, or a prefix ending in '*'), through
// tests/support/fail_fsync.
ProcessResult apply_failing_fsync(const Tree& t, const std::string& chosen, std::map<std::string, std::string> env) {
  env["LD_PRELOAD"] = MOSQ_FAIL_FSYNC_LIBRARY;
  env["MOSQ_FAIL_FSYNC"] = chosen;
  // Under ci/sanitize.sh the preloaded library comes before ASan's runtime.
  env["ASAN_OPTIONS"] = "verify_asan_link_order=0";
  return run_process({MOSQ_BINARY, "--root", t.root(), t.spec_path()}, env);
}

// The path as /proc/self/fd names it (the temp dir's links resolved).
// It must exist: the trees' roots do.
std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  REQUIRE(::realpath(path.c_str(), resolved) != nullptr);
  return resolved;
}

// Whether a temp file is left in dir.
bool has_temp_file(const std::string& dir) {
  const ProcessResult listing = run_process({"/bin/ls", "-A", dir});
  INFO(listing.out);
  return listing.out.find(".tmp-") != std::string::npos;
}
}  // namespace

TEST_CASE("a directory fsync that fails after the renames is exit 1 naming the directory, and a re-run "
          "converges") {
  Tree t;
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW");
  t.write_spec(spec);
  const std::map<std::string, std::string> env{{"ALICE_PW", "alice-pw"}};
  // Without tls: the password file and the config are renamed into place,
  // then the directories the run made or renamed into (root, etc,
  // etc/mosquitto, conf.d, var/lib/...) are fsync'ed: etc/mosquitto's fails.
  ProcessResult r = apply_failing_fsync(t, real_path(t.root()) + "/etc/mosquitto", env);
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, t.host("/etc/mosquitto/")));
  CHECK(contains(r.err, ": directory fsync failed: Input/output error"));
  // That one directory only: the others were synced.
  CHECK(r.err.find("fsync failed") == r.err.rfind("fsync failed"));
  // Every file was renamed into place whole before the failure: the next
  // run finds nothing to change.
  const ProcessResult again = t.plan(env);
  INFO(describe(again));
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "No changes."));
}

TEST_CASE("a temp file's fsync that fails puts the files before it in place and not it or those after it") {
  Tree t;
  SpecYaml spec;
  spec.tls = true;
  spec.user_env("alice", "ALICE_PW");
  t.write_spec(spec);
  const std::map<std::string, std::string> env{{"ALICE_PW", "alice-pw"}};
  // Written in this order: the CA's key and certificate, the server's, the
  // password file, the config, the state file. The password file's fsync
  // fails; those after it, issued at the same time, do not, and are not put
  // in place either.
  const std::string password_dir = spec.password_file.substr(0, spec.password_file.rfind('/'));
  const std::string password_name = spec.password_file.substr(spec.password_file.rfind('/') + 1);
  ProcessResult r =
      apply_failing_fsync(t, real_path(t.root()) + password_dir + "/." + password_name + ".tmp-*", env);
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, t.host(spec.password_file) + ": fsync failed: Input/output error"));
  CHECK(contains(r.err, "not written either: " + t.host(spec.config_file) + ", " +
                            t.host("/var/lib/mosq-reconcile/state.json")));
  for (const char* name : {"/ca.key", "/ca.crt", "/server.key", "/server.crt"}) {
    CHECK(file_exists(t.host(spec.tls_dir + name)));
  }
  CHECK_FALSE(file_exists(t.host(spec.password_file)));
  CHECK_FALSE(file_exists(t.host(spec.config_file)));
  CHECK_FALSE(file_exists(t.host("/var/lib/mosq-reconcile/state.json")));
  for (const std::string& dir : {std::string("/etc/mosquitto"), std::string("/etc/mosquitto/conf.d"),
                                 std::string("/var/lib/mosq-reconcile")}) {
    CHECK_FALSE(has_temp_file(t.host(dir)));  // no temp file left behind
  }
  // The next run writes what is missing, and then has nothing to do.
  const ProcessResult again = t.run({}, env);
  INFO(describe(again));
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "password file " + spec.password_file));
  CHECK(contains(again.out, "broker config " + spec.config_file));
  CHECK(t.plan(env).exit_code == 0);
}
