#include "apply/applier.h"

#include <future>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "apply/backup.h"
#include "apply/pki_issuer.h"
#include "apply/reload.h"
#include "apply/state_file.h"
#include "broker/acl_file.h"
#include "broker/password_file.h"
#include "observe/read_limits.h"
#include "plan/file_policy.h"
#include "plan/password_file_plan.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/parallel_for.h"

namespace mosq::apply {
namespace {

std::size_t read_cap(plan::ResourceKind kind) {
  switch (kind) {
    case plan::ResourceKind::password_file: return observe::k_max_password_file_bytes;
    case plan::ResourceKind::broker_config: return observe::k_max_config_bytes;
    case plan::ResourceKind::acl_file: return observe::k_max_acl_file_bytes;
    case plan::ResourceKind::ca_key:
    case plan::ResourceKind::ca_certificate:
    case plan::ResourceKind::server_key:
    case plan::ResourceKind::server_certificate:
    case plan::ResourceKind::client_key:
    case plan::ResourceKind::client_certificate: return observe::k_max_pem_bytes;
  }
  return observe::k_max_pem_bytes;
}

// The file as it is now; throws when it is not what the plan saw (a link
// put in its place since is not read through, and refused).
std::string recheck(const plan::Change& change, const FileSystem& fs, const HostPath& host) {
  ReadResult read = fs.read(host, read_cap(change.kind()), LastLink::not_followed);
  std::string digest;
  if (read.status == ReadStatus::missing) {
    digest = "absent";
  } else if (read.status == ReadStatus::ok) {
    digest = sha256_hex(read.content);
  } else {
    throw Error(host.str() + ": cannot read: " + read.error);
  }
  if (digest != change.observed_digest) {
    throw Error(host.str() + ": changed since it was planned (another run or a hand edit); "
                "nothing more was written: run again to plan from the new state");
  }
  return read.content;
}

// The PBKDF2 iterations of a hash made now.
int new_hash_iterations(const spec::Spec& spec) {
  return spec.broker.hash_iterations.value_or(crypto::default_iterations(spec.broker.mosquitto_version));
}

// A user's new password-file line: the spec's hash as given, or the
// password hashed anew.
std::string password_line(const spec::User& user, const spec::Spec& spec, const observe::ResolvedSecrets& secrets) {
  if (!user.password) throw Error("internal error: no password source for user " + user.name);
  if (user.password->kind == spec::PasswordSourceKind::hash) {
    auto hash = crypto::parse_password_hash(user.password->value, nullptr);
    if (!hash) throw Error("internal error: the spec's hash for " + user.name + " does not parse");
    return broker::format_password_line(user.name, *hash);
  }
  const Secret& password = secrets.passwords.at(user.name);
  return broker::format_password_line(
      user.name, crypto::hash_password(password, spec.broker.mosquitto_version, new_hash_iterations(spec)));
}

using PasswordLines = std::unordered_map<std::string, std::string>;  // user -> line

// Below this many PBKDF2 iterations in all (about a millisecond), the lines
// are hashed on this thread when they are needed: a thread costs more.
constexpr long long k_thread_min_iterations = 20'000;

// The lines of the users the plan adds to or updates in the password file
// (PBKDF2 for each): when there are many, hashed on other threads (on
// `workers` of them) while the keys and certificates are made; else on
// this thread when the file is written.
std::future<PasswordLines> make_password_lines(const plan::Plan& plan, const spec::Spec& spec,
                                               const observe::ResolvedSecrets& secrets, unsigned workers) {
  std::unordered_map<std::string_view, const spec::User*> by_name;
  by_name.reserve(spec.users.size());
  for (const spec::User& user : spec.users) {
    if (user.password) by_name.emplace(user.name, &user);  // names are unique (spec/rules.cpp)
  }
  std::vector<const spec::User*> users;
  for (const plan::Change& change : plan.changes) {
    const auto* details = std::get_if<plan::PasswordFileDetails>(&change.details);
    if (details == nullptr || !change.content_changes) continue;
    for (const plan::UserChange& u : details->users) {
      if (u.kind != plan::UserChange::Kind::add && u.kind != plan::UserChange::Kind::update) continue;
      auto it = by_name.find(u.user);
      if (it == by_name.end()) throw Error("internal error: no password source for user " + u.user);
      users.push_back(it->second);
    }
  }
  const long long cost = static_cast<long long>(users.size()) * new_hash_iterations(spec);
  const bool threads = cost >= k_thread_min_iterations;
  return std::async(threads ? std::launch::async : std::launch::deferred,
                    [&spec, &secrets, users = std::move(users), workers = threads ? workers : 1u] {
                      std::vector<std::string> made(users.size());  // one slot a user
                      parallel_for(users.size(), workers,
                                   [&](std::size_t i) { made[i] = password_line(*users[i], spec, secrets); });
                      PasswordLines lines;
                      lines.reserve(users.size());
                      for (std::size_t i = 0; i < users.size(); ++i) lines.emplace(users[i]->name, std::move(made[i]));
                      return lines;
                    });
}

std::string new_password_file(const plan::Change& change, const std::string& current, const PasswordLines& made) {
  auto line_for = [&](const std::string& user) -> std::string {
    auto it = made.find(user);
    if (it == made.end()) throw Error("internal error: no new password line for user " + user);
    return it->second;
  };
  return plan::next_password_file(broker::parse_password_file(current), change, line_for);
}

std::string past_tense(plan::Action action) {
  switch (action) {
    case plan::Action::create: return "created";
    case plan::Action::update: return "updated";
    case plan::Action::replace: return "replaced";
    case plan::Action::remove: return "removed";
    case plan::Action::no_op: return "kept";
  }
  return "changed";
}

// Writes each change in order; throws at the first failure, with what
// was written before it in report.
void write_changes(const plan::Plan& plan, const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                   FileSystem& fs, const Root& root, PkiIssuer& issuer, std::int64_t real_now, unsigned workers,
                   const ApplyOptions& options, ApplyReport& report) {
  std::future<PasswordLines> password_lines = make_password_lines(plan, spec, secrets, workers);
  issuer.prepare(plan);  // every key and certificate made before anything is written
  for (const StaleTempFile& stale : plan.stale_temp_files) {
    fs.remove_stale_temp_file(stale.beside, stale.name);
    report.done.push_back("removed stale temp file " + stale.path);
  }
  for (const plan::Change& change : plan.changes) {
    if (!change.changes()) continue;
    const HostPath host = root.host_path(change.path);
    const std::string current = recheck(change, fs, host);
    if (!change.content_changes) {
      fs.change_mode(host, change.policy.mode);
      if (change.policy.uid || change.policy.gid) {
        fs.change_owner(host, change.policy.uid, change.policy.gid);
      }
    } else {
      fs.create_directories(host.sibling(parent_path(host.inside())), 0755);
      if (options.backup && change.observed_digest != "absent") {
        Backup kept{change.path, keep_backup(fs, host, current, real_now)};
        report.done.push_back("kept " + kept.file + " as " + kept.backup);
        report.backups.push_back(std::move(kept));
      }
      std::visit(plan::Overloaded{
                     [&](const plan::PasswordFileDetails&) {
                       const PasswordLines made = password_lines.valid() ? password_lines.get() : PasswordLines{};
                       fs.write_atomic(host, new_password_file(change, current, made), change.policy);
                     },
                     [&](const plan::ConfigDetails& config) {
                       fs.write_atomic(host, config.desired_content, change.policy);
                     },
                     [&](const plan::AclFileDetails& acl) {
                       // Parsed back with the broker's grammar before the
                       // rename: a file the broker cannot read at a reload
                       // would drop ACL checking altogether (fail open).
                       broker::check_acl_text(acl.desired_content, acl.desired_rules);
                       fs.write_atomic(host, acl.desired_content, change.policy);
                     },
                     [&](const plan::KeyDetails&) { issuer.write(change); },
                     [&](const plan::CertificateDetails&) { issuer.write(change); }},
                 change.details);
    }
    ++report.files_written;
    report.done.push_back(past_tense(change.action) + " " +
                          std::string(plan::resource_label(change.kind())) + " " + change.path);
  }
}

// Holds the writes made in its lifetime (FileSystem::hold_writes):
// commit() puts them in place and makes them durable; the destructor does
// when an exception skipped commit() (its errors then lost to the one on
// its way).
class HeldWrites {
 public:
  explicit HeldWrites(FileSystem& fs) : m_fs(fs) { m_fs.hold_writes(); }
  HeldWrites(const HeldWrites&) = delete;
  HeldWrites& operator=(const HeldWrites&) = delete;
  ~HeldWrites() {
    if (m_held) {
      try {
        m_fs.commit_held_writes();
      } catch (...) {
      }
    }
  }
  // What is held so far, in place; still held for its directory syncs.
  void put_in_place() { m_fs.put_held_writes_in_place(); }
  void commit() {
    m_held = false;
    m_fs.commit_held_writes();
  }

