// Command-line options: a plain struct with defaults, parsed by
// Boost.Program_options.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosq::cli {

enum class ExitCode : int { ok = 0, error = 1, changes_pending = 2 };

struct Options {
  std::string spec_path;
  bool plan = false;
  bool json = false;
  bool diff = false;
  bool validate = false;
  bool help = false;
  bool version = false;
  std::string root;       // "" when not given (--root "" is refused)
  std::string state_dir;  // --state-dir, "" when not given
  std::optional<std::string> now;
  // Apply a plan that replaces the CA clients trust (tls.ca.allow_replace
  // in the spec does the same).
  bool allow_trust_break = false;
  // How long apply waits for another run's lock before giving up.
  int lock_timeout_seconds = 60;
  // Text output for cron: nothing when nothing changed, one line per change.
  bool quiet = false;
  // Apply's exit code tells changed (2) from in sync (0), as --plan's does.
  bool detailed_exitcode = false;
  // Keep each file apply replaces as <file>.<time>~ (as Ansible's backup: yes).
  bool backup = false;
};

// Throws Error with a usage message.
Options parse_options(const std::vector<std::string>& args);

std::string usage();

}  // namespace mosq::cli
