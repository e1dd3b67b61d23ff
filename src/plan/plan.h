// The plan: a closed set of actions on a fixed set of resources. Reasons
// exist to explain the plan to people and never steer apply.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spec/spec_error.h"
#include "util/file_system.h"

namespace mosq::plan {

enum class Action { no_op, create, update, replace, remove };

enum class ResourceKind {
  ca_key,
  ca_certificate,
  server_key,
  server_certificate,
  client_key,
  client_certificate,
  password_file,
  broker_config,
};

// What the running broker must do to see a change.
enum class BrokerEffect { none, reload, restart };

// One line-level change inside the password file.
struct UserChange {
  // repair: a malformed line that no spec user owns, dropped.
  enum class Kind { add, update, remove, repair };
  Kind kind = Kind::add;
  std::string user;    // may be empty for a malformed line without a user
  std::string reason;  // "password changed", "state: absent", "line 4: no ':' separator"
  int line = 0;        // line number in the current file, 0 for additions
};

// A certificate as it is (before) or will be (after), for plans and JSON.
struct CertificateSummary {
  std::string subject;
  std::vector<std::string> subject_alt_names;
  std::optional<std::int64_t> not_after;  // unix seconds
  std::string serial;
  std::string key;  // "EC P-256"
};

struct Change {
  ResourceKind kind = ResourceKind::password_file;
  std::string name;  // "ca_certificate", "client_certificate[sensor-7]"
  std::string path;  // as the broker sees it
  Action action = Action::no_op;
  std::vector<std::string> reasons;
  BrokerEffect effect = BrokerEffect::none;

  // The file's final mode/ownership; mode/owner drift alone is an update
  // with content_changes == false.
  FilePolicy policy;
  bool content_changes = false;
  // Digest of the file as observed; apply refuses to write over anything else.
  std::string observed_digest;

  // password_file
  std::vector<UserChange> users;
  // broker_config: the full desired text; current text for --diff
  std::optional<std::string> desired_content;
  std::optional<std::string> current_content;
  // certificates
  std::optional<CertificateSummary> before;
  std::optional<CertificateSummary> after;
  std::optional<std::int64_t> days_left;  // as of --now, for monitoring
  // keys / certificates: the CA stops being the one clients trust
  bool breaks_trust = false;
  // false: a given CA certificate (tls.ca.managed: false), observed and
  // shown, never changed
  bool managed = true;
  // key: the key type to generate; cert: the CA whose key signs it
  std::string key_type;
  bool key_type_default = false;  // the spec gave no key_type: the default applies

  bool changes() const { return action != Action::no_op; }
};

struct Plan {
  std::vector<Change> changes;  // every managed resource, no-ops included, in apply order
  std::vector<std::string> warnings;
  bool reload_needed = false;
  std::vector<std::string> restart_reasons;  // this plan's changes that need a restart
  // An earlier apply asked for a restart that has not happened (raw
  // reasons as recorded, and when).
  std::vector<std::string> pending_restart_reasons;
  std::int64_t pending_restart_since = 0;
  // Temp files an interrupted run left (a key's or the hashes' copy):
  // apply removes them.
  std::vector<StaleTempFile> stale_temp_files;
  // Lines of the broker's hand-made config that collide with the managed
  // snippet (main_config_check.h): no plan with any is applied, or shown.
  std::vector<spec::Diagnostic> config_conflicts;

  bool has_changes() const;
  bool restart_required() const {
    return !restart_reasons.empty() || !pending_restart_reasons.empty();
  }
};

std::string_view action_name(Action action);       // "no-op", "create", ...
std::string_view resource_label(ResourceKind kind); // "password file", ...

}  // namespace mosq::plan
