// No-op plan cost against its floor, measured in one process so the ratio
// holds on a shared, noisy machine: a converged tree with N users is
// planned again (--plan, nothing to do), and the baseline is the same N
// PBKDF2 verifications done directly. ratio = plan time / floor time.
//
//   noop_plan_bench [users...]     (default: 100 1000 10000)
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.h"
#include "crypto/password_hash.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string spec_for(int users, const std::string& secrets_dir) {
  std::ostringstream s;
  s << "version: 1\nbroker:\n  config_file: /etc/mosquitto/conf.d/m.conf\n"
       "  password_file: /etc/mosquitto/passwd\nlisteners:\n  - port: 1883\n    tls: false\n"
       "users:\n";
  for (int i = 0; i < users; ++i) {
    s << "  - name: u" << i << "\n    password_file: " << secrets_dir << "/u" << i << "\n";
  }
  return s.str();
}

int run_tool(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  return mosq::cli::run(args, mosq::real_file_system(), mosq::real_host(), mosq::observe::process_environment(), out,
                        err, false);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {100, 1000, 10000};
  std::printf("%8s %14s %14s %8s\n", "users", "noop plan ms", "pbkdf2 floor ms", "ratio");
  for (int users : sizes) {
    char tmpl[] = "/tmp/mosq-bench-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    boost::filesystem::create_directories(dir + "/root/secrets");
    for (int i = 0; i < users; ++i) {
      std::ofstream(dir + "/root/secrets/u" + std::to_string(i)) << "password-" << i << "\n";
    }
    std::ofstream(dir + "/broker.yaml") << spec_for(users, "/secrets");
    const std::vector<std::string> apply{"--root", dir + "/root", dir + "/broker.yaml"};
    if (run_tool(apply) != 0) {
      std::fprintf(stderr, "bench: apply failed\n");
      return 1;
    }
    std::vector<std::string> plan = apply;
    plan.insert(plan.begin(), "--plan");
    constexpr int k_rounds = 3;
    double best_plan = 1e300;
    for (int r = 0; r < k_rounds; ++r) {
      auto start = Clock::now();
      if (run_tool(plan) != 0) {
        std::fprintf(stderr, "bench: the plan after apply is not a no-op\n");
        return 1;
      }
      best_plan = std::min(best_plan, ms_since(start));
    }
    // Floor: the same number of 101-iteration PBKDF2 verifications.
    mosq::Secret password("password-0");
    auto hash = mosq::crypto::hash_password(password, mosq::crypto::MosquittoVersion::v2_0);
    double best_floor = 1e300;
    for (int r = 0; r < k_rounds; ++r) {
      auto start = Clock::now();
      int ok = 0;
      for (int i = 0; i < users; ++i) ok += mosq::crypto::verify_password(hash, password);
      best_floor = std::min(best_floor, ms_since(start));
      if (ok != users) return 1;
    }
    std::printf("%8d %14.2f %14.2f %8.2f\n", users, best_plan, best_floor, best_plan / best_floor);
    boost::filesystem::remove_all(dir);
  }
  return 0;
}
