// The performance targets of issue 9, measured as ratios against a floor
// timed in the same run, the two commands interleaved (A B A B ...) so a
// comparison holds while a shared machine's speed drifts. Every figure is a
// whole process (posix_spawn + wait4): wall time, and peak RSS from the
// kernel's rusage. Prints one table. bench/run.sh builds and runs it.
//
//   mosq_bench TOOL SOURCE_DIR [--quick]      the table
//   mosq_bench --floor COUNT ITERATIONS THREADS
//       COUNT verifications of one $7$ hash, split over THREADS threads:
//       the PBKDF2 floor, as a process of its own.
#include <fcntl.h>
#include <malloc.h>
#include <spawn.h>
#include <sys/resource.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crypto/password_hash.h"
#include "util/parallel_for.h"
#include "util/root.h"
#include "util/secret.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using Strings = std::vector<std::string>;

struct Run {
  double wall_ms = 0;
  double cpu_ms = 0;
  double peak_mib = 0;
  double spawner_mib = 0;  // this process's high-water mark when it started the command
  int exit_code = -1;
};

// A child's ru_maxrss starts from its spawner's high-water mark (exec
// records the old address space's, and posix_spawn's child shares ours), so
// this process stays small (the 100,000-user tree is made last) and reports
// its own high-water mark beside every peak: a peak equal to it says only
// "at most that".
double own_peak_mib() {
  ::malloc_trim(0);
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

// One process, its output thrown away; extra "NAME=value" added to the environment.
Run run(const Strings& argv, const Strings& extra_env = {}) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Strings env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const std::string& e : extra_env) env_strings.push_back(e);
  std::vector<char*> env;
  for (const std::string& e : env_strings) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const double spawner_mib = own_peak_mib();
  const auto start = Clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data()) != 0) {
    throw std::runtime_error("cannot start " + argv[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) throw std::runtime_error("wait4 failed");
  Run r;
  r.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  r.cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
             (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  r.peak_mib = usage.ru_maxrss / 1024.0;
  r.spawner_mib = spawner_mib;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Run run_expect(const Strings& argv, int expected, const Strings& env = {}) {
  Run r = run(argv, env);
  if (r.exit_code != expected) {
    std::string line;
    for (const auto& a : argv) line += a + " ";
    throw std::runtime_error(line + "exited " + std::to_string(r.exit_code) + ", expected " +
                             std::to_string(expected));
  }
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// A and B in turn, `pairs` times after one warm-up of each: medians and the
// median of the pairwise ratios A/B (wall time).
struct Pairing {
  double a_ms = 0, b_ms = 0, ratio = 0, a_peak_mib = 0, b_peak_mib = 0, spawner_mib = 0;
  std::vector<double> as, bs, ratios;  // each pair's
};

Pairing interleave(int pairs, const std::function<Run()>& a, const std::function<Run()>& b) {
  a();
  b();
  std::vector<double> as, bs, ratios;
  Pairing p;
  for (int i = 0; i < pairs; ++i) {
    const Run ra = a();
    const Run rb = b();
    as.push_back(ra.wall_ms);
    bs.push_back(rb.wall_ms);
    ratios.push_back(ra.wall_ms / rb.wall_ms);
    p.a_peak_mib = std::max(p.a_peak_mib, ra.peak_mib);
    p.b_peak_mib = std::max(p.b_peak_mib, rb.peak_mib);
    p.spawner_mib = std::max({p.spawner_mib, ra.spawner_mib, rb.spawner_mib});
  }
  p.a_ms = median(as);
  p.b_ms = median(bs);
  p.ratio = median(ratios);
  p.as = std::move(as);
  p.bs = std::move(bs);
  p.ratios = std::move(ratios);
  return p;
}

// Pairs taken at different times of the run, as one: the medians of them all.
Pairing merged(const std::vector<Pairing>& parts) {
  Pairing all;
  for (const Pairing& p : parts) {
    all.as.insert(all.as.end(), p.as.begin(), p.as.end());
    all.bs.insert(all.bs.end(), p.bs.begin(), p.bs.end());
    all.ratios.insert(all.ratios.end(), p.ratios.begin(), p.ratios.end());
    all.a_peak_mib = std::max(all.a_peak_mib, p.a_peak_mib);
    all.b_peak_mib = std::max(all.b_peak_mib, p.b_peak_mib);
    all.spawner_mib = std::max(all.spawner_mib, p.spawner_mib);
  }
  all.a_ms = median(all.as);
  all.b_ms = median(all.bs);
  all.ratio = median(all.ratios);
  return all;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

ino_t inode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_ino;
}

// A tree of `users` users whose passwords are files under root/secrets,
// with the password file already made (hashed on every core here, so a
// 100,000-user tree is ready in seconds), then converged by one apply.
struct UserTree {
  std::string dir, root, spec, passwd, config;
  int users = 0;

  UserTree(const std::string& base, const std::string& tool, int n, int iterations,
           bool hash_here) : dir(base), root(base + "/root"), spec(base + "/broker.yaml"),
                              passwd(base + "/root/etc/mosquitto/passwd"),
                              config(base + "/root/etc/mosquitto/conf.d/m.conf"), users(n) {
    sh("mkdir -p " + root + "/secrets " + root + "/etc/mosquitto/conf.d");
    std::ostringstream s;
    s << "version: 1\nbroker:\n  config_file: /etc/mosquitto/conf.d/m.conf\n"
         "  password_file: /etc/mosquitto/passwd\n  hash_iterations: "
      << iterations << "\nlisteners:\n  - port: 1883\n    tls: false\nusers:\n";
    for (int i = 0; i < n; ++i) {
      s << "  - name: u" << i << "\n    password_file: /secrets/u" << i << "\n";
      write(root + "/secrets/u" + std::to_string(i), password(i) + "\n");
    }
    write(spec, s.str());
    if (hash_here) {
      std::vector<std::string> lines(static_cast<std::size_t>(n));
      mosq::parallel_for(lines.size(), mosq::allowed_cpu_count(), [&](std::size_t i) {
        const auto hash = mosq::crypto::hash_password(mosq::Secret(password(static_cast<int>(i))),
                                                      mosq::crypto::MosquittoVersion::v2_0, iterations);
        lines[i] = "u" + std::to_string(i) + ":" + mosq::crypto::format_password_hash(hash) + "\n";
      });
      std::string text;
      for (const auto& line : lines) text += line;
      write(passwd, text);
      ::chmod(passwd.c_str(), 0600);
    }
    run_expect({tool, "--root", root, spec}, 0);
    run_expect(plan(tool), 0);
  }

  static std::string password(int i) { return "password-" + std::to_string(i); }
  Strings plan(const std::string& tool) const { return {tool, "--plan", "--root", root, spec}; }
  Strings apply(const std::string& tool) const { return {tool, "--root", root, spec}; }
};

struct Row {
  std::string figure, measured, floor, target;
  bool has_verdict = false;
  bool pass = false;
};

std::string fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

int floor_main(int argc, char** argv) {
  if (argc != 5) return 2;
  const long count = std::atol(argv[2]);
  const int iterations = std::atoi(argv[3]);
  const unsigned threads = static_cast<unsigned>(std::atoi(argv[4]));
  const mosq::Secret password("password-0");
  const auto hash = mosq::crypto::hash_password(password, mosq::crypto::MosquittoVersion::v2_0, iterations);
  // An even split, one slice per thread: the ideal the tool's pool is held to.
  std::atomic<long> ok{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      long mine = 0;
      for (long i = t; i < count; i += threads) mine += mosq::crypto::verify_password(hash, password);
      ok += mine;
    });
  }
  for (auto& thread : pool) thread.join();
  return ok == count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc >= 2 && std::string(argv[1]) == "--floor") return floor_main(argc, argv);
  if (argc < 4) {
    std::fprintf(stderr, "usage: mosq_bench TOOL SOURCE_DIR SPEC_ITERATIONS [--quick]\n");
    return 2;
  }
  const std::string tool = argv[1];
  const std::string source = argv[2];
  const int spec_iterations = std::atoi(argv[3]);
  const bool quick = argc > 4 && std::string(argv[4]) == "--quick";
  char self_path[4096] = {};
  if (::readlink("/proc/self/exe", self_path, sizeof self_path - 1) <= 0) throw std::runtime_error("readlink");
  const std::string self = self_path;
  const unsigned cores = mosq::allowed_cpu_count();
  const std::string cores_text = std::to_string(cores);
  char tmpl[] = "/tmp/mosq-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
  const std::string tmp = tmpl;
  std::vector<Row> rows;
  auto floor_run = [&](long count, int iterations, unsigned threads) {
    return run_expect({self, "--floor", std::to_string(count), std::to_string(iterations), std::to_string(threads)}, 0);
  };

  // 1. No-op --plan on the shipped example against `openssl version`.
  const Strings example_env{"MQTT_USER1_PASSWORD=bench-user1-password", "MQTT_CA_PASSPHRASE=bench-ca-passphrase"};
  const std::string example_root = tmp + "/example/root";
  sh("mkdir -p " + example_root + "/run/secrets && echo bench-sensor-7-password > " + example_root +
     "/run/secrets/sensor-7");
  const std::string example_spec = source + "/examples/broker.yaml";
  run_expect({tool, "--root", example_root, example_spec}, 0, example_env);
  const Strings example_plan{tool, "--plan", "--root", example_root, example_spec};
  std::fprintf(stderr, "bench: 1 no-op plan of the example vs openssl version\n");
  // 41 pairs: a run takes about 7 ms, and the median of more pairs moves
  // less with the neighbours' load (the issue asks for at least 20).
  const int t1_pairs = quick ? 5 : 41;
  const Pairing t1 = interleave(t1_pairs, [&] { return run_expect(example_plan, 0, example_env); },
                                [&] { return run_expect({"/usr/bin/openssl", "version"}, 0); });
  rows.push_back({"1 no-op --plan, example (median of " + std::to_string(t1_pairs) + ")",
                  fmt("%.1f ms", t1.a_ms), "openssl version " + fmt("%.1f ms", t1.b_ms),
                  "<= 1.30x", true, t1.ratio <= 1.30});
  rows.back().measured += " = " + fmt("%.2fx", t1.ratio);
  rows.push_back({"1 peak RSS, no-op --plan example", fmt("%.1f MiB", t1.a_peak_mib),
                  "openssl version " + fmt("%.1f MiB", t1.b_peak_mib) + "; spawner " + fmt("%.1f", t1.spawner_mib), "< 15 MiB", true, t1.a_peak_mib < 15});

  // 4. Greenfield apply of the example with ec-p256 keys against its no-op plan.
  std::fprintf(stderr, "bench: 4 greenfield apply (ec-p256) vs no-op plan\n");
  std::string ec_text = read(example_spec);
  const std::string rsa = "key_type: rsa2048";
  if (ec_text.find(rsa) == std::string::npos) throw std::runtime_error("example has no rsa2048 CA");
  ec_text.replace(ec_text.find(rsa), rsa.size(), "key_type: ec-p256");
  const std::string ec_spec = tmp + "/example-ec.yaml";
  write(ec_spec, ec_text);
  const std::string ec_root = tmp + "/ec/root", green_root = tmp + "/green/root";
  sh("mkdir -p " + ec_root + "/run/secrets && cp " + example_root + "/run/secrets/sensor-7 " + ec_root + "/run/secrets/");
  run_expect({tool, "--root", ec_root, ec_spec}, 0, example_env);
  // Three blocks of 7 pairs, here, after target 2 and after target 5: the
  // apply waits for this shared disk, whose speed can change for seconds
  // at a time, so its pairs are spread over the run (median of all 21).
  // A greenfield apply into `root` (its secret file put there first, any
  // earlier tree removed), and the no-op plan it is compared with.
  const auto greenfield_apply = [&](const std::string& root) {
    // The previous tree's removal is made durable first (sync -f: this
    // filesystem only), so the apply's fsyncs do not also write out the
    // bench's own rm -rf.
    sh("rm -rf " + mosq::parent_path(root) + " && mkdir -p " + root + "/run/secrets && cp " + ec_root +
       "/run/secrets/sensor-7 " + root + "/run/secrets/ && sync -f " + mosq::parent_path(mosq::parent_path(root)));
    return run_expect({tool, "--root", root, ec_spec}, 0, example_env);
  };
  const auto ec_plan = [&] { return run_expect({tool, "--plan", "--root", ec_root, ec_spec}, 0, example_env); };
  // One fsync of a new one-byte file on this disk, timed: each waits for
  // a disk cache flush of its own. Five after each block of target 4's
  // pairs, so their median is of the same minutes as the pairs'.
  std::vector<double> fsync_waits;
  const auto probe_fsyncs = [&] {
    for (int i = 0; i < 5; ++i) {
      const std::string file = tmp + "/fsync-probe-" + std::to_string(fsync_waits.size());
      const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || ::write(fd, "x", 1) != 1) throw std::runtime_error("cannot write " + file);
      const auto start = std::chrono::steady_clock::now();
      ::fsync(fd);
      fsync_waits.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      ::close(fd);
    }
  };
  std::vector<Pairing> t4_blocks;
  const auto t4_block = [&] {
    t4_blocks.push_back(interleave(quick ? 1 : 7, [&] { return greenfield_apply(green_root); }, ec_plan));
    probe_fsyncs();
  };
  t4_block();
  const std::size_t t4_row = rows.size();
  rows.push_back({});  // filled after the third block, its information rows after it
  // What the greenfield apply waits for on this disk: its temp files are
  // written together and fsync'ed before any is renamed, and each
  // directory that got a new name is fsync'ed once after the renames.
  // Counted with strace when it is installed.
  std::string fsync_count = "(strace not installed: not counted)";
  {
    int fsyncs = 0;
    if (::access("/usr/bin/strace", X_OK) == 0) {
      sh("rm -rf " + tmp + "/green && mkdir -p " + green_root + "/run/secrets && cp " + ec_root +
         "/run/secrets/sensor-7 " + green_root + "/run/secrets/");
      Strings traced{"/usr/bin/strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", tmp + "/fsyncs.txt",
                     tool, "--root", green_root, ec_spec};
      run_expect(traced, 0, example_env);
      std::istringstream counts(read(tmp + "/fsyncs.txt"));
      for (std::string line; std::getline(counts, line);) {
        std::istringstream fields(line);
        std::vector<std::string> words;
        for (std::string w; fields >> w;) words.push_back(w);
        // "% time seconds usecs/call calls [errors] syscall"
        if (words.size() >= 5 && (words.back() == "fsync" || words.back() == "fdatasync")) {
          fsyncs += std::atoi(words[3].c_str());
        }
      }
      fsync_count = std::to_string(fsyncs) + " in the greenfield apply, in two batches";
    }
  }

  // 2. No-op --plan, 10,000 users against the same verifications on every core.
  const int n = quick ? 2000 : 10000;
  std::fprintf(stderr, "bench: 2 no-op plan, %d users, vs the PBKDF2 floor on %u cores\n", n, cores);
  const UserTree t10k(tmp + "/u10k", tool, n, 101, false);
  const Pairing t2 = interleave(quick ? 2 : 5, [&] { return run_expect(t10k.plan(tool), 0); },
                                [&] { return floor_run(n, 101, cores); });
  rows.push_back({"2 no-op --plan, " + std::to_string(n) + " users", fmt("%.0f ms", t2.a_ms) + " = " + fmt("%.2fx", t2.ratio),
                  "PBKDF2 x" + std::to_string(n) + " on " + cores_text + " cores " + fmt("%.0f ms", t2.b_ms),
                  "<= 1.30x", true, t2.ratio <= 1.30});
  rows.push_back({"2 peak RSS, " + std::to_string(n) + " users", fmt("%.1f MiB", t2.a_peak_mib), "spawner " + fmt("%.1f MiB", t2.spawner_mib), "< 60 MiB",
                  true, t2.a_peak_mib < 60});
  {
    // The same plan on one core, against the one-core floor: what the pool adds.
    const Pairing one = interleave(quick ? 1 : 3, [&] {
      Strings pinned{"/usr/bin/taskset", "-c", "0"};
      for (const auto& a : t10k.plan(tool)) pinned.push_back(a);
      return run_expect(pinned, 0);
    }, [&] { return floor_run(n, 101, 1); });
    rows.push_back({"2 same, pinned to 1 core (taskset)", fmt("%.0f ms", one.a_ms) + " = " + fmt("%.2fx", one.ratio),
                    "PBKDF2 x" + std::to_string(n) + " on 1 core " + fmt("%.0f ms", one.b_ms), "(info)", false, false});
  }

  std::fprintf(stderr, "bench: 4 greenfield apply, second block\n");
  t4_block();

  // 3. One password changed among 10,000 users: apply against the no-op plan.
  std::fprintf(stderr, "bench: 3 one password changed among %d users\n", n);
  {
    const int changed = n / 2 + 42;
    const std::string changed_user = "u" + std::to_string(changed) + ":";
    const std::string secret = t10k.root + "/secrets/u" + std::to_string(changed);
    const ino_t config_inode = inode(t10k.config);
    int round = 0;
    bool one_line = true, one_file = true;
    const Pairing t3 = interleave(quick ? 2 : 5, [&] {
      const std::string old_text = read(t10k.passwd);
      const ino_t old_inode = inode(t10k.passwd);
      write(secret, "changed-" + std::to_string(++round) + "\n");
      Run r = run_expect(t10k.apply(tool), 0);
      const std::string new_text = read(t10k.passwd);
      // Every line but the changed user's byte for byte; the file replaced (renamed over) once; the config untouched.
      std::istringstream a(old_text), b(new_text);
      std::string la, lb;
      int differing = 0;
      while (std::getline(a, la) && std::getline(b, lb)) differing += la != lb ? (la.rfind(changed_user, 0) == 0 ? 1 : 100) : 0;
      one_line = one_line && differing == 1 && old_text.size() == new_text.size();
      one_file = one_file && inode(t10k.passwd) != old_inode && inode(t10k.config) == config_inode;
      return r;
    }, [&] { return run_expect(t10k.plan(tool), 0); });
    write(secret, UserTree::password(changed) + "\n");
    run_expect(t10k.apply(tool), 0);
    rows.push_back({"3 one password changed, " + std::to_string(n) + " users", fmt("%.0f ms", t3.a_ms) + " = " +
                        fmt("%.2fx", t3.ratio),
                    "no-op --plan " + fmt("%.0f ms", t3.b_ms), "<= 1.50x", true, t3.ratio <= 1.50});
    rows.push_back({"3 only that line changed, one file replaced", one_line && one_file ? "yes" : "NO", "-",
                    "yes", true, one_line && one_file});
  }

  // 5. --diff on the 10,000-user file (one user changed) against the same --plan.
  std::fprintf(stderr, "bench: 5 --diff\n");
  {
    write(t10k.root + "/secrets/u77", "diff-bench\n");
    Strings plan_diff = t10k.plan(tool);
    plan_diff.insert(plan_diff.begin() + 2, "--diff");
    const Pairing t5 = interleave(quick ? 2 : 3, [&] { return run_expect(plan_diff, 2); },
                                  [&] { return run_expect(t10k.plan(tool), 2); });
    write(t10k.root + "/secrets/u77", UserTree::password(77) + "\n");
    rows.push_back({"5 --plan --diff, " + std::to_string(n) + " users", fmt("%.0f ms", t5.a_ms) + " = " + fmt("%.2fx", t5.ratio),
                    "--plan " + fmt("%.0f ms", t5.b_ms), "<= 2.00x", true, t5.ratio <= 2.0});
    rows.push_back({"5 peak RSS, --diff", fmt("%.1f MiB", t5.a_peak_mib), "spawner " + fmt("%.1f MiB", t5.spawner_mib), "< 60 MiB", true, t5.a_peak_mib < 60});
  }

  std::fprintf(stderr, "bench: 4 greenfield apply, third block\n");
  t4_block();
  {
    const Pairing t4 = merged(t4_blocks);
    rows[t4_row] = {"4 greenfield apply, example, ec-p256 (" + std::to_string(t4.ratios.size()) + " pairs)",
                    fmt("%.1f ms", t4.a_ms) + " = " + fmt("%.2fx", t4.ratio), "no-op --plan " + fmt("%.1f ms", t4.b_ms),
                    "<= 3.00x", true, t4.ratio <= 3.0};
  }
  {
    const double one_fsync_ms = median(fsync_waits);
    std::vector<Row> info{{"4 one fsync on this disk (median of " + std::to_string(fsync_waits.size()) + ")",
                           fmt("%.2f ms", one_fsync_ms), fsync_count, "(info)", false, false}};
    // The same apply with its root on tmpfs, whose fsyncs return at once:
    // the tool's own work against the same no-op plan. What the row above
    // measures beyond it is the apply waiting for this disk's flushes.
    info.push_back({"4 same apply, root on tmpfs (no disk waits)", "(no tmpfs at /dev/shm)", "-", "(info)", false, false});
    struct statfs fs {};
    char shm_tmpl[] = "/dev/shm/mosq-bench-XXXXXX";
    if (::statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC && ::mkdtemp(shm_tmpl) != nullptr) {
      const std::string shm = shm_tmpl, shm_root = shm + "/green/root";
      const Pairing mem = interleave(quick ? 1 : 7, [&] { return greenfield_apply(shm_root); }, ec_plan);
      sh("rm -rf " + shm);
      info.back().measured = fmt("%.1f ms", mem.a_ms) + " = " + fmt("%.2fx", mem.ratio);
      info.back().floor = "no-op --plan " + fmt("%.1f ms", mem.b_ms);
      // The least any durable apply can wait for: two flushes, one that
      // makes the temp files' contents durable before the renames, one for
      // the new names after them (POSIX has no cheaper order). Added to
      // the tool's own work, it says whether target 4 is within reach on
      // this disk in this run, whatever the fsyncs' batching.
      const double least = mem.a_ms + 2 * one_fsync_ms;
      info.push_back({"4 least a durable apply could take here",
                      fmt("%.1f ms", least) + " = " + fmt("%.2fx", least / mem.b_ms) +
                          (least / mem.b_ms <= 3.0 ? ", in reach" : ", out of reach"),
                      "tmpfs apply + 2 fsyncs", "(info)", false, false});
    }
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(t4_row) + 1, info.begin(), info.end());
  }

  // 6. Cost per 1,000 users at 101, 1000 and the spec's iteration count.
  std::vector<int> counts{101, 1000};
  if (std::find(counts.begin(), counts.end(), spec_iterations) == counts.end()) counts.push_back(spec_iterations);
  for (int iterations : counts) {
    std::fprintf(stderr, "bench: 6 1,000 users at %d iterations\n", iterations);
    const UserTree t(tmp + "/i" + std::to_string(iterations), tool, 1000, iterations, true);
    const Pairing p = interleave(quick ? 1 : 3, [&] { return run_expect(t.plan(tool), 0); },
                                 [&] { return floor_run(1000, iterations, cores); });
    std::string label = "6 per 1,000 users, " + std::to_string(iterations) + " iterations";
    if (iterations == spec_iterations) label += " (spec)";
    rows.push_back({label, fmt("%.0f ms", p.a_ms) + " = " + fmt("%.2fx", p.ratio),
                    "PBKDF2 x1000 on " + cores_text + " cores " + fmt("%.0f ms", p.b_ms), "(info)", false, false});
    sh("rm -rf " + t.dir);
  }
  // 2. 100,000 users: per-user cost against 10,000 users'.
  const int big = quick ? 20000 : 100000;
  std::fprintf(stderr, "bench: 2 no-op plan, %d users (linear scaling)\n", big);
  {
    const UserTree t100k(tmp + "/u100k", tool, big, 101, true);
    const Pairing scale = interleave(quick ? 1 : 3, [&] { return run_expect(t100k.plan(tool), 0); },
                                     [&] { return run_expect(t10k.plan(tool), 0); });
    const double per_user_ratio = scale.ratio * n / big;
    rows.push_back({"2 no-op --plan, " + std::to_string(big) + " users", fmt("%.0f ms", scale.a_ms) + ", per user " +
                        fmt("%.2fx", per_user_ratio),
                    std::to_string(n) + " users " + fmt("%.0f ms", scale.b_ms), "per user <= 1.20x", true,
                    per_user_ratio <= 1.20});
    rows.push_back({"2 peak RSS, " + std::to_string(big) + " users", fmt("%.1f MiB", scale.a_peak_mib), "spawner " + fmt("%.1f MiB", scale.spawner_mib), "(info)",
                    false, false});
    sh("rm -rf " + tmp + "/u100k");
  }

  sh("rm -rf " + tmp);

  std::printf("cores allowed (sched_getaffinity): %u; wall times are medians of interleaved runs; ratio = median of A/B pairs\n",
              cores);
  std::printf("%-48s %-30s %-38s %-18s %s\n", "figure", "measured", "floor (same run)", "target", "result");
  for (const Row& r : rows) {
    std::printf("%-48s %-30s %-38s %-18s %s\n", r.figure.c_str(), r.measured.c_str(), r.floor.c_str(), r.target.c_str(),
                r.has_verdict ? (r.pass ? "pass" : "FAIL") : "-");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "mosq_bench: %s\n", e.what());
  return 1;
}
