// Carries out a plan and decides nothing new. Every change first re-reads
// its file and refuses to go on when it no longer is what was planned over
// (another run got there first). Writes are atomic with final modes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "observe/secrets.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::apply {

struct ApplyReport {
  std::vector<std::string> done;      // "created CA key /etc/...", for people
  std::vector<std::string> warnings;  // a restart that could not be done, ...
  bool reloaded = false;
  bool restarted = false;
};

// Throws Error (stale plan, write failure, hook failure). Files written
// before a failure stay written (each is whole); a re-run converges.
ApplyReport apply_plan(const plan::Plan& plan, const spec::Spec& spec,
                       const observe::ResolvedSecrets& secrets, FileSystem& fs, const Root& root,
                       std::int64_t now);

}  // namespace mosq::apply