 private:
  FileSystem& m_fs;
  bool m_held = true;
};

void add_error(ApplyReport& report, const Error& e) {
  report.error = report.error ? *report.error + "\n" + e.what() : std::string(e.what());
}

// The plan as far as apply got: changes not written become no-ops, and
// the broker is asked only for what the written ones need.
plan::Plan written_part(const plan::Plan& plan, std::size_t written) {
  plan::Plan part = plan;
  bool reload = false, restart = false;
  std::size_t seen = 0;
  for (plan::Change& change : part.changes) {
    if (!change.changes()) continue;
    if (seen++ >= written) {
      change.action = plan::Action::no_op;
      continue;
    }
    reload = reload || change.effect == plan::BrokerEffect::reload;
    restart = restart || change.effect == plan::BrokerEffect::restart;
  }
  part.reload_needed = plan.reload_needed && (reload || restart);
  if (!restart) part.restart_reasons.clear();
  return part;
}

}  // namespace

ApplyReport apply_plan(const plan::Plan& plan, const spec::Spec& spec,
                       const observe::ResolvedSecrets& secrets, FileSystem& fs, Host& host, const Root& root,
                       const observe::EnvLookup& env, std::int64_t now, const ApplyOptions& options) {
  check_can_issue(plan, spec, secrets, root);  // throws before anything is written
  ApplyReport report;
  PkiIssuer issuer(spec, secrets, fs, root, now, host.now());
  {
    // The files are put in place together after the last is written (after
    // a failure too: those written before it), recorded in the state file,
    // and their directories synced once, before the broker is told. A
    // commit that fails leaves the report counting the files it names as
    // written: the broker may be asked to reload for a file that stayed as
    // it was, which it reads as before.
    HeldWrites writes(fs);
    try {
      write_changes(plan, spec, secrets, fs, root, issuer, host.now(), host.usable_cpus(), options, report);
    } catch (const Error& e) {
      report.error = e.what();
    }
    // The records read the files as written (the hold reads its writes),
    // and the state file joins the batch, put in place after them: one
    // wait for the disk fewer than recording after the renames. A state file
    // that misses a rename, or outlives one, holds records whose file
    // digests no longer match: the next run opens those files again.
    try {
      // Real time, not --now: when the key was last opened, for people.
      if (!report.error) {
        record_verified_keys(spec, secrets, fs, root, host.now(), RecordedKeys::reopened, &issuer.written());
      }
    } catch (const Error& e) {
      add_error(report, e);
    }
    try {
      writes.put_in_place();
    } catch (const Error& e) {
      add_error(report, e);
    }
    try {
      writes.commit();
    } catch (const Error& e) {
      add_error(report, e);
    }
  }
  const bool complete = !report.error;
  if (!complete && report.files_written == 0) return report;  // nothing for the broker to see
  try {
    notify_broker(complete ? plan : written_part(plan, report.files_written), spec, fs, host, root, env, report);
  } catch (const Error& e) {
    add_error(report, e);
  }
  return report;
}

}  // namespace mosq::apply
