// Carries out a plan and decides nothing new. Every change first re-reads
// its file and refuses to go on when it no longer is what was planned over
// (another run got there first). Writes are atomic with final modes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "observe/secrets.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/host.h"
#include "util/root.h"

namespace mosq::apply {

struct ApplyOptions {
  // Keep each file whose content is replaced as <file>.<time>~ (backup.h).
  bool backup = false;
};

// A file kept by --backup: the file and its backup, as the spec names paths.
struct Backup {
  std::string file;
  std::string backup;
};

struct ApplyReport {
  std::vector<std::string> done;      // "created CA key /etc/...", for people
  std::vector<std::string> warnings;  // a restart that could not be done, ...
  bool reloaded = false;
  bool restarted = false;
  std::size_t files_written = 0;      // files changed (content, mode or owner)
  std::vector<Backup> backups;        // --backup: what was kept, in apply order
  // Set when apply stopped half way (stale plan, ENOSPC, a hook failed):
  // what was done before it is still in `done`, and the broker was still
  // told to reload what had been written.
  std::optional<std::string> error;

  bool changed() const { return files_written > 0 || reloaded || restarted; }
};

// Never throws for a failure while writing or notifying: the report says
// what was done and the error. Files written before a failure stay
// written (each is whole); a re-run converges.
ApplyReport apply_plan(const plan::Plan& plan, const spec::Spec& spec,
                       const observe::ResolvedSecrets& secrets, FileSystem& fs, Host& host, const Root& root,
                       const observe::EnvLookup& env, std::int64_t now, const ApplyOptions& options = {});

}  // namespace mosq::apply
